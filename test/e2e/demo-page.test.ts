// The demo page as a newcomer sees it, on a desktop (1280 px) and a phone (390 px): nothing overflows
// its card, the webhook table says when it is empty and stays readable on a phone, the inline widget
// fills its box, a refused param reads as a sentence, and the bubble launcher covers no row at the end.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, recordConsole } from './support/browser.js';
import { startDemo, type DemoProcess } from './support/demo.js';

let demo: DemoProcess & { url: string };
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

async function openDemo(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(demo.url);
  await page.locator('#chat aicado-embed').waitFor({ state: 'attached' });
  return page;
}

/** How far an element reaches past the right edge of its card (0 when it fits). */
const overflowPastCard = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const element = document.querySelector(sel)!;
    const card = element.closest('section')!;
    return Math.max(
      0,
      element.getBoundingClientRect().right - card.getBoundingClientRect().right,
      element.scrollWidth - element.clientWidth,
    );
  }, selector);

async function applyParams(page: Page, params: unknown): Promise<string> {
  await page.fill('#params', JSON.stringify(params, null, 2));
  await page.click('#apply');
  return page.locator('#params-status').innerText();
}

describe.each([1280, 390])('at %i px', (width) => {
  it('the webhook table says it is empty until the first webhook arrives', async () => {
    const page = await openDemo(width);
    await expect.poll(() => page.locator('#events').innerText()).toMatch(/No webhooks yet/);
    await page.close();
  });

  it('the "Applied" line wraps inside its card, even for long keys and values', async () => {
    const page = await openDemo(width);
    // JSON offers no line break in these: a value with no space or hyphen, of a key the demo agents declare.
    const status = await applyParams(page, {
      user_id: 'u_42',
      session_id: 'a_value_without_any_space_or_hyphen_that_runs_past_the_card_edge_abcdefghijklmnopqrstuvwxyz',
    });
    expect(status).toMatch(/^Applied/);
    expect(await overflowPastCard(page, '#params-status')).toBe(0);
    // A key as long as allowed is not one the demo agents declare: once their definitions have arrived,
    // its refusal names it, and wraps too.
    const longKey = 'a_parameter_name_as_long_as_allowed_which_is_sixty_four_chars_xx';
    await expect.poll(() => applyParams(page, { user_id: 'u_42', [longKey]: 'x' })).toMatch(/^AicadoError \(undeclared_param\)/);
    expect(await page.locator('#params-status').innerText()).toContain(`"${longKey}" is not declared`);
    expect(await overflowPastCard(page, '#params-status')).toBe(0);
    await page.close();
  });

  it('a nested object is refused in a sentence naming the key', async () => {
    const page = await openDemo(width);
    const status = await applyParams(page, { user: { id: 1 } });
    expect(status).toContain('"user"');
    expect(status).toContain('"user" has an object;');
    expect(status).not.toContain('(a Object)');
    expect(await overflowPastCard(page, '#params-status')).toBe(0);
    await page.close();
  });

  it('the inline widget fills its box', async () => {
    const page = await openDemo(width);
    await page.locator('#chat aicado-embed section.panel textarea').waitFor(); // the panel is the lazy part
    const heights = await page.evaluate(() => ({
      box: document.getElementById('chat')!.getBoundingClientRect().height,
      panel: document.querySelector('#chat aicado-embed')!.shadowRoot!.querySelector('.panel')!.getBoundingClientRect().height,
    }));
    expect(heights.panel).toBeCloseTo(heights.box, 0);
    await page.close();
  });
});

describe('at 390 px, with a webhook received', () => {
  it('no page scrolls sideways, and each webhook reads as a labelled card', async () => {
    const page = await openDemo(390);
    const console = recordConsole(page);
    const input = page.locator('#chat aicado-embed textarea');
    await input.fill('Where is my order?');
    await input.press('Enter');
    const row = page.locator('#events tr', { hasText: 'Where is my order?' }).first();
    await row.waitFor({ timeout: 15_000 });

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const cells = await row.evaluate((tr) => {
      const table = tr.closest('table')!.getBoundingClientRect();
      return [...tr.querySelectorAll('td')].map((td) => ({
        width: td.getBoundingClientRect().width / table.width,
        label: getComputedStyle(td, '::before').content,
      }));
    });
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) {
      expect(cell.width).toBeGreaterThan(0.9); // stacked: one cell a line, the full width of the card
      expect(cell.label).not.toMatch(/^(none|normal|"")$/); // each value says what it is
    }
    expect(console.errors).toEqual([]);
    await page.close();
  });
});

describe.each([
  [1280, 800],
  [390, 844],
])('at %i×%i px, scrolled to the end', (width, height) => {
  it('the bubble launcher covers no row of either table', async () => {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(demo.url);
    const input = page.locator('#chat aicado-embed textarea');
    await input.fill('Where is my order?');
    await input.press('Enter');
    await page.locator('#events tr', { hasText: 'Where is my order?' }).first().waitFor({ timeout: 15_000 });
    await page.click('#deliveries-refresh');
    await page.locator('#deliveries tr:not(.empty)').first().waitFor({ timeout: 15_000 });
    const launcher = page.locator('body > aicado-embed .launcher');
    await launcher.waitFor();
    const box = (await launcher.boundingBox())!;
    // Rows still arrive and change status for a moment (the page refreshes deliveries): measure at the
    // end of the page once it has settled, with the last row on screen so the check has something to find.
    const atEnd = () =>
      page.evaluate((l) => {
        window.scrollTo(0, document.documentElement.scrollHeight);
        const rows = [...document.querySelectorAll('#events tr, #deliveries tr')].map((tr) => tr.getBoundingClientRect());
        return {
          lastRowOnScreen: rows.at(-1)!.bottom <= window.innerHeight,
          overlaps: rows
            .filter((r) => r.left < l.x + l.width && l.x < r.right && r.top < l.y + l.height && l.y < r.bottom)
            .map((r) => ({ top: r.top, bottom: r.bottom })),
        };
      }, box);
    await expect.poll(atEnd, { timeout: 10_000 }).toEqual({ lastRowOnScreen: true, overlaps: [] });
    // Readable: neither table's card scrolls sideways to show a column.
    const sideways = await page.evaluate(() => [...document.querySelectorAll('section.wide')].map((s) => s.scrollWidth - s.clientWidth));
    expect(sideways).toEqual([0, 0]);
    await page.close();
  });
});
