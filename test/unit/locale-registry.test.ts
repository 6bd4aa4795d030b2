// @vitest-environment node
// Node's own URL: scripts/build-targets.ts lists a folder by a file URL, which happy-dom's URL is not.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TARGETS } from '../../scripts/build-targets.js';
import { directionOf } from '../../src/i18n/direction.js';
import { inlinedPanelStrings } from '../../src/i18n/inlined-panel-locales.js';
import { completeStrings, type PanelStrings } from '../../src/i18n/locales.js';
import { importPanelStrings } from '../../src/i18n/panel-locales.js';
import { BUILT_IN_LOCALES, builtInLocale, launcherStringsFor } from '../../src/i18n/strings.js';

// A built-in locale is an entry of BUILT_IN_LOCALES and, but for English, a file of src/i18n/panel-strings/;
// everything else (imports, builds, direction) must follow from those two, or this fails.

const REGISTERED = Object.keys(BUILT_IN_LOCALES);
const WITH_OWN_TABLE = REGISTERED.filter((locale) => locale !== 'en');
const PANEL_FILES = readdirSync(join(import.meta.dirname, '../../src/i18n/panel-strings'));

const english = (): PanelStrings => {
  const options = { strings: {} as never, stringOverrides: {} };
  completeStrings(options);
  return options.strings;
};

/** A language's writing direction as the platform's locale data (CLDR) has it, independent of src/i18n/direction.ts. */
function platformDirection(locale: string): string | undefined {
  const info = new Intl.Locale(locale) as Intl.Locale & {
    getTextInfo?: () => { direction: string };
    textInfo?: { direction: string };
  };
  return (info.getTextInfo?.() ?? info.textInfo)?.direction;
}

describe('the registry of built-in locales', () => {
  it('has a panel table file for each locale but English, and no file that is not a registered locale', () => {
    expect(REGISTERED).toContain('en');
    expect(
      PANEL_FILES.every((file) => file.endsWith('.ts')),
      PANEL_FILES.join(', '),
    ).toBe(true);
    expect(PANEL_FILES.map((file) => file.replace(/\.ts$/, '')).sort()).toEqual([...WITH_OWN_TABLE].sort());
  });

  it("gives each locale every launcher text, English's keys, none empty, and resolves its regional variants to it", () => {
    const keys = Object.keys(BUILT_IN_LOCALES.en!).sort();
    for (const locale of REGISTERED) {
      expect(Object.keys(BUILT_IN_LOCALES[locale]!).sort(), locale).toEqual(keys);
      for (const [key, text] of Object.entries(BUILT_IN_LOCALES[locale]!)) expect(text.trim(), `${locale}.${key}`).not.toBe('');
      expect(builtInLocale(`${locale}-XX`), locale).toBe(locale);
      expect(launcherStringsFor(`${locale}-XX`), locale).toBe(BUILT_IN_LOCALES[locale]);
    }
  });

  it("gives each locale but English a panel table with every key of English's, the same lazily imported (npm) and inlined (single file)", async () => {
    const keys = Object.keys(english()).sort();
    for (const locale of WITH_OWN_TABLE) {
      const { strings } = await importPanelStrings(locale);
      expect(Object.keys(strings).sort(), locale).toEqual(keys);
      for (const [key, text] of Object.entries(strings)) expect(text.trim(), `${locale}.${key}`).not.toBe('');
      expect((await inlinedPanelStrings(locale)).strings, locale).toEqual(strings);
    }
  });

  it("gives each locale its language's writing direction", () => {
    for (const locale of REGISTERED) {
      const expected = platformDirection(locale);
      expect(expected, `the platform knows no direction for ${locale}`).toMatch(/^(ltr|rtl)$/);
      expect(directionOf(locale), locale).toBe(expected);
      expect(directionOf(`${locale}-XX`), locale).toBe(expected);
    }
  });

  it('builds a script-tag part for each locale but English, under the name the first part imports, and an npm chunk', () => {
    const lazy = TARGETS['script-tag-lazy'];
    const entries = typeof lazy.entry === 'string' ? {} : lazy.entry;
    for (const locale of WITH_OWN_TABLE) {
      expect(entries[`locale-${locale}`], locale).toBe(`src/i18n/panel-strings/${locale}.ts`);
      // src/script-tag.ts imports `aicado-embed.locale-<locale>.js` from beside itself.
      expect(lazy.files.es?.replace('[name]', `locale-${locale}`)).toBe(`aicado-embed.locale-${locale}.js`);
      expect(TARGETS.sdk.chunkFile?.('es', `/repo/src/i18n/panel-strings/${locale}.ts`)).toBe('aicado-embed.chunk-locale-[name].js');
    }
    const localeEntries = Object.keys(entries).filter((name) => name.startsWith('locale-'));
    expect(localeEntries.sort()).toEqual(WITH_OWN_TABLE.map((locale) => `locale-${locale}`).sort());
  });
});
