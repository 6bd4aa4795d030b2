import { defineConfig, type LibraryOptions } from 'vite';

// One library build per entry, so no entry shares a chunk with another:
//   vite build                 dist/aicado-embed.js    ESM for npm, self-contained
//   vite build --mode server   dist/server.js          aicado-embed/server, Web APIs only (Node ≥ 20, edge)
//   vite build --mode react    dist/react.js           aicado-embed/react; react and the SDK stay external
//   vite build --mode iife     dist/aicado-embed.iife.js  the script-tag bundle; it defines window.Aicado
const entries: Record<string, LibraryOptions> = {
  production: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'aicado-embed.js' },
  server: { entry: 'src/server/index.ts', formats: ['es'], fileName: () => 'server.js' },
  react: { entry: 'src/react/index.ts', formats: ['es'], fileName: () => 'react.js' },
  iife: { entry: 'src/loader/script-tag.ts', formats: ['iife'], name: 'AicadoEmbedBundle', fileName: () => 'aicado-embed.iife.js' },
};

export default defineConfig(({ mode }) => ({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: mode === 'production',
    sourcemap: true,
    // The server entry stays readable in stack traces; browser bundles are paid for by every visitor.
    minify: mode !== 'server',
    reportCompressedSize: false,
    lib: entries[mode] ?? entries.production,
    // The React entry shares the npm package's SDK instance (one widget registry) and the app's React.
    rolldownOptions:
      mode === 'react'
        ? { external: ['react', 'react/jsx-runtime', 'aicado-embed'] }
        : // Library mode leaves ES output unminified for the app's bundler; ours is self-contained, so minify it.
          { output: { minify: mode !== 'server' } },
  },
  resolve: { alias: mode === 'react' ? [] : [{ find: /^aicado-embed$/, replacement: new URL('./src/index.ts', import.meta.url).pathname }] },
}));
