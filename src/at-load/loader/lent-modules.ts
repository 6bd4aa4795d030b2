import { SDK_VERSION } from '../../contract/version.js';

/**
 * What the script tag's first part lends its other parts (the lazy part, the locales' parts, the element
 * part) of the modules they share, by their path under src/, each an object of the names they import:
 * their builds read these instead of carrying a second copy, so they share the first part's error class
 * too. Empty here: the first part's build fills it in by a rule over folders (scripts/build-lending.ts).
 */
const LENT_MODULES: Record<string, Readonly<Record<string, unknown>>> = {};

/** Where the first part puts them; a part of another version finds nothing there, and fails to load as a whole. */
export const LENT_MODULES_KEY = `aicado-embed.modules@${SDK_VERSION}`;

/** Lends the modules, before another part is imported. */
export function lendModules(): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for(LENT_MODULES_KEY)] = LENT_MODULES;
}
