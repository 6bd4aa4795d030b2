import { defineConfig } from 'vite';

// The configuration the tests read (vitest.config.ts extends it). The build is scripts/build.ts, which
// builds each target of scripts/build-targets.ts on its own configuration, not this one.
export default defineConfig({
  resolve: {
    // The tests (and the bindings' examples they run) import the package by its name: its source, not a dist/ of an earlier build.
    alias: [{ find: /^aicado-embed$/, replacement: new URL('./src/index.ts', import.meta.url).pathname }],
  },
});
