import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { shipped } from './support/dist.js';
import { queuePage, startLoop } from './support/fixture.js';
import { completed, ofType, waitForType } from '../support/webhook-events.js';

const SIGNING_SECRET = 'sk_e2e_signing_secret_0123456789';
let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop(['--signing-secret', SIGNING_SECRET, '--rate-limit', '0']);
});
afterAll(async () => {
  await loop?.close();
});

type Aicado = (method: string, ...args: unknown[]) => unknown;

async function openPage(path: string, init: Record<string, unknown>): Promise<Page> {
  loop.site.pages.set(path, {
    body: queuePage(`
      window.__errors = [];
      Aicado('on', 'error', function (e) { window.__errors.push(e.error.code); });
      Aicado('init', ${JSON.stringify({ agentId: 'demo', apiBase: loop.backend.url, storage: 'local', ...init })});`),
  });
  const page = await loop.browser.newPage();
  await page.goto(`${loop.site.url}${path}`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  // The panel's code loads on that click: wait for it, so a test that then goes offline has a composer.
  await page.locator('aicado-embed textarea').waitFor();
  return page;
}

async function type(page: Page, text: string): Promise<void> {
  const input = page.locator('aicado-embed textarea');
  await input.fill(text);
  await input.press('Enter');
}

async function answered(page: Page, text: string): Promise<void> {
  await page.locator('aicado-embed .msg.agent', { hasText: `You said: "${text}"` }).waitFor({ timeout: 15_000 });
}

const events = async (count: number) =>
  (await waitForType(loop.receiver, 'query.completed', count)).map((webhook) =>
    completed(shipped.verifyWebhook(webhook.body, webhook.headers, loop.secret)),
  );

const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('trusted (signed) params', () => {
  it('unsigned: the webhook has params and no verified_params', async () => {
    loop.receiver.received.length = 0;
    const page = await openPage('/unsigned.html', { params: { user_id: 'u_2' } });
    await type(page, 'unsigned');
    await answered(page, 'unsigned');
    const [event] = await events(1);
    expect(event!.data.params).toStrictEqual({ user_id: 'u_2' });
    expect(event!.data).not.toHaveProperty('verified_params');
    await page.close();
  });

  it('signed by the host server: verified_params carries the signed user even when the page claims another', async () => {
    loop.receiver.received.length = 0;
    const token = await shipped.signParams({ user_id: 'u_1', plan: 'pro' }, SIGNING_SECRET, { expiresInSeconds: 300 });
    const page = await openPage('/signed.html', { params: { user_id: 'u_2' }, signedParams: token });
    await type(page, 'signed');
    await answered(page, 'signed');
    const [event] = await events(1);
    expect(event!.data.verified_params).toStrictEqual({ user_id: 'u_1', plan: 'pro' });
    expect(event!.data.params).toStrictEqual({ user_id: 'u_2' });
    await page.close();
  });

  it('an edited, an expired and a foreign token are refused with 401 and no webhook; a fresh token then gets the answer', async () => {
    loop.receiver.received.length = 0;
    const good = await shipped.signParams({ user_id: 'u_1' }, SIGNING_SECRET, { expiresInSeconds: 300 });
    const [header, payload, signature] = good.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { params: Record<string, unknown> };
    const edited = `${header}.${Buffer.from(JSON.stringify({ ...claims, params: { user_id: 'u_admin' } })).toString('base64url')}.${signature}`;
    const foreign = await shipped.signParams({ user_id: 'u_1' }, 'sk_some_other_secret_987654321', { expiresInSeconds: 300 });
    const realNow = Date.now;
    Date.now = () => realNow() - 3600_000;
    const expired = await shipped
      .signParams({ user_id: 'u_1' }, SIGNING_SECRET, { expiresInSeconds: 60 })
      .finally(() => (Date.now = realNow));

    for (const [name, token] of [
      ['edited', edited],
      ['expired', expired],
      ['foreign', foreign],
    ] as const) {
      const page = await openPage(`/refused-${name}.html`, { signedParams: token });
      const statuses: number[] = [];
      page.on('response', (response) => {
        if (response.url().includes('/queries') && response.request().method() === 'POST') statuses.push(response.status());
      });
      await type(page, `refused ${name}`);
      await page.locator('aicado-embed .status.error', { hasText: 'Your session has expired' }).waitFor({ timeout: 10_000 });
      expect(statuses).toEqual([401]);
      expect(await page.evaluate(() => (window as unknown as { __errors: string[] }).__errors)).toEqual(['invalid_signed_params']);
      if (name === 'expired') {
        // The host fetches a fresh token; the refused query is sent again with it and answered once.
        const fresh = await shipped.signParams({ user_id: 'u_1' }, SIGNING_SECRET, { expiresInSeconds: 300 });
        await page.evaluate((t) => (window as unknown as { Aicado: Aicado }).Aicado('setSignedParams', t), fresh);
        await answered(page, 'refused expired');
        const [event] = await events(1);
        expect(event!.data.input).toBe('refused expired');
        expect(event!.data.verified_params).toStrictEqual({ user_id: 'u_1' });
      }
      await page.close();
    }
    await settle();
    const inputs = ofType(loop.receiver.received, 'query.completed').map(
      (w) => (JSON.parse(w.body) as { data: { input: string } }).data.input,
    );
    expect(inputs).toEqual(['refused expired']);
  });
});

describe('user switching', () => {
  it('identify switches atomically: no trace of A for B, B params in the next webhooks; logout clears B', async () => {
    loop.receiver.received.length = 0;
    const page = await openPage('/switch.html', { params: { user_id: 'u_alice', session_id: 's_a' } });
    await type(page, 'secret of alice');
    await answered(page, 'secret of alice');
    await page.evaluate(() =>
      (window as unknown as { Aicado: Aicado }).Aicado('identify', { params: { user_id: 'u_bob', session_id: 's_b' } }),
    );

    expect(await page.locator('aicado-embed .msg', { hasText: 'secret of alice' }).count()).toBe(0);
    const storageText = () =>
      page.evaluate(() =>
        Object.keys(localStorage)
          .map((k) => `${k}=${localStorage.getItem(k)}`)
          .join('\n'),
      );
    expect(await storageText()).not.toContain('secret of alice');

    await type(page, 'hello from bob');
    await answered(page, 'hello from bob');
    const [alice, bob] = await events(2);
    expect(alice!.data.params).toStrictEqual({ user_id: 'u_alice', session_id: 's_a' });
    expect(bob!.data.params).toStrictEqual({ user_id: 'u_bob', session_id: 's_b' });
    expect(bob!.data.conversation_id).not.toBe(alice!.data.conversation_id);
    expect(await storageText()).toContain('hello from bob');

    await page.reload();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.locator('aicado-embed textarea').waitFor();
    // The page inits as alice again (its script did not change): bob's transcript must not show either.
    expect(await page.locator('aicado-embed .msg', { hasText: 'hello from bob' }).count()).toBe(0);

    await page.evaluate(() => (window as unknown as { Aicado: Aicado }).Aicado('identify', { params: { user_id: 'u_bob' } }));
    await type(page, 'bob again');
    await answered(page, 'bob again');
    await page.evaluate(() => (window as unknown as { Aicado: Aicado }).Aicado('logout'));
    expect(await page.locator('aicado-embed .msg.user').count()).toBe(0);
    expect(await storageText()).not.toContain('bob again');
    expect(await page.evaluate(() => (window as unknown as { Aicado: Aicado }).Aicado('getParams'))).toStrictEqual({});
    await page.close();
  });

  it('a query pending for A is never sent under B', async () => {
    loop.receiver.received.length = 0;
    const page = await openPage('/pending-switch.html', { params: { user_id: 'u_alice' } });
    await page.context().setOffline(true);
    await type(page, 'alice offline question');
    await page.evaluate(() => (window as unknown as { Aicado: Aicado }).Aicado('identify', { params: { user_id: 'u_bob' } }));
    await page.context().setOffline(false);
    await type(page, 'bob online question');
    await answered(page, 'bob online question');
    await settle();
    const inputs = ofType(loop.receiver.received, 'query.completed').map(
      (w) => (JSON.parse(w.body) as { data: { input: string } }).data.input,
    );
    expect(inputs).toEqual(['bob online question']);
    await page.close();
  });
});

describe('SPA navigation', () => {
  it('survives client-side route changes with no re-initialisation; init again returns the running instance', async () => {
    loop.site.pages.set('/spa.html', {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SPA</title></head><body><main id="app"><h1>Home</h1></main>
<script type="module">
  import { init } from '/aicado-embed.js';
  window.__ready = 0;
  window.__agent = init({ agentId: 'demo', apiBase: '${loop.backend.url}', storage: 'memory', params: { user_id: 'u_spa' } });
  window.__agent.on('ready', () => window.__ready++);
  window.__navigate = (path) => {
    history.pushState({}, '', path);
    document.getElementById('app').innerHTML = '<h1>' + path + '</h1>';
    window.__again = init({ agentId: 'demo', apiBase: '${loop.backend.url}', storage: 'memory' }) === window.__agent;
  };
</script></body></html>`,
    });
    const page = await loop.browser.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
    await page.goto(`${loop.site.url}/spa.html`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await type(page, 'before navigation');
    await answered(page, 'before navigation');
    const host = await page.evaluateHandle(() => document.querySelector('aicado-embed'));
    await page.evaluate(() => (window as unknown as { __navigate: (p: string) => void }).__navigate('/orders/42'));
    await page.goBack();
    expect(await page.evaluate((h) => h === document.querySelector('aicado-embed'), host)).toBe(true);
    expect(await page.locator('aicado-embed').count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __ready: number; __again: boolean }).__again)).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __ready: number }).__ready)).toBe(1);
    expect(warnings.some((w) => w.includes('init() was called again for agent "demo"'))).toBe(true);
    await type(page, 'after navigation');
    await answered(page, 'after navigation');
    expect(await page.locator('aicado-embed .msg.user', { hasText: 'before navigation' }).count()).toBe(1);
    await page.close();
  });
});
