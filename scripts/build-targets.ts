// What `npm run build` makes: one row per build, each a separate bundle (no target shares a chunk with
// another). scripts/build.ts builds them all, in this order; `npx tsx scripts/build.ts <name>…` some of them.
// A new build is a new row: its entry, its files in dist/, and whether it is browser code (minified); a file
// that ships is also named in package.json (`exports` or `files`), and a browser one gets a size budget
// (test/budgets/budgets.ts).
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Alias, InlineConfig, Plugin } from 'vite';

export type Format = 'es' | 'cjs' | 'iife';

export interface BuildTarget {
  /** What it is and who loads it, one line (printed while it builds). */
  description: string;
  /** The module it starts from, a path in the repository; or several, by the name `[name]` stands for in `files`. */
  entry: string | Readonly<Record<string, string>>;
  /** Its formats, each with the file (in dist/) it is written to: one bundle, one file per format. */
  files: Readonly<Partial<Record<Format, string>>>;
  /** The file (in dist/) of a chunk of its own, for an entry whose dynamic imports become files beside it. */
  chunkFile?: (format: Format, chunkEntry: string | null) => string;
  /** The global an IIFE assigns its exports to. */
  globalName?: string;
  /** Imports that stay imports: a package the user has, Node's built-ins. */
  external?: readonly (string | RegExp)[];
  /**
   * Browser code is minified (every visitor pays for it); server and CLI code is not (dead code dropped, names
   * and lines kept), so it stays readable in stack traces.
   */
  minify: boolean;
  /** A first line, written after minification, so that it survives it. */
  banner?: string;
  /** Imports resolved elsewhere than their specifier says, each with why. */
  aliases?: readonly Alias[];
  /**
   * The script tag's parts share modules (scripts/build-lending.ts): the first part `lends` them, the parts
   * it imports later `borrow` them, reading them from the first part instead of carrying a second copy.
   */
  lending?: 'lends' | 'borrows';
}

/** The package imports itself as its source, not as a dist/ file of an earlier build. */
const SELF_AS_SOURCE: Alias = { find: /^aicado-embed$/, replacement: new URL('../src/index.ts', import.meta.url).pathname };

/** The built-in locales whose panel texts are a part of their own: one module each in src/i18n/panel-strings/. */
const panelLocales = readdirSync(new URL('../src/i18n/panel-strings/', import.meta.url)).map((file) => file.replace(/\.ts$/, ''));

/** The npm SDK's chunks are named after the package, so dist/ says what each file belongs to; a locale's panel texts as `chunk-locale-<locale>`. */
const sdkChunkFile = (format: Format, chunkEntry: string | null) =>
  `aicado-embed.chunk-${chunkEntry?.includes('/src/i18n/panel-strings/') ? 'locale-' : ''}[name].${format === 'es' ? 'js' : 'cjs'}`;

