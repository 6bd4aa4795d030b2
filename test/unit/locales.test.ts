import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInit } from '../../src/at-load/create-init.js';
import type { LazyPart } from '../../src/at-load/lazy-part.js';
import { completeStrings, type PanelStrings } from '../../src/i18n/locales.js';
import { importPanelStrings } from '../../src/i18n/panel-locales.js';
import { BUILT_IN_LOCALES } from '../../src/i18n/strings.js';
import * as lazyPart from '../../src/on-intent/index.js';
import type { AicadoAgent } from '../../src/at-load/core/handle.js';
import { panelMounted } from './support.js';

// English's panel texts come with the panel; every other built-in locale's are a part of their own,
// which only a visitor in that locale loads, beside the panel and not after it.

const LOCALES = Object.keys(BUILT_IN_LOCALES).filter((locale) => locale !== 'en');
const english = () => {
  const options = { strings: {} as never, stringOverrides: {} };
  completeStrings(options);
  return options.strings as PanelStrings;
};

let agents: AicadoAgent[] = [];
afterEach(() => {
  for (const agent of agents) agent.destroy();
  agents = [];
});

describe("the built-in locales' panel texts", () => {
  it('each locale but English has a table of its own, every text translated', async () => {
    expect(LOCALES).toEqual(expect.arrayContaining(['ar', 'tr']));
    for (const locale of LOCALES) {
      const { strings } = await importPanelStrings(locale);
      for (const [key, text] of Object.entries(strings)) expect(text, `${locale}.${key}`).not.toBe(english()[key as keyof PanelStrings]);
    }
    // qaa: a private-use language code, never a built-in locale.
    await expect(importPanelStrings('qaa')).rejects.toThrow(TypeError);
  });

  it('load on intent beside the panel, once per agent; an English widget asks for none', async () => {
    const asked: string[] = [];
    let releaseLazy: () => void = () => undefined;
    const lazyGate = new Promise<void>((resolve) => (releaseLazy = resolve));
    const init = createInit(
      async () => {
        asked.push('lazy');
        await lazyGate;
        return lazyPart as LazyPart;
      },
      async (locale) => {
        asked.push(locale);
        return importPanelStrings(locale);
      },
    );
    const turkish = init({ agentId: 'locale-tr', apiBase: 'http://api.test', storage: 'memory', locale: 'tr-TR', launcher: true });
    const english = init({ agentId: 'locale-en', apiBase: 'http://api.test', storage: 'memory', locale: 'en-GB' });
    agents.push(turkish as AicadoAgent, english as AicadoAgent);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(asked).toEqual([]);
    turkish.open();
    // Asked for while the lazy part is still on its way: the two load side by side.
    await vi.waitFor(() => expect(asked).toEqual(['lazy', 'tr']));
    releaseLazy();
    const root = await panelMounted('locale-tr');
    expect(root.querySelector('.header h2')?.textContent).toBe('Asistanımıza sorun');
    expect(root.querySelector('button.send')?.textContent).toBe('Gönder');
    english.open();
    const englishRoot = await panelMounted('locale-en');
    expect(englishRoot.querySelector('.header h2')?.textContent).toBe('Ask our assistant');
    expect(asked).toEqual(['lazy', 'tr']);
  });

  it('is loaded once for every agent in that locale on the page, and again only after a failed load', async () => {
    const asked: string[] = [];
    let failing = true;
    const init = createInit(
      async () => lazyPart as LazyPart,
      async (locale) => {
        asked.push(locale);
        if (failing) throw new TypeError('Failed to fetch dynamically imported module');
        return importPanelStrings(locale);
      },
    );
    const first = init({ agentId: 'locale-once-1', apiBase: 'http://api.test', storage: 'memory', locale: 'tr' });
    const second = init({ agentId: 'locale-once-2', apiBase: 'http://api.test', storage: 'memory', locale: 'tr-TR' });
    agents.push(first as AicadoAgent, second as AicadoAgent);
    first.open();
    await vi.waitFor(() => expect(asked).toEqual(['tr']));
    await vi.waitFor(() =>
      expect(
        document.querySelector('aicado-embed[data-agent-id="locale-once-1"]')!.shadowRoot!.querySelector('.load-notice')?.textContent,
      ).not.toBe(''),
    );
    failing = false;
    first.open();
    await panelMounted('locale-once-1');
    expect(asked).toEqual(['tr', 'tr']);
    // The other agent in the same locale mounts with the table already loaded.
    second.open();
    await panelMounted('locale-once-2');
    expect(asked).toEqual(['tr', 'tr']);
  });

  it('a table that cannot load leaves the launcher and says so; opening again loads it, with nothing lost', async () => {
    let failing = true;
    const init = createInit(
      async () => lazyPart as LazyPart,
      async (locale) => {
        if (failing) throw new TypeError('Failed to fetch dynamically imported module');
        return importPanelStrings(locale);
      },
    );
    const agent = init({ agentId: 'locale-ar', apiBase: 'http://api.test', storage: 'memory', locale: 'ar' });
    agents.push(agent as AicadoAgent);
    agent.open();
    const shadow = document.querySelector<HTMLElement>('aicado-embed[data-agent-id="locale-ar"]')!.shadowRoot!;
    await vi.waitFor(() =>
      expect(shadow.querySelector('.load-notice')?.textContent).toBe('تعذّر تحميل المحادثة. تحقّق من اتصالك ثم افتحها مجددًا.'),
    );
    expect(shadow.querySelector('.panel')).toBeNull();
    failing = false;
    agent.open();
    const root = await panelMounted('locale-ar');
    expect(root.querySelector('.header h2')?.textContent).toBe('اسأل مساعدنا');
    expect(shadow.querySelector('.load-notice')?.textContent).toBe('');
  });
});
