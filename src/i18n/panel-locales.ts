import type { PanelStrings } from './locales.js';

/** Where a built-in locale's panel texts come from, for a locale other than English (whose table the panel carries). */
export type LoadPanelStrings = (locale: string) => Promise<{ strings: PanelStrings }>;

/** Each built-in locale other than English, and its table (src/i18n/panel-strings/), as a dynamic import. */
const TABLES: Record<string, () => Promise<{ strings: PanelStrings }>> = {
  tr: () => import('./panel-strings/tr.js'),
  ar: () => import('./panel-strings/ar.js'),
};

/** For the npm entry, whose app's bundler splits each table off, and for the single file, which inlines them. */
export const importPanelStrings: LoadPanelStrings = async (locale) => {
  const table = TABLES[locale];
  if (!table) throw new Error(`no built-in panel texts for locale "${locale}"`);
  return table();
};
