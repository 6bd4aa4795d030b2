import { createApp } from 'vue';
import 'aicado-embed/element/vue';
import App from './App.vue';

createApp(App).mount('#app');
