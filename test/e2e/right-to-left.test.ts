import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { axeViolations } from './support/axe.js';
import { ROOT } from './support/backend.js';
import { queuePage, startLoop } from './support/fixture.js';

const SHOTS = join(ROOT, 'test-results');
let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  loop = await startLoop(['--rate-limit', '0']);
});
afterAll(async () => {
  await loop?.close();
});

/** Where on screen (left edge, px) each word of a bubble is drawn. */
function wordPositions(bubble: Locator, words: string[]): Promise<Record<string, number>> {
  return bubble.evaluate((element, wanted) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const found: Record<string, number> = {};
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of wanted) {
        const at = node.textContent!.indexOf(word);
        if (at < 0 || word in found) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + word.length);
        found[word] = range.getBoundingClientRect().left;
      }
    }
    return found;
  }, words);
}

describe("locale 'ar' (right to left)", () => {
  it('the panel is rtl, the visitor sits on the left, mixed-direction text keeps its order, axe finds nothing', async () => {
    loop.site.pages.set('/ar.html', {
      body: queuePage(
        `Aicado('init', ${JSON.stringify({ agentId: 'demo', apiBase: loop.backend.url, storage: 'memory', locale: 'ar', open: true, strings: { send: 'أرسل' } })});`,
      ),
    });
    const page = await loop.browser.newPage({ viewport: { width: 1024, height: 760 } });
    await page.goto(`${loop.site.url}/ar.html`);
    const panel = page.locator('aicado-embed section.panel');
    const input = page.getByRole('textbox', { name: 'اكتب رسالتك…' });
    await input.waitFor();
    expect(await panel.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    // The empty composer too: its placeholder starts on the right, its ellipsis on the left.
    expect(await input.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    expect(await page.locator('aicado-embed .root').getAttribute('lang')).toBe('ar');
    // A `strings` override works as for any built-in locale.
    await page.locator('aicado-embed').getByRole('button', { name: 'أرسل' }).waitFor();

    const arabic = 'أريد شراء Aicado Pro اليوم';
    const english = 'Hello, Aicado!';
    for (const text of [arabic, english]) {
      await input.fill(text);
      await input.press('Enter');
      await page.locator('aicado-embed .msg.agent', { hasText: `You said: "${text}"` }).waitFor({ timeout: 15_000 });
    }
    await page.waitForFunction(() => !document.querySelector('aicado-embed')?.shadowRoot?.querySelector('[aria-busy="true"]'));
    await page.waitForFunction(
      () => document.querySelector('aicado-embed')!.shadowRoot!.querySelector('section.panel')!.getAnimations().length === 0,
    );

    // The visitor's bubbles sit on the left (the end side), the agent's on the right.
    const panelBox = (await panel.boundingBox())!;
    const user = (await page.locator('aicado-embed .msg.user').first().boundingBox())!;
    const agent = (await page.locator('aicado-embed .msg.agent').nth(1).boundingBox())!;
    expect(user.x - panelBox.x).toBeLessThan(30);
    expect(panelBox.x + panelBox.width - (agent.x + agent.width)).toBeLessThan(30);
    // The launcher mirrors too: bottom-end is the left in Arabic.
    expect((await page.locator('aicado-embed button.launcher').boundingBox())!.x).toBeLessThan(100);

    // Arabic with an English product name: read right to left, the product name itself left to right.
    const mixed = await wordPositions(page.locator('aicado-embed .msg.user').first(), ['أريد', 'Aicado', 'Pro', 'اليوم']);
    expect(mixed['أريد']).toBeGreaterThan(mixed.Pro!);
    expect(mixed.Aicado).toBeLessThan(mixed.Pro!);
    expect(mixed['اليوم']).toBeLessThan(mixed.Aicado!);
    // An English message in the Arabic widget reads left to right: the "!" ends it on the right.
    const latin = await wordPositions(page.locator('aicado-embed .msg.user').nth(1), ['Hello', '!']);
    expect(latin['!']).toBeGreaterThan(latin.Hello!);
    // So does the agent's English answer (each paragraph takes its own direction).
    const answer = await wordPositions(page.locator('aicado-embed .msg.agent', { hasText: english }), ['You', 'said']);
    expect(answer.said).toBeGreaterThan(answer.You!);

    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'rtl-ar.png') });
    await page.close();
  });
});
