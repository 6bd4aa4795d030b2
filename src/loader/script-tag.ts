import { createInit, type LazyPart } from '../boot/create-init.js';
import { defineAgentElement } from '../element/define.js';
import { lendModules } from './lent-modules.js';
import { installLoader } from './queue.js';

/** The lazy part (panel and query transport), the ES module the build puts next to this script. */
export const LAZY_FILE = 'aicado-embed.lazy.js';

// The script's own URL, read while it runs (later `currentScript` is gone): the lazy part comes from beside it.
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;
const base = script?.src || document.baseURI;
let attempts = 0;

/**
 * The script-tag bundle: the loader, the agent core and the launcher. The lazy part is a dynamic
 * `import()` of its sibling file, which `script-src 'self'` (or the CDN's origin) allows. A failed import
 * stays failed for its URL in the browser's module map, so a retry asks for a new URL.
 */
const init = createInit(async () => {
  const url = new URL(LAZY_FILE, base);
  if (attempts++) url.searchParams.set('retry', String(attempts));
  // The modules both parts use come with this one, the error class among them.
  lendModules();
  return (await import(/* @vite-ignore */ url.href)) as LazyPart;
});
installLoader(init, script);
// <aicado-agent> works with the script tag alone, as with aicado-embed/element: the same glue over this init.
defineAgentElement(init);