const targets = {
  sdk: {
    description: 'the npm package (`aicado-embed`): core and launcher; its lazy part and the locales as chunks',
    entry: 'src/index.ts',
    files: { es: 'aicado-embed.js', cjs: 'aicado-embed.cjs' },
    chunkFile: sdkChunkFile,
    minify: true,
    aliases: [SELF_AS_SOURCE],
  },
  server: {
    description: '`aicado-embed/server`: Web APIs only (Node ≥ 20, edge runtimes)',
    entry: 'src/server/index.ts',
    files: { es: 'server.js', cjs: 'server.cjs' },
    minify: false,
    aliases: [SELF_AS_SOURCE],
  },
  'server-redis': {
    description: "`aicado-embed/server/redis`: the Redis dedupe store; takes the app's node-redis or ioredis client, imports neither",
    entry: 'src/server/redis/index.ts',
    files: { es: 'server-redis.js', cjs: 'server-redis.cjs' },
    minify: false,
  },
  'server-postgres': {
    description: "`aicado-embed/server/postgres`: the Postgres dedupe store; takes the app's pg Pool, imports no pg",
    entry: 'src/server/postgres/index.ts',
    files: { es: 'server-postgres.js', cjs: 'server-postgres.cjs' },
    minify: false,
  },
  react: {
    description: "`aicado-embed/react`: React and the SDK stay imports (the app's React, one widget registry)",
    entry: 'src/react/index.ts',
    files: { es: 'react.js', cjs: 'react.cjs' },
    external: ['react', 'react/jsx-runtime', 'aicado-embed'],
    minify: true,
    // So a Next.js server component can render <AicadoAgent>.
    banner: "'use client';",
  },
  element: {
    description: '`aicado-embed/element` (<aicado-agent>): the SDK stays an import',
    entry: 'src/element/index.ts',
    files: { es: 'element.js', cjs: 'element.cjs' },
    external: ['aicado-embed'],
    minify: true,
    // The element throws the SDK's own AicadoError class, the one the app's `aicado-embed` has (one class
    // per page, so `instanceof` holds): src/element/'s imports of contract/errors.js become that import.
    aliases: [{ find: /^(\.\.\/)+contract\/errors\.js$/, replacement: 'aicado-embed' }],
  },
  'script-tag': {
    description: "the script tag's first part: loader, core, launcher; defines window.Aicado, imports the other parts from beside it",
    entry: 'src/script-tag.ts',
    files: { iife: 'aicado-embed.iife.js' },
    globalName: 'AicadoEmbedBundle',
    minify: true,
    aliases: [SELF_AS_SOURCE],
    lending: 'lends',
  },
  'script-tag-lazy': {
    description: "the script tag's lazy part (panel, transport), and each built-in locale's panel texts but English's",
    entry: {
      lazy: 'src/on-intent/index.ts',
      ...Object.fromEntries(panelLocales.map((locale) => [`locale-${locale}`, `src/i18n/panel-strings/${locale}.ts`])),
    },
    files: { es: 'aicado-embed.[name].js' },
    minify: true,
    aliases: [SELF_AS_SOURCE],
    lending: 'borrows',
  },
  'script-tag-element': {
    description: "the script tag's <aicado-agent>, which a page with one loads",
    entry: 'src/element/define.ts',
    files: { es: 'aicado-embed.element.js' },
    minify: true,
    aliases: [SELF_AS_SOURCE],
    lending: 'borrows',
  },
  'script-tag-single': {
    description: 'the script tag in one file, the panel and the element inlined (for a site that pins it with an integrity hash)',
    entry: 'src/script-tag-single.ts',
    files: { iife: 'aicado-embed.single.iife.js' },
    globalName: 'AicadoEmbedBundle',
    minify: true,
    aliases: [SELF_AS_SOURCE],
  },
  cli: {
    description: "`npx aicado-embed` (the package's bin), for Node",
    entry: 'src/cli/index.ts',
    files: { es: 'cli.js' },
    // Node's built-ins stay imports: the CLI runs in Node.
    external: [/^node:/],
    minify: false,
    banner: '#!/usr/bin/env node',
    aliases: [SELF_AS_SOURCE],
  },
} satisfies Record<string, BuildTarget>;

export type TargetName = keyof typeof targets;
export const TARGETS: Readonly<Record<TargetName, BuildTarget>> = targets;

/** A target's entries, as paths under src/ (what scripts/build-lending.ts reads). */
export const entriesUnderSrc = (target: BuildTarget): string[] =>
  (typeof target.entry === 'string' ? [target.entry] : Object.values(target.entry)).map((entry) => entry.replace(/^src\//, ''));

const ROOT = resolve(import.meta.dirname, '..');

/** A target as one Vite library build into dist/: one bundle, written once per format. */
export function viteConfig(target: BuildTarget, plugins: Plugin[] = []): InlineConfig {
  return {
    root: ROOT,
    configFile: false,
    mode: 'production',
    plugins,
    resolve: { alias: [...(target.aliases ?? [])] },
    build: {
      target: 'es2022',
      outDir: resolve(ROOT, 'dist'),
      // scripts/build.ts empties dist/ once, before all the targets.
      emptyOutDir: false,
      sourcemap: true,
      // Terser (two passes) on each chunk, then Rolldown's own minifier on its output: smaller than either
      // alone, measured on every browser part (CHANGELOG). `npm run bench` prints the sizes.
      minify: target.minify && 'terser',
      // `directives: false` keeps the React part's 'use client'.
      terserOptions: { compress: { passes: 2, directives: false }, format: { comments: false } },
      reportCompressedSize: false,
      // Library mode keeps the entries' exports; the formats are the outputs below, one per file.
      lib: { entry: target.entry },
      rolldownOptions: {
        external: target.external ? [...target.external] : undefined,
        output: (Object.keys(target.files) as Format[]).map((format) => ({
          format,
          name: target.globalName,
          entryFileNames: target.files[format],
          chunkFileNames: target.chunkFile && ((chunk) => target.chunkFile!(format, chunk.facadeModuleId)),
          banner: target.banner,
          // A minified target is minified again here, after Terser (above); any other has only its dead code
          // dropped, names and lines kept as written.
          minify: target.minify || 'dce-only',
        })),
      },
    },
  };
}
