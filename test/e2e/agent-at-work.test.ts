import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe.js';
import { ROOT, startBackend, type BackendProcess } from './support/backend.js';
import { recordConsole } from './support/browser.js';
import { shipped } from './support/dist.js';
import { queuePage, startLoop } from './support/fixture.js';
import { completed, waitForType } from '../support/webhook-events.js';

// What the widget shows while the agent works, each promised behaviour a test, on the built script-tag bundle
// in Chromium against the reference backend. A second backend thinks 5 s before its first token.
const SHOTS = join(ROOT, 'test-results');
const XSS = '<img src=x onerror="window.__pwned=true">';
let loop: Awaited<ReturnType<typeof startLoop>>;
let slow: BackendProcess;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  loop = await startLoop(['--rate-limit', '0', '--agent', 'help', '--agent', 'sales']);
  slow = await startBackend({
    webhookUrl: `${loop.receiver.url}/webhooks`,
    webhookSecret: loop.secret,
    allowedOrigins: [loop.site.url],
    extra: ['--first-token-delay-ms', '5000'],
  });
});
afterAll(async () => {
  await slow?.stop();
  await loop?.close();
});
beforeEach(() => {
  loop.receiver.received.length = 0;
});

function page(path: string, options: Record<string, unknown>): string {
  loop.site.pages.set(path, {
    body: queuePage(`Aicado('init', ${JSON.stringify({ agentId: 'demo', apiBase: loop.backend.url, open: true, ...options })});`),
  });
  return `${loop.site.url}${path}`;
}
const root = 'document.querySelector("aicado-embed").shadowRoot';
const inWidget = (p: Page, selector: string) => p.locator(`aicado-embed ${selector}`);
const sourcesShown = (p: Page) =>
  p.evaluate(() =>
    [...document.querySelector('aicado-embed')!.shadowRoot!.querySelectorAll<HTMLAnchorElement>('.sources a')].map((a) => ({
      title: a.textContent,
      url: a.getAttribute('href'),
    })),
  );

describe('typing indicator and status line', () => {
  it('a slow first token: typing shows within 100 ms of send, then the status line; both go when the answer starts; axe clean; visible under reduced motion', async () => {
    const p = await loop.browser.newPage({ reducedMotion: 'reduce' });
    await p.goto(page('/slow.html', { apiBase: slow.url, storage: 'memory' }));
    const input = p.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('Think hard about this');
    await p.evaluate(`(() => {
      const root = ${root};
      window.__typingAfter = undefined;
      root.addEventListener('keydown', (event) => { if (event.key === 'Enter') window.__sentAt = performance.now(); }, true);
      new MutationObserver(() => {
        if (window.__typingAfter === undefined && root.querySelector('.typing')) window.__typingAfter = performance.now() - window.__sentAt;
      }).observe(root, { childList: true, subtree: true });
    })()`);
    await input.press('Enter');
    await inWidget(p, '.typing').waitFor();
    expect(await p.evaluate('window.__typingAfter')).toBeLessThan(100);
    expect(await inWidget(p, '.announcer').textContent()).toBe('The assistant is typing');
    await inWidget(p, '.progress').waitFor();
    expect(await inWidget(p, '.progress').textContent()).toBe('Thinking…');
    expect(await inWidget(p, '.announcer').textContent()).toBe('The assistant is typing');
    // Visible although nothing moves: three dots with a size, opaque, not animated.
    const dots = await p.evaluate(`[...${root}.querySelectorAll('.typing i')].map((dot) => {
      const style = getComputedStyle(dot);
      return [dot.getBoundingClientRect().width > 0, Number(style.opacity) > 0.2, style.animationName];
    })`);
    expect(dots).toEqual([
      [true, true, 'none'],
      [true, true, 'none'],
      [true, true, 'none'],
    ]);
    await p.waitForFunction(`${root}.querySelector('section.panel').getAnimations().length === 0`);
    expect(await axeViolations(p)).toEqual([]);

    await p.locator('aicado-embed .msg.agent', { hasText: 'You said: "Think hard about this"' }).waitFor({ timeout: 15_000 });
    expect(await inWidget(p, '.typing').count()).toBe(0);
    expect(await inWidget(p, '.progress').count()).toBe(0);
    await p.close();
  });
});

