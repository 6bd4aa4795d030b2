import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/support/browser.js';
import { startStaticServer } from '../test/e2e/support/http.js';
import { STREAM_DELTAS, baselinePage, cyclesPage, streamingPage, transcriptPage, widgetPage } from './pages.js';
import { HOVER_TO_CLICK_MS, measureIntent, type IntentReport } from './intent.js';
import { difference, repeat, type Figure } from './stats.js';

/** Mid-range phone speed on a desktop CPU. */
export const CPU_SLOWDOWN = 4;
/** After the page settles, nothing the widget does later can be blamed on load. */
const SETTLE_MS = 500;

export interface BrowserReport {
  chromium: string;
  cpuSlowdown: number;
  load: {
    baseline: { firstPaintMs: Figure; totalBlockingMs: Figure; heapKb: Figure };
    widget: { firstPaintMs: Figure; launcherPaintMs: Figure; totalBlockingMs: Figure; longTasks: Figure; heapKb: Figure };
    /** The widget page minus the baseline page. */
    own: { totalBlockingMs: Figure; heapKb: Figure; launcherAfterBaselinePaintMs: Figure };
  };
  /** `streamOnlyMs`: the stubbed stream read with no widget, the floor under `renderMs`. */
  streaming: { streamOnlyMs: Figure; renderMs: Figure; longestFrameMs: Figure };
  transcript: { openMs: Figure };
  /** Bytes, unused code and main-thread work at load; the time to an open panel. */
  intent: IntentReport;
  cycles: {
    nodesBefore: Figure;
    nodesAfter: Figure;
    /** Per run, after minus before. */
    nodesLeft: Figure;
    listenersBefore: Figure;
    listenersAfter: Figure;
    listenersLeft: Figure;
    heapKbBefore: Figure;
    heapKbAfter: Figure;
    heapKbLeft: Figure;
  };
}

export interface Opened {
  page: Page;
  cdp: CDPSession;
  close(): Promise<void>;
}

interface LoadSample {
  firstPaintMs: number;
  launcherPaintMs: number | null;
  totalBlockingMs: number;
  longTasks: number;
}

