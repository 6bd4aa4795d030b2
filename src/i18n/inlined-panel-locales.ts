/// <reference types="vite/types/importMeta.d.ts" />
import type { LoadPanelStrings } from './panel-locales.js';
import type { PanelStrings } from './locales.js';

// Every file of panel-strings/, imported statically: the single-file build carries them all and fetches nothing.
const TABLES = import.meta.glob<PanelStrings>('./*.ts', { base: './panel-strings/', eager: true, import: 'strings' });

/** For the single-file script tag. Asked only for a built-in locale (`builtInLocale`). */
export const inlinedPanelStrings: LoadPanelStrings = async (locale) => ({ strings: TABLES[`./${locale}.ts`]! });
