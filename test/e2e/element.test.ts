import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsole } from './support/browser.js';
import { shipped } from './support/dist.js';
import { startLoop } from './support/fixture.js';
import { waitForType } from '../support/webhook-events.js';

// <aicado-agent> in a plain HTML page, from the built aicado-embed/element and the SDK it imports
// (an import map resolves `aicado-embed`, as a bundler would), against the reference backend.

let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop(['--agent', 'sales']);
});
afterAll(async () => {
  await loop?.close();
});

/** A plain page: a listener counter on window installed first, then the element, then the module. */
function elementPage(body: string, script = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain page</title>
<script>
  window.__windowListeners = new Set();
  const add = window.addEventListener, remove = window.removeEventListener;
  window.addEventListener = function (type, listener, options) { window.__windowListeners.add(listener); return add.call(this, type, listener, options); };
  window.removeEventListener = function (type, listener, options) { window.__windowListeners.delete(listener); return remove.call(this, type, listener, options); };
</script>
<script type="importmap">{ "imports": { "aicado-embed": "/aicado-embed.js" } }</script>
</head><body><main><h1>Plain page</h1><section id="a">${body}</section><section id="b"></section></main>
<script>${script}; window.__listenersBefore = window.__windowListeners.size;</script>
<script type="module" src="/element.js"></script>
</body></html>`;
}

async function verifiedWebhook(index: number) {
  const received = await waitForType(loop.receiver, 'query.completed', index + 1);
  return shipped.verifyWebhook(received[index]!.body, received[index]!.headers, loop.secret);
}

/** Listeners on window now, but Playwright's own (its actions add hit-target and probe listeners through the same window). */
const windowListenerCount = (page: Page) =>
  page.evaluate(
    () =>
      [...(window as unknown as { __windowListeners: Set<unknown> }).__windowListeners].filter(
        (l) => !/_hitTargetInterceptor|seenEvent/.test(String(l)),
      ).length,
  );

describe('<aicado-agent> in a plain HTML page (built bundle)', () => {
  it('mounts, carries its params, applies a change to the next query only, refuses A_ID, survives a move, and leaves nothing when removed', async () => {
    loop.receiver.received.length = 0;
    loop.site.pages.set('/element.html', {
      body: elementPage(
        `<aicado-agent id="agent" agent-id="demo" api-base="${loop.backend.url}" storage="memory" params='{"user_id":"u_attr"}'></aicado-agent>`,
        // Runs before the module defines the element: a property set now must survive the upgrade.
        `document.getElementById('agent').params = { user_id: 'u_html', plan: 'pro' };`,
      ),
    });
    const page = await loop.browser.newPage();
    const console = recordConsole(page);
    await page.goto(`${loop.site.url}/element.html`);
    const before = await page.evaluate(() => (window as unknown as { __listenersBefore: number }).__listenersBefore);
    expect(before).toBe(0);
    await page.locator('aicado-embed').waitFor({ state: 'attached' });
    expect(await windowListenerCount(page)).toBeGreaterThan(before);

    // The visitor asks; the app changes params while that query is under way: only the next one carries them.
    await page.getByRole('button', { name: 'Open chat' }).click();
    const input = page.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('first question');
    await page.evaluate(() => {
      const agent = document.querySelector('aicado-agent')!;
      agent.on('query', () => {
        agent.params = { user_id: 'u_html', plan: 'free' };
      });
    });
    await input.press('Enter');
    await page.locator('aicado-embed .msg.agent', { hasText: 'You said: "first question"' }).waitFor();
    const second = await page.evaluate(() => document.querySelector('aicado-agent')!.send('second question'));
    expect(second.output).toContain('second question');
    const [first, next] = [await verifiedWebhook(0), await verifiedWebhook(1)];
    expect(first.data.params).toStrictEqual({ user_id: 'u_html', plan: 'pro' });
    expect(next.data.params).toStrictEqual({ user_id: 'u_html', plan: 'free' });

    // Invalid params: nothing thrown into the page, aicado:error names the key, the running params stay.
    const refused = await page.evaluate(async () => {
      const agent = document.querySelector('aicado-agent')!;
      const heard = new Promise<{ code: string; keys: string[]; message: string; agentId: string }>((resolve) =>
        document.addEventListener(
          'aicado:error',
          (event) => {
            const { error, agentId } = event.detail;
            resolve({ code: error.code, keys: error.issues.map((issue) => issue.key), message: error.message, agentId });
          },
          { once: true },
        ),
      );
      let threw = false;
      try {
        (agent as unknown as { params: unknown }).params = { A_ID: 1 };
      } catch {
        threw = true;
      }
      return { threw, ...(await heard) };
    });
    expect(refused).toMatchObject({ threw: false, code: 'invalid_params', keys: ['A_ID'], agentId: 'demo' });
    expect(refused.message).toContain('A_ID');
    await page.evaluate(() => document.querySelector('aicado-agent')!.send('after the refusal'));
    expect((await verifiedWebhook(2)).data.params).toStrictEqual({ user_id: 'u_html', plan: 'free' });

    // Moving the element keeps the agent and its conversation.
    await page.evaluate(() => document.getElementById('b')!.append(document.querySelector('aicado-agent')!));
    await page.evaluate(() => document.querySelector('aicado-agent')!.send('after the move'));
    const moved = await verifiedWebhook(3);
    expect(moved.data.conversation_id).toBe(first.data.conversation_id);
    expect(await page.locator('aicado-embed').count()).toBe(1);

    // Removing it leaves no widget DOM and no listener on window.
    await page.evaluate(() => document.querySelector('aicado-agent')!.remove());
    await page.waitForFunction(() => !document.querySelector('aicado-embed'));
    expect(await windowListenerCount(page)).toBe(before);
    expect(console.errors).toEqual([expect.stringContaining('A_ID')]);
    await page.close();
  });

  it('a new agent-id tears the agent down and starts the other; mode="inline" renders inside the element', async () => {
    loop.receiver.received.length = 0;
    loop.site.pages.set('/inline.html', {
      body: elementPage(
        `<aicado-agent agent-id="demo" mode="inline" title="Ask the shop" api-base="${loop.backend.url}" storage="memory" style="height: 480px"></aicado-agent>`,
      ),
    });
    const page = await loop.browser.newPage();
    await page.goto(`${loop.site.url}/inline.html`);
    const widget = page.locator('aicado-agent aicado-embed[data-mode="inline"]');
    await widget.waitFor({ state: 'attached' });
    expect(await page.evaluate(() => document.body.querySelectorAll(':scope > aicado-embed').length)).toBe(0);
    const box = await page.locator('aicado-agent').boundingBox();
    const panel = await widget.boundingBox();
    expect(panel!.y).toBeGreaterThanOrEqual(box!.y);
    expect(panel!.y + panel!.height).toBeLessThanOrEqual(box!.y + box!.height + 1);
    await expect.poll(() => page.getByText('Ask the shop').count()).toBeGreaterThan(0);

    await page.evaluate(() => document.querySelector('aicado-agent')!.setAttribute('agent-id', 'sales'));
    await page.locator('aicado-embed[data-agent-id="sales"]').waitFor({ state: 'attached' });
    expect(await page.locator('aicado-embed').count()).toBe(1);
    await page.evaluate(() => document.querySelector('aicado-agent')!.send('to sales'));
    expect((await verifiedWebhook(0)).data.agent_id).toBe('sales');
    await page.close();
  });

  it('works with the script tag alone: the bundle defines the element too', async () => {
    loop.receiver.received.length = 0;
    loop.site.pages.set('/script-tag-element.html', {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Script tag</title></head><body><main><h1>Builder page</h1>
<aicado-agent agent-id="demo" api-base="${loop.backend.url}" storage="memory" params='{"user_id":"u_tag","plan":"free"}'></aicado-agent></main>
<script async src="/aicado-embed.iife.js"></script></body></html>`,
    });
    const page = await loop.browser.newPage();
    const console = recordConsole(page);
    await page.goto(`${loop.site.url}/script-tag-element.html`);
    await page.locator('aicado-embed').waitFor({ state: 'attached' });
    await page.evaluate(() => customElements.whenDefined('aicado-agent'));
    await page.evaluate(() => document.querySelector('aicado-agent')!.send('from the script tag'));
    expect((await verifiedWebhook(0)).data.params).toStrictEqual({ user_id: 'u_tag', plan: 'free' });
    expect(console.errors).toEqual([]);
    await page.close();
  });

  it('with the script tag, a page without the element does not load its part at load; one the page adds later is defined and works', async () => {
    loop.receiver.received.length = 0;
    loop.site.pages.set('/script-tag-later.html', {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Script tag</title></head><body><main><h1>An app's page</h1></main>
<script async src="/aicado-embed.iife.js"></script></body></html>`,
    });
    const page = await loop.browser.newPage();
    const console = recordConsole(page);
    const elementPart: string[] = [];
    page.on('request', (request) => void (request.url().includes('/aicado-embed.element.js') && elementPart.push(request.url())));
    await page.goto(`${loop.site.url}/script-tag-later.html`);
    await page.waitForFunction(() => (window as unknown as { Aicado?: { loaded?: boolean } }).Aicado?.loaded === true);
    await page.waitForTimeout(500);
    expect(elementPart).toEqual([]);
    expect(await page.evaluate(() => customElements.get('aicado-agent'))).toBeUndefined();
    // As a framework renders it: inside a subtree added after load.
    await page.evaluate((apiBase) => {
      const section = document.createElement('section');
      section.innerHTML = `<aicado-agent agent-id="demo" api-base="${apiBase}" storage="memory" params='{"user_id":"u_later"}'></aicado-agent>`;
      document.querySelector('main')!.append(section);
    }, loop.backend.url);
    await page.evaluate(() => customElements.whenDefined('aicado-agent'));
    await page.evaluate(() => document.querySelector('aicado-agent')!.send('added later'));
    expect((await verifiedWebhook(0)).data.params).toStrictEqual({ user_id: 'u_later' });
    expect(elementPart).toHaveLength(1);
    expect(console.errors).toEqual([]);
    await page.close();
  });
});
