import type { PanelStrings } from './locales.js';

/** Where a built-in locale's panel texts come from, for a locale other than English (whose table the panel carries). */
export type LoadPanelStrings = (locale: string) => Promise<{ strings: PanelStrings }>;

/** Each built-in locale other than English, and its table (src/i18n/panel-strings/), as a dynamic import. */
const TABLES: Record<string, () => Promise<{ strings: PanelStrings }>> = {
  tr: () => import('./panel-strings/tr.js'),
  ar: () => import('./panel-strings/ar.js'),
};

/**
 * For the npm entry, whose app's bundler splits each table off. Asked only for a built-in locale
 * (`builtInLocale`); any other is a rejection.
 */
export const importPanelStrings: LoadPanelStrings = async (locale) => TABLES[locale]!();
