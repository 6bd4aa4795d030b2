// Every budget the build is held to, in one place: lower one to see its test fail.

/**
 * Gzip bytes (level 9) of what a page downloads, each file compressed alone as a server sends it. Each
 * budget is the size the build has now, rounded up, so nothing grows unnoticed; lower it whenever the
 * code shrinks. They sit above the design's {@link SIZE_TARGETS}, which `npm run bench` reports against.
 */
export const SIZE_BUDGETS = {
  /** `aicado-embed.iife.js`: the loader, agent core and launcher, which every page with the script tag loads. */
  scriptTagFirstPartGzip: 11 * 1024,
  /** `aicado-embed.element.js`: `<aicado-agent>` for the script tag, loaded only by a page that has the element. */
  scriptTagElementPartGzip: 1.75 * 1024,
  /** The first part, `aicado-embed.lazy.js` and the largest `aicado-embed.locale-*.js`: all a visitor who opens the chat loads. */
  scriptTagTotalGzip: 30.75 * 1024,
  /** `aicado-embed.single.iife.js`: everything in one file, for sites that pin one script with its integrity hash. */
  singleFileGzip: 30.25 * 1024,
  /** What an app bundling `import { init } from 'aicado-embed'` loads with the page, its lazy chunk excluded. */
  esmInitialGzip: 11 * 1024,
  /** All of that app's chunks of the SDK, with the largest locale chunk: what a visitor who opens the chat loads. */
  esmTotalGzip: 30.25 * 1024,
  /** `element.js`: what `aicado-embed/element` adds to an app on top of the SDK it shares. */
  elementGzip: 2.25 * 1024,
} as const;

/** The design's targets ("pay only for what the visitor uses"); the bench reports each figure against them. */
export const SIZE_TARGETS = {
  /** What every page with the chat loads before the visitor shows any intent. */
  firstPartGzip: 8 * 1024,
  /** Everything a visitor who opens the chat loads. */
  everythingGzip: 20 * 1024,
} as const;

/** Source-map entries the server bundle must not contain: browser code has no business there. */
export const SERVER_FORBIDDEN_SOURCES: readonly RegExp[] = [
  /node_modules\/preact\//, // the panel's UI library
  /(^|\/)src\/(at-load|on-intent)\//, // the SDK's code that runs in the page, at load and on intent
  /(^|\/)src\/(element|react|bindings|i18n)\//, // the element, the React component, what they share, the panel's texts
  /(^|\/)src\/(index|init|script-tag|script-tag-single)\.ts$/, // the browser entries
];

/** Source-map entries the browser bundles must not contain. */
export const BROWSER_FORBIDDEN_SOURCES: readonly RegExp[] = [
  /^node:/, // Node built-ins: a browser has none
  /__vite-browser-external/, // Vite's stand-in for a Node built-in a browser module imported
  /zod\/v4\/locales\//, // zod's message translations: the SDK writes its own messages
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
