import { defineConfig, type LibraryOptions } from 'vite';

const esm: LibraryOptions = {
  entry: { 'aicado-embed': 'src/index.ts', server: 'src/server/index.ts' },
  formats: ['es'],
  fileName: (_format, name) => `${name}.js`,
};

// The script-tag bundle assigns `window.Aicado` itself; it exports nothing.
const scriptTag: LibraryOptions = {
  entry: 'src/loader/script-tag.ts',
  formats: ['iife'],
  name: 'AicadoEmbedBundle',
  fileName: () => 'aicado-embed.iife.js',
};

// Two library builds from one config: `vite build` emits the ESM entries (npm), and
// `vite build --mode iife` the self-contained script-tag bundle.
export default defineConfig(({ mode }) => ({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: mode !== 'iife',
    sourcemap: true,
    minify: true,
    reportCompressedSize: false,
    lib: mode === 'iife' ? scriptTag : esm,
  },
}));
