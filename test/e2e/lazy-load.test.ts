import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { recordConsole } from './support/browser.js';
import { queuePage, startLoop } from './support/fixture.js';

// The split script tag (the e2e project; e2e-single has nothing to load): the first part draws the
// launcher, the lazy part comes on intent, and a failed load leaves the launcher working.

const LAZY_PATH = '/aicado-embed.lazy.js';
let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop(['--agent', 'demo', '--agent', 'support']);
  loop.site.pages.set('/lazy.html', {
    body: queuePage(
      `Aicado('init', { agentId: 'demo', apiBase: '${loop.backend.url}', storage: 'memory', params: { user_id: 'u_lazy' } });`,
    ),
  });
  loop.site.pages.set('/lazy-tr.html', {
    body: queuePage(`Aicado('init', { agentId: 'demo', apiBase: '${loop.backend.url}', storage: 'memory', locale: 'tr-TR' });`),
  });
  // Two agents in Turkish: an inline one, which loads its panel at once, and a bubble.
  loop.site.pages.set('/lazy-tr-two.html', {
    body: queuePage(`Aicado('init', { agentId: 'demo', apiBase: '${loop.backend.url}', storage: 'memory', locale: 'tr', mode: 'inline', container: '#chat' });
  Aicado('init', { agentId: 'support', apiBase: '${loop.backend.url}', storage: 'memory', locale: 'tr' });`).replace(
      '<main>',
      '<main><div id="chat"></div>',
    ),
  });
});
afterAll(async () => {
  await loop?.close();
});

/** The paths of the lazy part the page requested, retries (`?retry=n`) included. */
function lazyRequests(page: Page): string[] {
  const paths: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === LAZY_PATH) paths.push(url.pathname + url.search);
  });
  return paths;
}

const notice = (page: Page) => page.locator('aicado-embed .load-notice');

/** What the page asked for and received of the script tag's later parts, in order: `request lazy`, `response locale-tr`, …. */
function partEvents(page: Page): string[] {
  const events: string[] = [];
  const part = (url: string) => /\/aicado-embed\.(lazy|locale-[a-z]+)\.js/.exec(new URL(url).pathname)?.[1];
  page.on('request', (request) => {
    const name = part(request.url());
    if (name) events.push(`request ${name}`);
  });
  page.on('response', (response) => {
    const name = part(response.url());
    if (name) events.push(`response ${name}`);
  });
  return events;
}

