import { mount } from 'svelte';
import 'aicado-embed/element/svelte';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
