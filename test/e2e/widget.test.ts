import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe.js';
import { ROOT } from './support/backend.js';
import { recordConsole } from './support/browser.js';
import { queuePage, startLoop } from './support/fixture.js';
import { SCRIPT_TAG } from './support/script-tag.js';

const SHOTS = join(ROOT, 'test-results');
let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  loop = await startLoop(['--rate-limit', '0']);
});
afterAll(async () => {
  await loop?.close();
});

function page(path: string, init: Record<string, unknown>, extra = ''): string {
  loop.site.pages.set(path, {
    body: queuePage(`Aicado('init', ${JSON.stringify({ agentId: 'demo', apiBase: loop.backend.url, ...init })});${extra}`),
  });
  return `${loop.site.url}${path}`;
}

async function ask(p: Page, text: string, answerContains = `You said: "${text}"`): Promise<void> {
  const input = p.locator('aicado-embed textarea');
  await input.fill(text);
  await input.press('Enter');
  await p.locator('aicado-embed .msg.agent', { hasText: answerContains }).waitFor({ timeout: 15_000 });
  await p.waitForFunction(() => !document.querySelector('aicado-embed')?.shadowRoot?.querySelector('[aria-busy="true"]'));
}

const shadowActive = (p: Page) =>
  p.evaluate(() => {
    const active = document.querySelector('aicado-embed')?.shadowRoot?.activeElement;
    return active ? `${active.tagName.toLowerCase()}.${active.className}` : null;
  });