describe('the split script tag', () => {
  it('draws the launcher without the lazy part, loads it when the pointer is over the launcher, then opens', async () => {
    const page = await loop.browser.newPage();
    const log = recordConsole(page);
    const lazy = lazyRequests(page);
    const parts = partEvents(page);
    await page.goto(`${loop.site.url}/lazy.html`);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    const launcher = page.locator('aicado-embed button.launcher');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    await page.waitForTimeout(500);
    expect(lazy).toEqual([]); // no intent yet, and the idle load waits a few seconds
    expect(await page.locator('aicado-embed section.panel').count()).toBe(0);

    await launcher.hover();
    await page.locator('aicado-embed section.panel').waitFor({ state: 'attached' });
    expect(lazy).toEqual([LAZY_PATH]);
    // English's panel texts come with the lazy part: no locale's part is asked for.
    expect(parts.filter((event) => event.includes('locale'))).toEqual([]);
    expect(await launcher.getAttribute('aria-controls')).toBe(await page.locator('aicado-embed section.panel').getAttribute('id'));
    await launcher.click();
    await page.waitForFunction(() => document.querySelector('aicado-embed')?.shadowRoot?.activeElement?.tagName === 'TEXTAREA');
    expect([await launcher.getAttribute('aria-label'), await launcher.getAttribute('aria-expanded')]).toEqual(['Close chat', 'true']);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('a widget in Turkish loads its panel texts, a part of their own, beside the lazy part, not after it', async () => {
    const page = await loop.browser.newPage();
    const log = recordConsole(page);
    const parts = partEvents(page);
    // The lazy part is slow to come: the locale's part must already be asked for by then.
    await page.route(`**${LAZY_PATH}*`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await page.goto(`${loop.site.url}/lazy-tr.html`);
    const launcher = page.getByRole('button', { name: 'Sohbeti aç' });
    await launcher.waitFor();
    expect(parts).toEqual([]);
    await launcher.click();
    await page.locator('aicado-embed section.panel').waitFor();
    expect(await page.locator('aicado-embed .header h2').textContent()).toBe('Asistanımıza sorun');
    expect(await page.getByRole('button', { name: 'Gönder' }).count()).toBe(1);
    expect(parts.filter((event) => event.startsWith('request')).sort()).toEqual(['request lazy', 'request locale-tr']);
    expect(parts.indexOf('request locale-tr')).toBeLessThan(parts.indexOf('response lazy'));
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('two agents in Turkish on one page fetch its panel texts once', async () => {
    const page = await loop.browser.newPage();
    const log = recordConsole(page);
    const urls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('aicado-embed.locale-')) urls.push(new URL(request.url()).pathname + new URL(request.url()).search);
    });
    await page.goto(`${loop.site.url}/lazy-tr-two.html`);
    await page.locator('aicado-embed[data-agent-id="demo"] section.panel').waitFor();
    await page.getByRole('button', { name: 'Sohbeti aç' }).click();
    await page.locator('aicado-embed[data-agent-id="support"] section.panel').waitFor();
    expect(await page.locator('aicado-embed[data-agent-id="support"] .header h2').textContent()).toBe('Asistanımıza sorun');
    expect(urls).toEqual(['/aicado-embed.locale-tr.js']);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('with no intent at all, loads the lazy part once the page has been idle for a few seconds', async () => {
    const page = await loop.browser.newPage();
    const lazy = lazyRequests(page);
    await page.goto(`${loop.site.url}/lazy.html`);
    await page.locator('aicado-embed section.panel').waitFor({ state: 'attached', timeout: 15_000 });
    expect(lazy).toEqual([LAZY_PATH]);
    await page.close();
  });

  it('offline, the launcher stays; opening says the chat could not load, and opening again retries and opens it', async () => {
    const context = await loop.browser.newContext();
    const page = await context.newPage();
    const lazy = lazyRequests(page);
    await page.goto(`${loop.site.url}/lazy.html`);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    const launcher = page.locator('aicado-embed button.launcher');
    // The first part is here; the network goes before the lazy part could come.
    await page.route(`**${LAZY_PATH}*`, (route) => route.abort('internetdisconnected'));

    await launcher.focus(); // intent: the load starts, and fails
    await launcher.press('Enter');
    await expect.poll(() => notice(page).textContent()).toBe('The chat could not be loaded. Check your connection and open it again.');
    expect(await notice(page).getAttribute('role')).toBe('status');
    expect(await notice(page).isVisible()).toBe(true);
    // The launcher stays usable and says the truth: the panel is not open.
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('aicado-embed section.panel').count()).toBe(0);
    const failedLoads = lazy.length;
    expect(failedLoads).toBeGreaterThanOrEqual(1);

    // Back online: opening again retries the load (a new URL, as the browser remembers the failed one).
    await page.unroute(`**${LAZY_PATH}*`);
    // Every text the notice shows, recorded in the page as it changes (a read from here can come too late:
    // the lazy part may load and clear it first).
    await page.evaluate(() => {
      const element = document.querySelector('aicado-embed')!.shadowRoot!.querySelector('.load-notice')!;
      const shown: string[] = ((window as unknown as { __noticeTexts: string[] }).__noticeTexts = []);
      new MutationObserver((records) => {
        for (const record of records) for (const node of record.addedNodes) shown.push(node.textContent ?? '');
      }).observe(element, { childList: true });
    });
    await launcher.press('Enter');
    await page.waitForFunction(() => document.querySelector('aicado-embed')?.shadowRoot?.activeElement?.tagName === 'TEXTAREA');
    expect(lazy.length).toBe(failedLoads + 1);
    expect(lazy.at(-1)).toMatch(/\?retry=\d+$/);
    expect(await page.evaluate(() => (window as unknown as { __noticeTexts: string[] }).__noticeTexts)).toContain('Loading the chat…');
    expect(await notice(page).textContent()).toBe('');
    expect([await launcher.getAttribute('aria-label'), await launcher.getAttribute('aria-expanded')]).toEqual(['Close chat', 'true']);

    const input = page.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('after the retry');
    await input.press('Enter');
    await page.locator('aicado-embed .msg.agent', { hasText: 'You said: "after the retry"' }).waitFor({ timeout: 15_000 });
    await context.close();
  });
});