/** Runs every browser scenario `runs` times, each run in a fresh context (empty storage and cache). */
export async function measureBrowser(distDir: string, runs: number): Promise<BrowserReport> {
  const site = await startStaticServer(distDir);
  site.pages.set('/baseline.html', { body: baselinePage() });
  site.pages.set('/widget.html', { body: widgetPage() });
  site.pages.set('/streaming.html', { body: streamingPage() });
  site.pages.set('/transcript.html', { body: transcriptPage() });
  site.pages.set('/cycles.html', { body: cyclesPage() });
  const browser = await launchBrowser();
  try {
    const open = (path: string) => openThrottled(browser, `${site.url}${path}`);

    // Alternating the two pages spreads any drift of the machine over both.
    const load = await repeat(runs, async () => {
      const baseline = await measureLoad(await open('/baseline.html'), false);
      const widget = await measureLoad(await open('/widget.html'), true);
      return {
        baselineFirstPaint: baseline.firstPaintMs,
        baselineBlocking: baseline.totalBlockingMs,
        baselineHeap: baseline.heapKb,
        firstPaint: widget.firstPaintMs,
        launcherPaint: widget.launcherPaintMs ?? Number.NaN,
        blocking: widget.totalBlockingMs,
        longTasks: widget.longTasks,
        heap: widget.heapKb,
      };
    });

    const streaming = await repeat(runs, async () => {
      const opened = await open('/streaming.html');
      try {
        await waitForLauncher(opened.page);
        const streamOnlyMs = (await opened.page.evaluate('window.__bench.measureStreamOnly()')) as number;
        await opened.page.evaluate(`Aicado('open')`);
        // Open and painted (with the panel's code, when it loads on intent) before the stream starts.
        await opened.page.waitForFunction(
          `!!(window.__bench.widget() && window.__bench.widget().querySelector('section.panel.open textarea'))`,
        );
        await opened.page.evaluate(`new Promise((resolve) => window.__bench.afterPaint(resolve))`);
        const result = (await opened.page.evaluate('window.__bench.measureStreaming()')) as {
          renderMs: number;
          longestFrameMs: number;
          deltas: number;
        };
        if (result.deltas !== STREAM_DELTAS) throw new Error(`the widget emitted ${result.deltas} delta events, not ${STREAM_DELTAS}`);
        return { streamOnlyMs, renderMs: result.renderMs, longestFrameMs: result.longestFrameMs };
      } finally {
        await opened.close();
      }
    });

    const transcript = await repeat(runs, async () => {
      const opened = await open('/transcript.html');
      try {
        await waitForLauncher(opened.page);
        await opened.page.waitForTimeout(SETTLE_MS);
        // As a visitor opens it: the pointer comes over the launcher first (the panel loads, if it is lazy).
        await opened.page.hover('aicado-embed button.launcher');
        await opened.page.waitForTimeout(HOVER_TO_CLICK_MS);
        const result = (await opened.page.evaluate('window.__bench.measureOpen()')) as { openMs: number };
        return { openMs: result.openMs };
      } finally {
        await opened.close();
      }
    });

    const intent = await measureIntent(browser, site.url, distDir, runs);

    const cycles = await repeat(runs, async () => {
      const opened = await open('/cycles.html');
      try {
        await opened.page.waitForFunction('window.Aicado && window.Aicado.loaded === true');
        await opened.page.waitForTimeout(SETTLE_MS);
        const before = await counters(opened.cdp);
        await opened.page.evaluate('window.__bench.runCycles()');
        await opened.page.waitForTimeout(SETTLE_MS);
        const after = await counters(opened.cdp);
        return {
          nodesBefore: before.nodes,
          nodesAfter: after.nodes,
          nodesLeft: after.nodes - before.nodes,
          listenersBefore: before.jsEventListeners,
          listenersAfter: after.jsEventListeners,
          listenersLeft: after.jsEventListeners - before.jsEventListeners,
          heapKbBefore: before.heapKb,
          heapKbAfter: after.heapKb,
          heapKbLeft: after.heapKb - before.heapKb,
        };
      } finally {
        await opened.close();
      }
    });

    return {
      chromium: browser.version(),
      cpuSlowdown: CPU_SLOWDOWN,
      load: {
        baseline: { firstPaintMs: load.baselineFirstPaint, totalBlockingMs: load.baselineBlocking, heapKb: load.baselineHeap },
        widget: {
          firstPaintMs: load.firstPaint,
          launcherPaintMs: load.launcherPaint,
          totalBlockingMs: load.blocking,
          longTasks: load.longTasks,
          heapKb: load.heap,
        },
        own: {
          totalBlockingMs: difference(load.blocking, load.baselineBlocking),
          heapKb: difference(load.heap, load.baselineHeap),
          launcherAfterBaselinePaintMs: difference(load.launcherPaint, load.baselineFirstPaint),
        },
      },
      streaming,
      transcript,
      intent,
      cycles,
    };
  } finally {
    await browser.close();
    await site.close();
  }
}

/** A page in a new context with the CPU slowed down before it navigates; `prepare` runs just before. */
export async function openThrottled(
  browser: Browser,
  url: string,
  prepare?: (page: Page, cdp: CDPSession) => Promise<unknown>,
): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await prepare?.(page, cdp);
  await page.goto(url, { waitUntil: 'load' });
  return { page, cdp, close: () => context.close() };
}

export function waitForLauncher(page: Page): Promise<unknown> {
  return page.waitForFunction('window.__bench.launcherPaint !== null', undefined, { timeout: 15_000 });
}

/** Paint times, long tasks and the heap once the page has loaded and settled. */
async function measureLoad(opened: Opened, withWidget: boolean): Promise<LoadSample & { heapKb: number }> {
  try {
    if (withWidget) await waitForLauncher(opened.page);
    await opened.page.waitForTimeout(SETTLE_MS);
    const sample = (await opened.page.evaluate(`(() => {
      const paint = performance.getEntriesByType('paint').find((entry) => entry.name === 'first-paint');
      const tasks = window.__bench.longTasks;
      return {
        firstPaintMs: paint ? paint.startTime : NaN,
        launcherPaintMs: window.__bench.launcherPaint,
        totalBlockingMs: tasks.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0),
        longTasks: tasks.length,
      };
    })()`)) as LoadSample;
    const { heapKb } = await counters(opened.cdp);
    return { ...sample, heapKb };
  } finally {
    await opened.close();
  }
}

/** DOM nodes, JS event listeners and used JS heap, after garbage collection. */
async function counters(cdp: CDPSession): Promise<{ nodes: number; jsEventListeners: number; heapKb: number }> {
  // Twice: the first collection can leave objects that only become unreachable through finalised ones.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const dom = await cdp.send('Memory.getDOMCounters');
  const heap = await cdp.send('Runtime.getHeapUsage');
  return { nodes: dom.nodes, jsEventListeners: dom.jsEventListeners, heapKb: heap.usedSize / 1024 };
}
