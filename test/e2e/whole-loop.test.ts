import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { shipped } from './support/dist.js';
import { recordConsole } from './support/browser.js';
import { queuePage, startLoop } from './support/fixture.js';
import { completed, waitForType } from '../support/webhook-events.js';
import { SCRIPT_TAG } from './support/script-tag.js';

let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop();
});
afterAll(async () => {
  await loop?.close();
});

/** Types a message into the widget like a visitor and waits for the complete answer. */
async function askInWidget(page: Page, text: string): Promise<string> {
  const input = page.getByRole('textbox', { name: 'Type your message…' });
  await input.fill(text);
  await input.press('Enter');
  const answer = page.locator('aicado-embed .msg.agent', { hasText: `You said: "${text}"` });
  await answer.waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => !document.querySelector('aicado-embed')?.shadowRoot?.querySelector('[aria-busy="true"]'));
  return answer.innerText();
}

function backendRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(loop.backend.url)) urls.push(`${request.method()} ${request.url()}`);
  });
  return urls;
}

async function verifiedWebhooks(count: number) {
  const received = await waitForType(loop.receiver, 'query.completed', count);
  return received.map((webhook) => completed(shipped.verifyWebhook(webhook.body, webhook.headers, loop.secret)));
}

describe('the whole loop on the built script-tag bundle', () => {
  it('queue install: a typed message streams an answer and the signed webhook echoes the params with their JSON types', async () => {
    loop.receiver.received.length = 0;
    const params = { user_id: 'u_42', session_id: 's_9', plan: 'pro', count: 3, ratio: 0.5, beta: true, gamma: false, ghost: null };
    loop.site.pages.set('/queue.html', {
      body: queuePage(`
          window.__deltas = 0;
          Aicado('init', { agentId: 'demo', apiBase: '${loop.backend.url}', params: ${JSON.stringify(params)} });
          Aicado('on', 'delta', function () { window.__deltas++; });`),
    });
    const page = await loop.browser.newPage();
    const console = recordConsole(page);
    await page.goto(`${loop.site.url}/queue.html`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const answer = await askInWidget(page, 'Where is my order?');

    expect(answer).toContain('"u_42"');
    expect(await page.evaluate(() => (window as unknown as { __deltas: number }).__deltas)).toBeGreaterThan(1);
    const [event] = await verifiedWebhooks(1);
    expect(event!.type).toBe('query.completed');
    expect(event!.data.input).toBe('Where is my order?');
    expect(event!.data.params).toStrictEqual(params);
    expect(event!.data.output).toContain('Where is my order?');
    expect(event!.data.context?.page_url).toBe(`${loop.site.url}/queue.html`);
    expect(console.errors).toEqual([]);
    await page.close();
  });

  it('data-attribute install: params from data-params reach the webhook unchanged', async () => {
    loop.receiver.received.length = 0;
    const params = { user_id: 'u_7', score: -1.25, member: false, referrer: null, note: 'quotes " and <tags> & ünïcödé' };
    loop.site.pages.set('/attributes.html', {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Attributes</title></head><body>
<script async src="${SCRIPT_TAG.src}" data-agent-id="demo" data-api-base="${loop.backend.url}"
  data-params='${JSON.stringify(params).replace(/'/g, '&#39;')}'></script></body></html>`,
    });
    const page = await loop.browser.newPage();
    await page.goto(`${loop.site.url}/attributes.html`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await askInWidget(page, 'hello from attributes');
    const [event] = await verifiedWebhooks(1);
    expect(event!.data.params).toStrictEqual(params);
    await page.close();
  });

  it('setParams: the next query carries the new params; the one already sent keeps the old', async () => {
    loop.receiver.received.length = 0;
    loop.site.pages.set('/set-params.html', {
      body: queuePage(`Aicado('init', { agentId: 'demo', apiBase: '${loop.backend.url}', params: { user_id: 'u_1', plan: 'pro' } });`),
    });
    const page = await loop.browser.newPage();
    await page.goto(`${loop.site.url}/set-params.html`);
    await page.waitForFunction(() => (window as unknown as { Aicado: { loaded?: boolean } }).Aicado.loaded === true);
    await page.evaluate(() => {
      const aicado = (window as unknown as { Aicado: (...args: unknown[]) => Promise<unknown> }).Aicado;
      const first = aicado('send', 'first question');
      aicado('setParams', { plan: 'free', seats: 5, user_id: undefined });
      return Promise.all([first, aicado('send', 'second question')]);
    });
    const events = await verifiedWebhooks(2);
    const byInput = Object.fromEntries(events.map((event) => [event.data.input, event.data.params]));
    expect(byInput['first question']).toStrictEqual({ user_id: 'u_1', plan: 'pro' });
    expect(byInput['second question']).toStrictEqual({ plan: 'free', seats: 5 });
    expect(await page.evaluate(() => (window as unknown as { Aicado: (m: string) => unknown }).Aicado('getParams'))).toStrictEqual({
      plan: 'free',
      seats: 5,
    });
    await page.close();
  });

  it('restricted keys: init throws one AicadoError naming every key, the queue logs it, and no request leaves the page', async () => {
    loop.site.pages.set('/restricted-esm.html', {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ESM</title></head><body>
<script type="module">
  import { init } from '/aicado-embed.js';
  try {
    init({ agentId: 'demo', apiBase: '${loop.backend.url}', params: { a_id: 1, A_ID: 2, muser: 'x', user_id: 'ok' } });
    window.__result = 'no error';
  } catch (error) {
    window.__result = { name: error.name, code: error.code, message: error.message, keys: error.issues.map((i) => i.key + ':' + i.code) };
  }
</script></body></html>`,
    });
    const page = await loop.browser.newPage();
    const requests = backendRequests(page);
    await page.goto(`${loop.site.url}/restricted-esm.html`);
    const result = await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result).then((h) => h.jsonValue());
    expect(result).toMatchObject({
      name: 'AicadoError',
      code: 'invalid_params',
      keys: ['a_id:restricted_key', 'A_ID:restricted_key', 'muser:restricted_key'],
    });
    for (const key of ['"a_id"', '"A_ID"', '"muser"']) expect((result as { message: string }).message).toContain(key);
    expect(await page.locator('aicado-embed').count()).toBe(0);

    loop.site.pages.set('/restricted-queue.html', {
      body: queuePage(`
        window.__errors = [];
        Aicado('on', 'error', function (e) { window.__errors.push(e.error.code); });
        Aicado('init', { agentId: 'demo', apiBase: '${loop.backend.url}', params: { MUSER: 'x', Raid: 1 } });
        Aicado('send', 'this must not leave');`),
    });
    const queued = await loop.browser.newPage();
    const queuedRequests = backendRequests(queued);
    const log = recordConsole(queued);
    await queued.goto(`${loop.site.url}/restricted-queue.html`);
    await queued.waitForFunction(() => (window as unknown as { __errors: string[] }).__errors.length >= 2);
    expect(await queued.evaluate(() => (window as unknown as { __errors: string[] }).__errors)).toEqual([
      'invalid_params',
      'not_initialised',
    ]);
    expect(log.errors.some((line) => line.includes('"MUSER"') && line.includes('"Raid"'))).toBe(true);
    await queued.waitForTimeout(300);
    expect(requests).toEqual([]);
    expect(queuedRequests).toEqual([]);
    await page.close();
    await queued.close();
  });
});
