import { createInit, type InitFunction } from './at-load/create-init.js';
import { importPanelStrings } from './i18n/panel-locales.js';

/**
 * `P` is the params type of the handle: the wide default (any valid key and value) unless given as
 * `init<MyParams>()`. `L`, inferred from `options.params`, only lets the literal be checked for
 * restricted keys without narrowing the handle to its literal types.
 *
 * Puts an agent on the page and returns its handle. Throws `AicadoError` (and changes nothing) when the
 * options or params are invalid; a second `init` for the same agent returns the running one. The panel's
 * code, and each locale's texts, are dynamic imports, which an app's bundler splits off and the page
 * loads on intent.
 */
// The typed view of the library's init, which checks at run time what these types check at compile time.
export const init = createInit(() => import('./on-intent/index.js'), importPanelStrings) as InitFunction;
