import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, CDPSession } from 'playwright-core';
import { openThrottled, waitForLauncher } from './browser.js';
import { unusedBytes, unusedFunctionBytes } from './coverage.js';
import { difference, repeat, type Figure } from './stats.js';

// What the page pays at load and what the visitor waits for when opening: the figures of the split
// (the launcher first, the rest on intent). Each run is a fresh context at 4x CPU slowdown.

/** A visitor's pause between the pointer reaching the launcher and the click. */
export const HOVER_TO_CLICK_MS = 300;
/** After the launcher is painted, before the load figures are read (the idle load waits 3 s). */
const SETTLE_MS = 500;

export interface IntentReport {
  atLoad: {
    /** Gzip bytes of the JavaScript files the page fetched by then. */
    jsGzipBytes: Figure;
    /** Of those, the share that never ran (unused raw bytes / raw bytes × gzip bytes), per V8 block coverage. */
    unusedGzipBytes: Figure;
    unusedRawBytes: Figure;
    /** The same counted per function, as DevTools' coverage shows by default: a function that ran is used whole. */
    unusedFunctionsGzipBytes: Figure;
    /** Main-thread task time (CDP `TaskDuration`) of the widget page minus the blank page. */
    mainThreadMs: Figure;
  };
  /** From the click (or key) to the panel open and painted with its composer. */
  open: { afterPointerOverMs: Figure; clickWithNoWarningMs: Figure; keyboardEnterMs: Figure };
}

export async function measureIntent(browser: Browser, siteUrl: string, distDir: string, runs: number): Promise<IntentReport> {
  const gzipOf = new Map<string, number>();
  const fileGzip = (path: string) => {
    if (!gzipOf.has(path)) gzipOf.set(path, gzipSync(readFileSync(join(distDir, path)), { level: 9 }).length);
    return gzipOf.get(path)!;
  };

  const load = await repeat(runs, async () => {
    const baseline = await mainThreadMs(browser, `${siteUrl}/baseline.html`, false);
    const scripts: string[] = [];
    const opened = await openThrottled(browser, `${siteUrl}/widget.html`, async (page, cdp) => {
      page.on('request', (request) => {
        const path = new URL(request.url()).pathname;
        if (request.resourceType() === 'script' && path.endsWith('.js')) scripts.push(path.slice(1));
      });
      await cdp.send('Performance.enable');
      await page.coverage.startJSCoverage({ resetOnNavigation: false });
    });
    try {
      await waitForLauncher(opened.page);
      await opened.page.waitForTimeout(SETTLE_MS);
      const coverage = await opened.page.coverage.stopJSCoverage();
      const taskMs = await taskDurationMs(opened.cdp);
      let unusedGzip = 0;
      let unusedRaw = 0;
      let unusedFunctionsGzip = 0;
      for (const entry of coverage.filter((e) => /\/aicado-embed[^/]*\.js(\?|$)/.test(e.url))) {
        const source = entry.source ?? '';
        const unused = unusedBytes(source.length, entry.functions);
        unusedRaw += unused;
        const gzip = fileGzip(new URL(entry.url).pathname.slice(1));
        unusedGzip += (unused / source.length) * gzip;
        unusedFunctionsGzip += (unusedFunctionBytes(source.length, entry.functions) / source.length) * gzip;
      }
      return {
        js: scripts.reduce((sum, path) => sum + fileGzip(path), 0),
        unusedGzip,
        unusedRaw,
        unusedFunctionsGzip,
        widgetTask: taskMs,
        baselineTask: baseline,
      };
    } finally {
      await opened.close();
    }
  });

  const open = await repeat(runs, async () => ({
    afterPointerOver: await timeToOpen(browser, siteUrl, 'pointer-over'),
    cold: await timeToOpen(browser, siteUrl, 'click'),
    keyboard: await timeToOpen(browser, siteUrl, 'keyboard'),
  }));

  return {
    atLoad: {
      jsGzipBytes: load.js,
      unusedGzipBytes: load.unusedGzip,
      unusedRawBytes: load.unusedRaw,
      unusedFunctionsGzipBytes: load.unusedFunctionsGzip,
      mainThreadMs: difference(load.widgetTask, load.baselineTask),
    },
    open: { afterPointerOverMs: open.afterPointerOver, clickWithNoWarningMs: open.cold, keyboardEnterMs: open.keyboard },
  };
}

async function taskDurationMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? Number.NaN) * 1000;
}

async function mainThreadMs(browser: Browser, url: string, withWidget: boolean): Promise<number> {
  const opened = await openThrottled(browser, url, (_page, cdp) => cdp.send('Performance.enable'));
  try {
    if (withWidget) await waitForLauncher(opened.page);
    await opened.page.waitForTimeout(SETTLE_MS + 300);
    return await taskDurationMs(opened.cdp);
  } finally {
    await opened.close();
  }
}

/**
 * Loads the widget page, then opens the panel: a click `HOVER_TO_CLICK_MS` after the pointer came over
 * the launcher, a click with no pointer-over before it (the event alone), or Tab and Enter at once.
 * Returns the time from that event to the frame that shows the open panel with its composer.
 */
export async function timeToOpen(
  browser: Browser,
  siteUrl: string,
  how: 'pointer-over' | 'click' | 'keyboard',
  path = '/widget.html',
): Promise<number> {
  const opened = await openThrottled(browser, `${siteUrl}${path}`);
  const { page } = opened;
  try {
    await waitForLauncher(page);
    await page.evaluate(OPEN_PROBE);
    const launcher = page.locator('aicado-embed button.launcher');
    if (how === 'pointer-over') {
      await launcher.hover();
      await page.waitForTimeout(HOVER_TO_CLICK_MS);
      await page.mouse.down();
      await page.mouse.up();
    } else if (how === 'click') {
      // A click event with no pointer movement before it: no warning at all.
      await launcher.dispatchEvent('click');
    } else {
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
    }
    return (await page.evaluate('window.__bench.opened')) as number;
  } finally {
    await opened.close();
  }
}

/** In the page: the time of the opening event, then of the first frame after the panel is open with its composer. */
const OPEN_PROBE = `(() => {
  let start = null;
  const mark = (event) => { if (start === null && (event.type !== 'keydown' || event.key === 'Enter')) start = performance.now(); };
  for (const type of ['mousedown', 'click', 'keydown']) window.addEventListener(type, mark, true);
  window.__bench.opened = new Promise((resolve) => {
    const check = () => {
      const root = window.__bench.widget();
      if (start !== null && root && root.querySelector('section.panel.open textarea')) window.__bench.afterPaint((end) => resolve(end - start));
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
})()`;
