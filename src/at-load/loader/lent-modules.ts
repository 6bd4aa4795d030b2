import { SDK_VERSION } from '../../contract/version.js';

/**
 * The shared modules the first part lends its later parts, by path under src/, so they carry no second copy
 * (and share one error class). Empty here: the first part's build fills it in (scripts/build-lending.ts).
 */
const LENT_MODULES: Record<string, Readonly<Record<string, unknown>>> = {};

/** Where the first part puts them; a part of another version finds nothing there, and fails to load as a whole. */
export const LENT_MODULES_KEY = `aicado-embed.modules@${SDK_VERSION}`;

/** Lends the modules, before another part is imported. */
export function lendModules(): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for(LENT_MODULES_KEY)] = LENT_MODULES;
}
