import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// <aicado-agent> is a custom element: Vue renders it as is and sets `params` as a property.
export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'aicado-agent' } } })],
});