describe('hostile text and links', () => {
  it('a status text and a source title with markup render as text; a javascript: source is dropped by the SDK guard', async () => {
    const p = await loop.browser.newPage();
    const log = recordConsole(p);
    // A backend that misbehaves: markup in its status and titles, a javascript: source, more than 8 sources.
    await p.route(`${loop.backend.url}/v1/agents/demo/queries`, async (route) => {
      const { query_id } = route.request().postDataJSON() as { query_id: string };
      const sources = [
        { title: `Guide ${XSS}`, url: 'https://example.com/guide' },
        { title: 'Run me', url: 'javascript:window.__pwned=true' },
        { title: 'Tab trick', url: 'java\tscript:window.__pwned=true' },
        ...Array.from({ length: 9 }, (_, i) => ({ title: `Doc ${i}`, url: `https://example.com/doc/${i}` })),
      ];
      const events = [
        ['status', { text: `Reading ${XSS}` }],
        ['delta', { text: 'Here you are.' }],
        ['done', { query_id, output: 'Here you are.', sources }],
      ].map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      await route.fulfill({
        status: 200,
        headers: { 'content-type': 'text/event-stream', 'access-control-allow-origin': '*' },
        body: events.join(''),
      });
    });
    await p.goto(page('/hostile.html', { storage: 'memory' }));
    await p.evaluate(`(() => {
      const root = ${root};
      window.__statusTexts = [];
      new MutationObserver(() => {
        const status = root.querySelector('.progress');
        if (status) window.__statusTexts.push([status.textContent, status.children.length]);
      }).observe(root, { childList: true, subtree: true, characterData: true });
    })()`);
    const input = p.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('Sources please');
    await input.press('Enter');
    await inWidget(p, '.sources a').first().waitFor();
    expect(await sourcesShown(p)).toEqual([
      { title: `Guide ${XSS}`, url: 'https://example.com/guide' },
      ...Array.from({ length: 7 }, (_, i) => ({ title: `Doc ${i}`, url: `https://example.com/doc/${i}` })),
    ]);
    const statuses = (await p.evaluate('window.__statusTexts')) as [string, number][];
    for (const [text, children] of statuses) expect([text, children]).toEqual([`Reading ${XSS}`, 0]);
    expect(await inWidget(p, 'img').count()).toBe(0);
    expect(await p.evaluate('window.__pwned')).toBeUndefined();
    expect(log.errors).toEqual([]);
    await p.close();
  });

  it("the backend's schema drops a javascript: source; the webhook's data.sources equal what the widget shows, also after a reload", async () => {
    const p = await loop.browser.newPage();
    await p.goto(page('/sources.html', { storage: 'local' }));
    const input = p.getByRole('textbox', { name: 'Type your message…' });
    const text = `Compare [${XSS} Guide](https://example.com/guide), https://docs.example.org/setup and [bad](javascript:window.__pwned=true)`;
    await input.fill(text);
    await input.press('Enter');
    await inWidget(p, '.sources a').first().waitFor({ timeout: 15_000 });
    const shown = await sourcesShown(p);
    expect(shown).toEqual([
      { title: `${XSS} Guide`, url: 'https://example.com/guide' },
      { title: 'https://docs.example.org/setup', url: 'https://docs.example.org/setup' },
    ]);
    const links = await p.evaluate(`[...${root}.querySelectorAll('.sources a')].map((a) => [a.target, a.rel])`);
    expect(links).toEqual([
      ['_blank', 'noopener noreferrer'],
      ['_blank', 'noopener noreferrer'],
    ]);
    expect(await inWidget(p, '.sources').getAttribute('aria-label')).toBe('Sources');
    const [webhook] = await waitForType(loop.receiver, 'query.completed', 1);
    const event = completed(shipped.verifyWebhook(webhook!.body, webhook!.headers, loop.secret));
    expect(event.data.sources).toEqual(shown);

    await p.reload();
    await inWidget(p, '.sources a').first().waitFor();
    expect(await sourcesShown(p)).toEqual(shown);
    expect(await inWidget(p, 'img').count()).toBe(0);
    expect(await p.evaluate('window.__pwned')).toBeUndefined();
    await p.close();
  });
});

