import { readdirSync } from 'node:fs';
import { defineConfig, type LibraryOptions, type Plugin } from 'vite';
import { LENT_MODULES, LENT_MODULES_KEY } from './src/at-load/loader/lent-modules.js';

// One library build per entry, so no entry shares a chunk with another; each npm entry is built as ESM
// (`.js`, what `import` resolves to) and as CommonJS (`.cjs`, what `require` resolves to):
//   vite build                      dist/aicado-embed.{js,cjs}          the npm SDK: core and launcher, and as
//                                   dist/aicado-embed.chunk-*.{js,cjs}  chunks its lazy part (a dynamic import)
//   vite build --mode iife-lazy     dist/aicado-embed.lazy.js           the script tag's lazy part: panel, transport
//                                   dist/aicado-embed.locale-*.js       and each built-in locale's panel texts but English's
//   vite build --mode server        dist/server.{js,cjs}                aicado-embed/server, Web APIs only (Node ≥ 20, edge)
//   vite build --mode react         dist/react.{js,cjs}                 aicado-embed/react; react and the SDK stay external
//   vite build --mode element       dist/element.{js,cjs}               aicado-embed/element (<aicado-agent>); the SDK stays external
//   vite build --mode iife          dist/aicado-embed.iife.js           the script tag: loader, core, launcher; defines window.Aicado;
//                                                                       it imports dist/aicado-embed.lazy.js (and .element.js) from beside itself
//   vite build --mode iife-element  dist/aicado-embed.element.js        the script tag's <aicado-agent>, which a page with one loads
//   vite build --mode iife-single   dist/aicado-embed.single.iife.js    the same with the panel and the element inlined: one file
//   vite build --mode cli           dist/cli.js                         `npx aicado-embed` (the package's bin), for Node
// `npm run build` then bundles the declarations (scripts/bundle-declarations.ts) and prints the script's integrity hash.
const npmEntry = (entry: string, name: string): LibraryOptions => ({
  entry,
  formats: ['es', 'cjs'],
  fileName: (format) => `${name}.${format === 'es' ? 'js' : 'cjs'}`,
});
/** The built-in locales whose panel texts are a part of their own: one module each in src/i18n/panel-strings/. */
const panelLocales = readdirSync(new URL('./src/i18n/panel-strings/', import.meta.url)).map((file) => file.replace(/\.ts$/, ''));
const entries: Record<string, LibraryOptions> = {
  production: npmEntry('src/index.ts', 'aicado-embed'),
  server: npmEntry('src/server/index.ts', 'server'),
  react: npmEntry('src/react/index.ts', 'react'),
  element: npmEntry('src/element/index.ts', 'element'),
  iife: { entry: 'src/script-tag.ts', formats: ['iife'], name: 'AicadoEmbedBundle', fileName: () => 'aicado-embed.iife.js' },
  'iife-lazy': {
    entry: {
      lazy: 'src/on-intent/index.ts',
      ...Object.fromEntries(panelLocales.map((locale) => [`locale-${locale}`, `src/i18n/panel-strings/${locale}.ts`])),
    },
    formats: ['es'],
    fileName: (_format, name) => `aicado-embed.${name}.js`,
  },
  'iife-element': { entry: 'src/element/define.ts', formats: ['es'], fileName: () => 'aicado-embed.element.js' },
  'iife-single': {
    entry: 'src/script-tag-single.ts',
    formats: ['iife'],
    name: 'AicadoEmbedBundle',
    fileName: () => 'aicado-embed.single.iife.js',
  },
  cli: { entry: 'src/cli/index.ts', formats: ['es'], fileName: () => 'cli.js' },
};
// Chunks named after the package, so `dist/` says what each file belongs to; a locale's panel texts as `chunk-locale-<locale>`.
const npmOutput = (format: 'es' | 'cjs') => ({
  format,
  minify: true,
  chunkFileNames: (chunk: { facadeModuleId: string | null }) =>
    `aicado-embed.chunk-${chunk.facadeModuleId?.includes('/src/i18n/panel-strings/') ? 'locale-' : ''}[name].${format === 'es' ? 'js' : 'cjs'}`,
});

/**
 * The script tag's lazy and element parts read the modules its first part has too from the first part,
 * which lends them (src/at-load/loader/lent-modules.ts) before importing either: each module becomes the
 * exports of the lent copy.
 */
const borrowFromFirstPart = (): Plugin => ({
  name: 'aicado-borrow-from-first-part',
  enforce: 'pre',
  async resolveId(source, importer, options) {
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    const name = resolved && Object.keys(LENT_MODULES).find((path) => resolved.id.endsWith(`/src/${path}.ts`));
    return name ? `\0lent:${name}` : null;
  },
  load(id) {
    if (!id.startsWith('\0lent:')) return null;
    const name = id.slice('\0lent:'.length) as keyof typeof LENT_MODULES;
    const lent = `globalThis[Symbol.for(${JSON.stringify(LENT_MODULES_KEY)})][${JSON.stringify(name)}]`;
    return `export const { ${Object.keys(LENT_MODULES[name]).join(', ')} } = ${lent};`;
  },
});

/** Node's built-ins stay imports in the CLI (it runs in Node, not in a browser). */
const nodeBuiltin = /^node:/;

export default defineConfig(({ mode }) => ({
  plugins: mode === 'iife-lazy' || mode === 'iife-element' ? [borrowFromFirstPart()] : [],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: mode === 'production',
    sourcemap: true,
    // The server entry and the CLI stay readable in stack traces; browser bundles are paid for by every visitor.
    minify: mode !== 'server' && mode !== 'cli',
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
          : mode === 'production'
            ? // Library mode leaves ES output unminified for the app's bundler; ours is self-contained, so minify it.
              { output: [npmOutput('es'), npmOutput('cjs')] }
            : mode === 'cli'
              ? { external: [nodeBuiltin], output: { banner: '#!/usr/bin/env node' } }
              : { output: { minify: mode !== 'server' } },
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
