/// <reference types="vite/types/importMeta.d.ts" />
import type { PanelStrings } from './locales.js';

/** Where a built-in locale's panel texts come from, for a locale other than English (whose table the panel carries). */
export type LoadPanelStrings = (locale: string) => Promise<{ strings: PanelStrings }>;

// Every file of panel-strings/, so a new locale needs no line here; the build makes each a chunk of its own.
const TABLES = import.meta.glob<{ strings: PanelStrings }>('./*.ts', { base: './panel-strings/' });

/** For the npm entry, whose app's bundler splits each table off. Asked only for a built-in locale (`builtInLocale`). */
export const importPanelStrings: LoadPanelStrings = async (locale) => TABLES[`./${locale}.ts`]!();
