import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { HOVER_TO_CLICK_MS, timeToOpen } from '../../bench/intent.js';
import { widgetPage } from '../../bench/pages.js';
import { launchBrowser } from './support/browser.js';
import { DIST } from './support/fixture.js';
import { startStaticServer } from './support/http.js';

// How long a visitor waits for the panel of the split script tag, at 4x CPU slowdown (the bench's
// pages and probe). Absolute times on a shared machine vary with its load, so each figure is the best
// of a few runs, held against the single-file build measured in the same runs: after a pointer-over
// the lazy part must already be there (as fast as the build that has everything), and with no warning
// at all it may cost only what fetching and compiling the lazy part costs. `npm run bench` prints the
// absolute figures (medians) against the targets of 100 and 300 ms.

const RUNS = 3;
let site: Awaited<ReturnType<typeof startStaticServer>>;
let browser: Browser;

beforeAll(async () => {
  site = await startStaticServer(DIST);
  site.pages.set('/widget.html', { body: widgetPage() });
  site.pages.set('/single.html', { body: widgetPage('/aicado-embed.single.iife.js') });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const best = (values: number[]) => Math.min(...values);

describe('opening the panel of the split script tag, at 4x CPU', () => {
  it(`a click ${HOVER_TO_CLICK_MS} ms after a pointer-over opens it as fast as the single-file build; Tab then Enter, or a bare click, adds at most the lazy part's load`, {
    timeout: 180_000,
  }, async () => {
    const times = {
      split: [] as number[],
      single: [] as number[],
      splitKey: [] as number[],
      singleKey: [] as number[],
      splitClick: [] as number[],
    };
    for (let run = 0; run < RUNS; run++) {
      times.split.push(await timeToOpen(browser, site.url, 'pointer-over'));
      times.single.push(await timeToOpen(browser, site.url, 'pointer-over', '/single.html'));
      times.splitKey.push(await timeToOpen(browser, site.url, 'keyboard'));
      times.singleKey.push(await timeToOpen(browser, site.url, 'keyboard', '/single.html'));
      times.splitClick.push(await timeToOpen(browser, site.url, 'click'));
    }
    const figures = Object.fromEntries(Object.entries(times).map(([key, values]) => [key, Math.round(best(values))]));
    const said = JSON.stringify(figures);
    // Warned: the same work as with everything loaded; a little slack for the machine, no network.
    expect(figures.split, said).toBeLessThanOrEqual(figures.single! * 1.5 + 30);
    // Unwarned: fetching (loopback) and compiling ~30 KB at 4x: hundreds of ms would mean it loads too late or too much.
    expect(figures.splitKey, said).toBeLessThanOrEqual(figures.singleKey! + 250);
    expect(figures.splitClick, said).toBeLessThanOrEqual(figures.singleKey! + 300);
  });
});
