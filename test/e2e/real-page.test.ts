import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe.js';
import { startLoop } from './support/fixture.js';
import { SCRIPT_TAG } from './support/script-tag.js';

// The widget on a page like the ones it meets: the host's own header, nav, main and footer, its fonts
// and CSS, and its own view on colour schemes.
let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop(['--rate-limit', '0']);
});
afterAll(async () => {
  await loop?.close();
});

function hostPage(path: string, init: Record<string, unknown>, head = ''): string {
  loop.site.pages.set(path, {
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme shoes</title>${head}
<style>body{margin:0;font:16px/1.6 Georgia,serif;color:CanvasText;background:Canvas}header,footer{padding:16px}nav a{margin-right:12px}main{padding:24px}</style></head><body>
<header><a href="/">Acme</a><nav aria-label="Main"><a href="/shoes">Shoes</a><a href="/help">Help</a></nav></header>
<main><h1>Running shoes</h1><p>Light, fast and made to last.</p></main>
<footer><p>© Acme</p></footer>
<script>
  window.Aicado = window.Aicado || function () { (Aicado.hasOwnProperty('q') ? Aicado.q : (Aicado.q = [])).push(arguments); };
  Aicado('init', ${JSON.stringify({ agentId: 'demo', apiBase: loop.backend.url, storage: 'memory', ...init })});
</script>
<script async src="${SCRIPT_TAG.src}"></script>
</body></html>`,
  });
  return `${loop.site.url}${path}`;
}

async function ask(p: Page, text: string): Promise<void> {
  const input = p.locator('aicado-embed textarea');
  await input.fill(text);
  await input.press('Enter');
  await p.locator('aicado-embed .msg.agent', { hasText: `You said: "${text}"` }).waitFor({ timeout: 15_000 });
  await p.waitForFunction(() => !document.querySelector('aicado-embed')?.shadowRoot?.querySelector('[aria-busy="true"]'));
}

/** The panel fades in; colours (and so contrast) are only final once its transition has run. */
const settled = (p: Page) =>
  p.waitForFunction(() => document.querySelector('aicado-embed')!.shadowRoot!.querySelector('section.panel')!.getAnimations().length === 0);

const panelBackground = (p: Page) =>
  p.evaluate(() => getComputedStyle(document.querySelector('aicado-embed')!.shadowRoot!.querySelector('section.panel')!).backgroundColor);

describe('on a real host page', () => {
  it('axe finds no violation, landmarks included, closed, open and answered', async () => {
    const p = await loop.browser.newPage();
    await p.goto(hostPage('/landmarks.html', {}));
    await p.locator('aicado-embed button.launcher').waitFor();
    expect(await axeViolations(p)).toEqual([]);
    await p.getByRole('button', { name: 'Open chat' }).click();
    await p.locator('aicado-embed textarea').waitFor();
    await settled(p);
    expect(await axeViolations(p)).toEqual([]);
    await ask(p, 'Do you have size 44?');
    expect(await axeViolations(p)).toEqual([]);
    await p.close();
  });

  it('a successful query is a completed request, not one the browser reports as failed or aborted', async () => {
    const p = await loop.browser.newPage();
    const failed: string[] = [];
    p.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
    const finished: string[] = [];
    p.on('requestfinished', (request) => finished.push(request.url()));
    await p.goto(hostPage('/requests.html', { open: true }));
    await p.locator('aicado-embed textarea').waitFor();
    for (const text of ['first', 'second', 'third']) await ask(p, text);
    await expect.poll(() => finished.filter((url) => url.endsWith('/queries')).length, { timeout: 10_000 }).toBe(3);
    expect(failed).toEqual([]);
    await p.close();
  });

  it("colorScheme 'auto' is dark only when the host page declares dark support and the visitor prefers dark", async () => {
    const dark = await loop.browser.newPage({ colorScheme: 'dark' });
    await dark.goto(hostPage('/light-only.html', { open: true }));
    await dark.locator('aicado-embed textarea').waitFor();
    expect(await panelBackground(dark)).toBe('rgb(255, 255, 255)');

    await dark.goto(hostPage('/light-dark.html', { open: true }, '<meta name="color-scheme" content="light dark">'));
    await dark.locator('aicado-embed textarea').waitFor();
    await settled(dark);
    expect(await panelBackground(dark)).toBe('rgb(17, 24, 39)');
    expect(await axeViolations(dark)).toEqual([]);

    await dark.goto(
      hostPage('/forced-light.html', { open: true, theme: { colorScheme: 'light' } }, '<style>:root{color-scheme:light dark}</style>'),
    );
    await dark.locator('aicado-embed textarea').waitFor();
    expect(await panelBackground(dark)).toBe('rgb(255, 255, 255)');
    await dark.close();

    const light = await loop.browser.newPage({ colorScheme: 'light' });
    await light.goto(hostPage('/light-dark-2.html', { open: true }, '<style>:root{color-scheme:light dark}</style>'));
    await light.locator('aicado-embed textarea').waitFor();
    expect(await panelBackground(light)).toBe('rgb(255, 255, 255)');
    await light.goto(hostPage('/forced-dark.html', { open: true, theme: { colorScheme: 'dark' } }));
    await light.locator('aicado-embed textarea').waitFor();
    expect(await panelBackground(light)).toBe('rgb(17, 24, 39)');
    await light.close();
  });
});
