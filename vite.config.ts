import { defineConfig, type LibraryOptions } from 'vite';

// One library build per entry, so no entry shares a chunk with another:
//   vite build                 dist/aicado-embed.js    ESM for npm, self-contained
//   vite build --mode server   dist/server.js          aicado-embed/server, Web APIs only (Node ≥ 20, edge)
//   vite build --mode iife     dist/aicado-embed.iife.js  the script-tag bundle; it defines window.Aicado
const entries: Record<string, LibraryOptions> = {
  production: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'aicado-embed.js' },
  server: { entry: 'src/server/index.ts', formats: ['es'], fileName: () => 'server.js' },
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
  },
}));
