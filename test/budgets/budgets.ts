// Every budget the build is held to, in one place: lower one to see its test fail.

/**
 * Gzip bytes (level 9) of what a page downloads: each file compressed alone, as a server sends it.
 *
 * The split (the launcher first, the rest on intent) is held to the sizes it reached when it landed,
 * so nothing grows unnoticed. They are above the design's targets, which `npm run bench` prints beside
 * the figures (ok / MISSED): {@link SIZE_TARGETS}. Lower a budget whenever the code shrinks.
 */
export const SIZE_BUDGETS = {
  /**
   * `dist/aicado-embed.iife.js`, what every page with the script tag loads: loader, agent core and
   * launcher.
   * Several agents, phones, right to left and tabs: +2,417 B (13,506 -> 15,923 B), most of it the tabs'
   * shared conversation, which runs at load; their query lock loads with the lazy part.
   * Trimmed: the panel's texts (English's too) and CSS load with the panel, options checked by one loop:
   * -543 B (15,923 -> 15,380 B).
   * The conversation (transcript, queries, retries, the tabs' shared conversation) loads with the lazy
   * part; the first part keeps the agent's core: -3,837 B (15,380 -> 11,543 B).
   * The <aicado-agent> definition in its own part, which only a page with the element loads: -591 B
   * (11,543 -> 10,952 B). The identity hash no longer lent (only the other parts use it): -265 B (10,687 B).
   * A switch of user or a reset before the conversation has loaded done at once in storage, calls that
   * wait for it failed after five tries, the element part retried: +234 B (10,921 B). The destroyed and
   * abandoned errors written once and lent to the lazy part: +28 B (10,949 B; the lazy part -59 B).
   * The locales' panel texts loaded beside the lazy part, and no exports (no global): -2 B (10,962 B).
   * Each locale's texts loaded once for all its agents, as the lazy part is: +28 B (10,990 B).
   */
  scriptTagFirstPartGzip: 10.75 * 1024,
  /** `dist/aicado-embed.element.js`, what a page with the script tag and an `<aicado-agent>` loads beside the first part. */
  scriptTagElementPartGzip: 1.75 * 1024, // 1,749 B
  /**
   * The first part, `dist/aicado-embed.lazy.js` and the largest `dist/aicado-embed.locale-*.js`:
   * everything a visitor who opens the chat loads (a visitor in English loads no locale part).
   * Several agents, phones, right to left and tabs: +3,943 B (27,743 -> 31,686 B; the lazy part +1,526 B).
   * Trimmed: -337 B (31,686 -> 31,349 B; the lazy part +206 B, what the first part handed it).
   * The conversation in the lazy part, which borrows the modules the first part has (params check,
   * storage, identity, errors): +1,115 B (31,349 -> 32,464 B; the lazy part 15,969 -> 20,921 B), the
   * core's calls that wait for the conversation and the conversation's calls back to the core.
   * The element in its own part: -615 B (31,849 B, the lazy part 21,162 B with its own identity hash).
   * What waits for the conversation made robust: +215 B (32,064 B).
   * Each locale's panel texts but English's a part of its own: the lazy part -1,039 B (20,060 B); in
   * English 31,022 B, in Arabic, the largest part (621 B), 31,643 B.
   * The panel's stateful components Preact classes, without the hooks module: -842 B (the lazy part
   * 19,218 B; 30,180 B in English, 30,801 B in Arabic).
   */
  scriptTagTotalGzip: 30.25 * 1024,
  /**
   * `dist/aicado-embed.single.iife.js`, the one-file build, everything included.
   * Several agents, phones, right to left and tabs: +3,722 B (26,704 -> 30,426 B). Trimmed: -148 B (30,278 B).
   * The core and the conversation apart: +1,095 B (31,373 B); what waits for the conversation made robust: +147 B (31,520 B).
   * The locales' panel texts apart in the split build: +67 B here (31,581 B). No hooks module: -896 B (30,685 B).
   */
  singleFileGzip: 30 * 1024,
  /**
   * What an app that bundles `import { init } from 'aicado-embed'` loads with the page (its lazy chunk excluded).
   * Several agents, phones, right to left and tabs: +2,138 B (12,618 -> 14,756 B). Trimmed: -544 B (14,212 B).
   * The conversation in the lazy chunk: -3,900 B (10,312 B); what waits for it made robust: +182 B (10,494 B).
   * Each locale's panel texts a chunk of its own, loaded beside the lazy chunk: +160 B (10,654 B).
   */
  esmInitialGzip: 10.5 * 1024,
  /**
   * The same app's chunks of us, all of them. Raised from 22 KB when the non-default locales' tables
   * moved to the lazy chunk: 190 B less for every page, 200 B more for a visitor who opens the chat.
   * Several agents, phones, right to left and tabs: +3,665 B (26,482 -> 30,147 B). Trimmed: -341 B (29,806 B).
   * The core and the conversation apart: +1,243 B (31,049 B); what waits for it made robust: +164 B (31,213 B).
   * Each locale's panel texts but English's a chunk of its own, of which a visitor loads one at most:
   * in Arabic, the largest, 30,832 B. No hooks module: -823 B (30,009 B).
   */
  esmTotalGzip: 29.5 * 1024,
  /** `dist/element.js`, what `aicado-embed/element` adds to an app on top of the SDK it shares. */
  elementGzip: 2 * 1024,
} as const;

/** The design's targets (shared/PRODUCT.md, issue "Pay only for what the visitor uses"); the bench reports against them. */
export const SIZE_TARGETS = {
  firstPartGzip: 8 * 1024,
  everythingGzip: 20 * 1024,
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
export const BROWSER_FORBIDDEN_SOURCES: readonly RegExp[] = [/^node:/, /__vite-browser-external/, /zod\/v4\/locales\//];

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
