import { defineConfig, type LibraryOptions } from 'vite';

// One library build per entry, so no entry shares a chunk with another; each npm entry is built as ESM
// (`.js`, what `import` resolves to) and as CommonJS (`.cjs`, what `require` resolves to):
//   vite build                 dist/aicado-embed.{js,cjs}    the npm SDK, self-contained
//   vite build --mode server   dist/server.{js,cjs}          aicado-embed/server, Web APIs only (Node ≥ 20, edge)
//   vite build --mode react    dist/react.{js,cjs}           aicado-embed/react; react and the SDK stay external
//   vite build --mode element  dist/element.{js,cjs}         aicado-embed/element (<aicado-agent>); the SDK stays external
//   vite build --mode iife     dist/aicado-embed.iife.js     the script-tag bundle; it defines window.Aicado
// `npm run build` then bundles the declarations (scripts/bundle-declarations.ts) and prints the script's integrity hash.
const npmEntry = (entry: string, name: string): LibraryOptions => ({
  entry,
  formats: ['es', 'cjs'],
  fileName: (format) => `${name}.${format === 'es' ? 'js' : 'cjs'}`,
});
const entries: Record<string, LibraryOptions> = {
  production: npmEntry('src/index.ts', 'aicado-embed'),
  server: npmEntry('src/server/index.ts', 'server'),
  react: npmEntry('src/react/index.ts', 'react'),
  element: npmEntry('src/element/index.ts', 'element'),
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
    // It starts with 'use client' so a Next.js server component can render <AicadoAgent>; a banner is
    // written after minification, so the directive survives it.
    rolldownOptions:
      mode === 'react'
        ? { external: ['react', 'react/jsx-runtime', 'aicado-embed'], output: { banner: "'use client';" } }
        : mode === 'element'
          ? { external: ['aicado-embed'], output: { minify: true } }
          : // Library mode leaves ES output unminified for the app's bundler; ours is self-contained, so minify it.
            { output: { minify: mode !== 'server' } },
  },
  resolve: {
    alias:
      mode === 'react'
        ? []
        : mode === 'element'
          ? // The element throws the SDK's own AicadoError class (one class per page, so `instanceof` holds).
            [{ find: /^(\.\.\/)+contract\/errors\.js$/, replacement: 'aicado-embed' }]
          : [{ find: /^aicado-embed$/, replacement: new URL('./src/index.ts', import.meta.url).pathname }],
  },
}));