describe('names and times', () => {
  it('shows the agent name and avatar (decorative), and a locale-formatted time with the full date in its title', async () => {
    const p = await loop.browser.newPage();
    await p.goto(
      page('/names.html', {
        storage: 'memory',
        locale: 'tr',
        agentName: 'Ada',
        avatarUrl: `${loop.site.url.replace('http:', 'https:')}/ada.png`,
      }),
    );
    const input = p.getByRole('textbox', { name: 'Mesajınızı yazın…' });
    await input.fill('Merhaba');
    await input.press('Enter');
    await p.locator('aicado-embed .msg.agent', { hasText: 'You said: "Merhaba"' }).waitFor({ timeout: 15_000 });
    expect(await inWidget(p, '.msg.agent .name').last().textContent()).toBe('Ada');
    expect(await inWidget(p, '.msg.agent img.avatar').last().getAttribute('alt')).toBe('');
    const times = (await p.evaluate(
      `[...${root}.querySelectorAll('time')].map((t) => [t.textContent, t.title, t.getAttribute('datetime')])`,
    )) as string[][];
    expect(times).toHaveLength(2);
    for (const [short, full, iso] of times) {
      expect(short).toMatch(/^\d{1,2}[:.]\d{2}$/);
      expect(full).toContain(short!);
      expect(full!.length).toBeGreaterThan(short!.length + 8);
      expect(Math.abs(Date.now() - Date.parse(iso!))).toBeLessThan(60_000);
    }
    await p.close();
  });
});

describe('the widget at work, for the eye', () => {
  it('one page: chips (inline), an answer with sources and actions, a typing indicator with its status line, an unread badge', async () => {
    loop.site.pages.set('/showcase.html', {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Showcase</title>
<style>body{font-family:system-ui;margin:24px}#help{width:380px;height:520px}</style></head><body><main><h1>Showcase</h1><div id="help"></div></main>
<script type="module">
  import { init } from '/aicado-embed.js';
  const apiBase = '${loop.backend.url}';
  window.help = init({ agentId: 'help', apiBase, mode: 'inline', container: '#help', storage: 'memory', title: 'Help centre',
    suggestions: ['Where is my order?', 'How do I return an item?', 'Talk to a person'] });
  window.sales = init({ agentId: 'sales', apiBase, storage: 'memory', theme: { position: 'bottom-left', accent: '#0f766e' } });
  window.demo = init({ agentId: 'demo', apiBase: '${slow.url}', storage: 'memory', open: true, agentName: 'Ada' });
</script></body></html>`,
    });
    const p = await loop.browser.newPage({ viewport: { width: 1280, height: 800 } });
    // demo talks to the backend that thinks 5 s before its first token: its second question shows the typing indicator and status line.
    await p.goto(`${loop.site.url}/showcase.html`);
    await p.waitForFunction(() => document.querySelectorAll('aicado-embed').length === 3);
    await p.evaluate(() => (window as unknown as { sales: { send(t: string): Promise<unknown> } }).sales.send('Any discounts?'));
    await p.evaluate(() =>
      (window as unknown as { demo: { send(t: string): Promise<unknown> } }).demo.send(
        'Compare [the returns guide](https://example.com/returns) with https://example.com/shipping',
      ),
    );
    const demoRoot = 'document.querySelector("aicado-embed[data-agent-id=demo]").shadowRoot';
    await p.waitForFunction(`${demoRoot}.querySelectorAll('.sources a').length === 2`, undefined, { timeout: 15_000 });
    await p.evaluate(`${demoRoot}.querySelector('[aria-label="Helpful"]').click()`);
    await p.evaluate(() => {
      void (window as unknown as { demo: { send(t: string): Promise<unknown> } }).demo
        .send('And where is my parcel now?')
        .catch(() => undefined);
    });
    await p.waitForFunction(`${demoRoot}.querySelector('.progress')`);
    await p.locator('aicado-embed[data-agent-id=sales] .badge').waitFor();
    await p.waitForFunction(`${demoRoot}.querySelector('section.panel').getAnimations().length === 0`);
    expect(await axeViolations(p)).toEqual([]);
    await p.screenshot({ path: join(SHOTS, 'agent-at-work.png') });
    await p.close();
  });
});