describe('accessibility (axe-core) and screenshots', () => {
  it('has no violations: bubble closed, bubble open with a conversation, dark scheme, phone, inline', async () => {
    const p = await loop.browser.newPage({ viewport: { width: 1024, height: 720 } });
    await p.goto(page('/a11y.html', { params: { user_id: 'u_1' } }));
    await p.getByRole('button', { name: 'Open chat' }).waitFor();
    expect(await axeViolations(p)).toEqual([]);
    await p.screenshot({ path: join(SHOTS, 'bubble-closed.png') });

    await p.getByRole('button', { name: 'Open chat' }).click();
    await ask(p, 'Show me **bold**, `code` and a [link](https://example.com)', 'You said: "Show me bold, code and a link"');
    expect(await p.locator('aicado-embed .msg.agent a[href="https://example.com/"]').count()).toBe(1);
    expect(await axeViolations(p)).toEqual([]);
    await p.screenshot({ path: join(SHOTS, 'bubble-open.png') });
    await p.close();

    const dark = await loop.browser.newPage({ viewport: { width: 1024, height: 720 }, colorScheme: 'dark' });
    await dark.goto(page('/dark.html', { theme: { colorScheme: 'auto' }, storage: 'memory', open: true }));
    await dark.locator('aicado-embed textarea').waitFor();
    await ask(dark, 'Dark mode please');
    expect(await axeViolations(dark)).toEqual([]);
    await dark.screenshot({ path: join(SHOTS, 'dark.png') });
    await dark.close();

    const phone = await loop.browser.newPage({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    await phone.goto(page('/phone.html', { storage: 'memory' }));
    await phone.getByRole('button', { name: 'Open chat' }).click();
    await ask(phone, 'Hello from a phone');
    await phone.waitForFunction(
      () => document.querySelector('aicado-embed')!.shadowRoot!.querySelector('section.panel')!.getAnimations().length === 0,
    );
    const panel = await phone.locator('aicado-embed section.panel').boundingBox();
    expect(panel).toMatchObject({ x: 0, y: 0, width: 375, height: 667 });
    await expect(phone.getByRole('button', { name: 'Close chat' }).isVisible()).resolves.toBe(true);
    expect(await axeViolations(phone)).toEqual([]);
    await phone.screenshot({ path: join(SHOTS, 'phone.png') });
    await phone.close();

    loop.site.pages.set('/inline.html', {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Inline</title></head><body>
<main><h1>Inline</h1><div id="chat" style="height:480px;max-width:560px"></div></main>
<script type="module">
  import { init } from '/aicado-embed.js';
  init({ agentId: 'demo', apiBase: '${loop.backend.url}', mode: 'inline', container: '#chat', storage: 'memory', locale: 'tr' });
</script></body></html>`,
    });
    const inline = await loop.browser.newPage({ viewport: { width: 800, height: 640 } });
    await inline.goto(`${loop.site.url}/inline.html`);
    await inline.getByRole('textbox', { name: 'Mesajınızı yazın…' }).waitFor();
    await ask(inline, 'Merhaba');
    expect(await inline.locator('aicado-embed').getByRole('button', { name: 'Gönder' }).count()).toBe(1);
    expect(await axeViolations(inline)).toEqual([]);
    await inline.screenshot({ path: join(SHOTS, 'inline.png') });
    await inline.close();
  });
});

describe('message list scrolling', () => {
  it('follows new text at the bottom, and stops following when the visitor scrolls up', async () => {
    const p = await loop.browser.newPage({ viewport: { width: 1024, height: 720 } });
    await p.goto(page('/scroll.html', { storage: 'memory', open: true }));
    for (let i = 0; i < 6; i++) await ask(p, `Question number ${i} with enough words to take some room`);
    const list = p.locator('aicado-embed .messages');
    const metrics = () => list.evaluate((el) => ({ top: el.scrollTop, bottomGap: el.scrollHeight - el.scrollTop - el.clientHeight }));
    expect((await metrics()).bottomGap).toBeLessThan(2);
    await list.evaluate((el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    await ask(p, 'Asked while reading older messages');
    expect((await metrics()).top).toBe(0);
    await list.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
      el.dispatchEvent(new Event('scroll'));
    });
    await ask(p, 'Asked at the bottom again');
    expect((await metrics()).bottomGap).toBeLessThan(2);
    await p.close();
  });
});

describe('keyboard only', () => {
  it('Tab to the launcher, Enter opens, type, Enter sends, the answer arrives, Escape closes, focus returns', async () => {
    const p = await loop.browser.newPage();
    await p.goto(page('/keyboard.html', { storage: 'memory' }));
    await p.getByRole('button', { name: 'Open chat' }).waitFor();
    await p.keyboard.press('Tab');
    expect(await shadowActive(p)).toBe('button.launcher');
    const ring = await p.evaluate(() => getComputedStyle(document.querySelector('aicado-embed')!.shadowRoot!.activeElement!).outlineStyle);
    expect(ring).toBe('solid');
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => document.querySelector('aicado-embed')?.shadowRoot?.activeElement?.tagName === 'TEXTAREA');
    await p.keyboard.type('Typed with the keyboard');
    await p.keyboard.press('Enter');
    await p.locator('aicado-embed .msg.agent', { hasText: 'You said: "Typed with the keyboard"' }).waitFor();
    await p.keyboard.press('Escape');
    await p.waitForFunction(() => document.querySelector('aicado-embed')?.shadowRoot?.activeElement?.classList.contains('launcher'));
    expect(await p.getByRole('button', { name: 'Open chat' }).getAttribute('aria-expanded')).toBe('false');
    await p.close();
  });
});

describe('isolation from the host page', () => {
  const HOSTILE = '<style>* { all: unset !important } button { display: none !important } div { font-size: 4px !important }</style>';

  it('hostile host CSS cannot break the widget', async () => {
    loop.site.pages.set('/hostile.html', {
      body: queuePage(`Aicado('init', { agentId: 'demo', apiBase: '${loop.backend.url}', storage: 'memory' });`, HOSTILE),
    });
    const p = await loop.browser.newPage();
    await p.goto(`${loop.site.url}/hostile.html`);
    const launcher = p.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    const box = await launcher.boundingBox();
    expect(box?.width).toBe(56);
    await launcher.click();
    await ask(p, 'Still working?');
    const fontSize = await p.evaluate(
      () => getComputedStyle(document.querySelector('aicado-embed')!.shadowRoot!.querySelector('.msg.agent')!).fontSize,
    );
    expect(fontSize).toBe('15px');
    await p.close();
  });

  it('the host can theme it through CSS custom properties and ::part()', async () => {
    const css = '<style>aicado-embed { --aicado-accent: rgb(200, 0, 0) } aicado-embed::part(launcher) { border-radius: 12px }</style>';
    loop.site.pages.set('/themed.html', {
      body: queuePage(`Aicado('init', { agentId: 'demo', apiBase: '${loop.backend.url}', storage: 'memory' });`, css),
    });
    const p = await loop.browser.newPage();
    await p.goto(`${loop.site.url}/themed.html`);
    const launcher = p.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    expect(await launcher.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).borderTopLeftRadius])).toEqual([
      'rgb(200, 0, 0)',
      '12px',
    ]);
    await p.close();
  });

  it("the widget's CSS changes nothing on the host page", async () => {
    const hostPage = (withWidget: boolean) =>
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body>
<main><h1 id="h">Title</h1><p id="p">Text <a id="a" href="#x">link</a></p><button id="b">Host button</button><div id="d">Div</div><textarea id="t"></textarea></main>
${withWidget ? `<script async src="${SCRIPT_TAG.src}" data-agent-id="demo" data-api-base="${loop.backend.url}" data-storage="memory"></script>` : ''}
</body></html>`;
    loop.site.pages.set('/plain.html', { body: hostPage(false) });
    loop.site.pages.set('/with-widget.html', { body: hostPage(true) });
    const styles = async (path: string, withWidget: boolean) => {
      const p = await loop.browser.newPage();
      await p.goto(`${loop.site.url}${path}`);
      if (withWidget) {
        await p.getByRole('button', { name: 'Open chat' }).click();
        await p.locator('aicado-embed textarea').waitFor();
      }
      const result = await p.evaluate(() =>
        ['html', 'body', '#h', '#p', '#a', '#b', '#d', '#t'].map((selector) => {
          const computed = getComputedStyle(document.querySelector(selector)!);
          return [
            selector,
            Array.from(computed)
              .map((name) => `${name}:${computed.getPropertyValue(name)}`)
              .join(';'),
          ];
        }),
      );
      const sheets = await p.evaluate(() => document.styleSheets.length + document.adoptedStyleSheets.length);
      await p.close();
      return { result, sheets };
    };
    const without = await styles('/plain.html', false);
    const withIt = await styles('/with-widget.html', true);
    expect(withIt.result).toEqual(without.result);
    expect(withIt.sheets).toBe(without.sheets);
  });
});

describe('persistence', () => {
  it('a reload restores the transcript; reset() clears it', async () => {
    const p = await loop.browser.newPage();
    const url = page('/persist.html', { storage: 'local' });
    await p.goto(url);
    await p.getByRole('button', { name: 'Open chat' }).click();
    await ask(p, 'Remember me');
    await p.reload();
    await p.getByRole('button', { name: 'Open chat' }).click();
    await p.locator('aicado-embed .msg.user', { hasText: 'Remember me' }).waitFor();
    expect(await p.locator('aicado-embed .msg.agent', { hasText: 'You said: "Remember me"' }).count()).toBe(1);
    await p.evaluate(() => (window as unknown as { Aicado: (m: string) => void }).Aicado('reset'));
    await p.reload();
    await p.getByRole('button', { name: 'Open chat' }).click();
    await p.locator('aicado-embed textarea').waitFor();
    expect(await p.locator('aicado-embed .msg.user').count()).toBe(0);
    expect(
      await p.evaluate(() => Object.keys(localStorage).filter((k) => (localStorage.getItem(k) ?? '').includes('Remember me'))),
    ).toEqual([]);
    await p.close();
  });

  it('keeps working in memory when localStorage throws', async () => {
    const context = await loop.browser.newContext();
    await context.addInitScript(() => {
      for (const method of ['getItem', 'setItem', 'removeItem'] as const) {
        Storage.prototype[method] = () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        };
      }
    });
    const p = await context.newPage();
    const log = recordConsole(p);
    await p.goto(page('/no-storage.html', { storage: 'local' }));
    await p.getByRole('button', { name: 'Open chat' }).click();
    await ask(p, 'No storage here');
    expect(log.errors).toEqual([]);
    await context.close();
  });
});
