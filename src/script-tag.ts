import { createInit } from './at-load/create-init.js';
import type { LazyPart } from './at-load/lazy-part.js';
import { defineElementOnUse, type ElementPart } from './at-load/loader/element-on-use.js';
import { lendModules } from './at-load/loader/lent-modules.js';
import { installLoader } from './at-load/loader/queue.js';

/** The lazy part (the conversation and the panel), the ES module the build puts next to this script. */
const LAZY_FILE = 'aicado-embed.lazy.js';
/** The `<aicado-agent>` definition, the ES module beside it that a page with the element loads. */
const ELEMENT_FILE = 'aicado-embed.element.js';
/** A built-in locale's panel texts (src/i18n/panel-strings/), the ES module beside it that a visitor in that locale loads with the panel. */
const localeFile = (locale: string): string => `aicado-embed.locale-${locale}.js`;

// The script's own URL, read while it runs (later `currentScript` is gone): the other parts come from beside it.
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;
const base = script?.src || document.baseURI;
const attempts: Record<string, number> = {};

/**
 * A sibling file, as a dynamic `import()`, which `script-src 'self'` (or the CDN's origin) allows. A
 * failed import stays failed for its URL in the browser's module map, so a retry asks for a new URL.
 */
async function importSibling<T>(file: string): Promise<T> {
  const url = new URL(file, base);
  const attempt = (attempts[file] = (attempts[file] ?? 0) + 1);
  if (attempt > 1) url.searchParams.set('retry', String(attempt - 1));
  // The modules the parts share come with this one, the error class among them.
  lendModules();
  return (await import(/* @vite-ignore */ url.href)) as T;
}

/** The script-tag bundle: the loader, the agent's core and the launcher; the rest on intent, from beside it. */
const init = createInit(
  () => importSibling<LazyPart>(LAZY_FILE),
  (locale) => importSibling(localeFile(locale)),
);
installLoader(init, script);
// <aicado-agent> works with the script tag alone, as with aicado-embed/element: the same glue over this init.
defineElementOnUse(init, () => importSibling<ElementPart>(ELEMENT_FILE));
