// Every budget the build is held to, in one place: lower one to see its test fail.

/** Gzip bytes (level 9) of what a page downloads. */
export const SIZE_BUDGETS = {
  /** `dist/aicado-embed.iife.js`, everything included. */
  scriptTagGzip: 20 * 1024,
  /** What an app ships after bundling `import { init } from 'aicado-embed'`. */
  esmInitGzip: 20 * 1024,
  /** `dist/element.js`, what `aicado-embed/element` adds to an app on top of the SDK it shares. */
  elementGzip: 2 * 1024,
} as const;

/** Source-map entries the server bundle must not contain: browser code has no business there. */
export const SERVER_FORBIDDEN_SOURCES: readonly RegExp[] = [
  /node_modules\/preact\//,
  /node_modules\/nanoid\//,
  /(^|\/)src\/ui\//,
  /(^|\/)src\/sdk\//,
  /(^|\/)src\/loader\//,
  /(^|\/)src\/transport\//,
];

/** Source-map entries the browser bundles must not contain. */
export const BROWSER_FORBIDDEN_SOURCES: readonly RegExp[] = [
  /^node:/,
  /__vite-browser-external/,
  /zod\/v4\/locales\//,
];

/** Globals that only exist in a browser; the server entry must load without touching any. */
export const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'self',
  'HTMLElement',
  'customElements',
  'requestAnimationFrame',
] as const;
