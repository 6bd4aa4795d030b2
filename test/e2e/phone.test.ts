import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe.js';
import { ROOT } from './support/backend.js';
import { queuePage, startLoop } from './support/fixture.js';

const SHOTS = join(ROOT, 'test-results');
const KEYBOARD_PX = 300;
let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  loop = await startLoop(['--rate-limit', '0']);
});
afterAll(async () => {
  await loop?.close();
});

/**
 * Headless Chromium has no on-screen keyboard, and CDP's Emulation.setVisibleSize leaves
 * `visualViewport` as it is, so the page gets a stand-in: a `visualViewport` with the real one's
 * fields and events. Showing the keyboard shrinks it by 300 px and fires `resize`, as iOS Safari and
 * Android Chrome (default `interactive-widget=resizes-visual`) do, while the layout viewport stays.
 */
const STUB_VISUAL_VIEWPORT = `(() => {
  let keyboard = 0;
  const viewport = new EventTarget();
  Object.defineProperties(viewport, {
    width: { get: () => innerWidth },
    height: { get: () => innerHeight - keyboard },
    offsetTop: { value: 0 }, offsetLeft: { value: 0 }, pageTop: { get: () => scrollY }, pageLeft: { get: () => scrollX }, scale: { value: 1 },
  });
  Object.defineProperty(window, 'visualViewport', { configurable: true, get: () => viewport });
  window.__keyboard = (px) => {
    keyboard = px;
    viewport.dispatchEvent(new Event('resize'));
  };
})();`;

const tallPage = (init: Record<string, unknown>) =>
  queuePage(
    `Aicado('init', ${JSON.stringify({ agentId: 'demo', apiBase: loop.backend.url, storage: 'memory', ...init })});`,
    '<style>main{min-height:3000px}</style>',
  );

async function openPhone(path: string): Promise<Page> {
  const page = await loop.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
  await page.addInitScript(STUB_VISUAL_VIEWPORT);
  await page.goto(`${loop.site.url}${path}`);
  await page.locator('aicado-embed button.launcher').waitFor();
  return page;
}

const settled = (page: Page) =>
  page.waitForFunction(
    () => document.querySelector('aicado-embed')!.shadowRoot!.querySelector('section.panel')!.getAnimations().length === 0,
  );

describe('on a phone (390×844)', () => {
  it('the composer stays inside the visual viewport when the keyboard shows, and its font is at least 16 px (no zoom on focus)', async () => {
    loop.site.pages.set('/phone-keyboard.html', { body: tallPage({}) });
    const page = await openPhone('/phone-keyboard.html');
    await page.locator('aicado-embed button.launcher').tap();
    const composer = page.locator('aicado-embed .composer');
    await composer.locator('textarea').waitFor();
    await settled(page);
    expect(await composer.locator('textarea').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);

    await page.evaluate((px) => (window as unknown as { __keyboard: (px: number) => void }).__keyboard(px), KEYBOARD_PX);
    const visible = { top: 0, bottom: 844 - KEYBOARD_PX };
    await page.waitForFunction(
      (bottom) => document.querySelector('aicado-embed')!.shadowRoot!.querySelector('.composer')!.getBoundingClientRect().bottom <= bottom,
      visible.bottom,
      { timeout: 5_000 },
    );
    const box = (await composer.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(visible.top);
    expect(box.y + box.height).toBeLessThanOrEqual(visible.bottom);
    expect(box.height).toBeGreaterThan(40);
    // The header stays on screen too: the panel is the visual viewport's height, not pushed up.
    const header = (await page.locator('aicado-embed .header').boundingBox())!;
    expect(header.y).toBeGreaterThanOrEqual(0);

    await page.locator('aicado-embed textarea').fill('Typed above the keyboard');
    await page.locator('aicado-embed textarea').press('Enter');
    await page.locator('aicado-embed .msg.agent', { hasText: 'You said: "Typed above the keyboard"' }).waitFor({ timeout: 15_000 });
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'phone-keyboard.png') });

    await page.evaluate(() => (window as unknown as { __keyboard: (px: number) => void }).__keyboard(0));
    await page.waitForFunction(
      () => document.querySelector('aicado-embed')!.shadowRoot!.querySelector('.composer')!.getBoundingClientRect().bottom > 800,
    );
    await page.close();
  });

  it('the page behind does not scroll while the panel fills the screen, and gets its scroll position back on close', async () => {
    loop.site.pages.set('/phone-scroll.html', { body: tallPage({}) });
    const page = await openPhone('/phone-scroll.html');
    await page.evaluate(() => window.scrollTo(0, 600));
    await page.waitForFunction(() => window.scrollY === 600);
    const hostTextTop = () => page.locator('#host-text').evaluate((el) => el.getBoundingClientRect().top);
    const before = await hostTextTop();

    await page.locator('aicado-embed button.launcher').tap();
    await page.locator('aicado-embed textarea').waitFor();
    await settled(page);
    const panel = (await page.locator('aicado-embed section.panel').boundingBox())!;
    expect(panel).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    // Where the page stood stays where it was on screen, and scrolling over the panel does not move it:
    // over the header (nothing there scrolls, so the scroll would go to the page) and over the message
    // list (which has nothing to scroll yet). Headless Chromium ignores synthesized touch scrolls, so the
    // wheel stands in for the finger; both chain to the page the same way.
    expect(await hostTextTop()).toBe(before);
    for (const y of [30, 300]) {
      await page.mouse.move(200, y);
      await page.mouse.wheel(0, 400);
    }
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    expect(await hostTextTop()).toBe(before);
    expect(await page.evaluate(() => window.scrollY)).toBe(600);

    await page.getByRole('button', { name: 'Close chat' }).first().tap();
    await page.waitForFunction(() => window.scrollY === 600);
    expect(await hostTextTop()).toBe(before);
    // The host's own inline styles are back as they were.
    expect(await page.evaluate(() => [document.documentElement.style.cssText, document.body.style.cssText])).toEqual(['', '']);
    await page.evaluate(() => window.scrollBy(0, 100));
    await page.waitForFunction(() => window.scrollY === 700);
    await page.close();
  });
});
