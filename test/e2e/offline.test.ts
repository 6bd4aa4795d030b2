import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { shipped } from './support/dist.js';
import { queuePage, startLoop } from './support/fixture.js';
import { startRecordingProxy } from './support/http.js';
import { completed, ofType, waitForType } from '../support/webhook-events.js';

let loop: Awaited<ReturnType<typeof startLoop>>;
/** The page talks to the backend through this proxy, which counts what reaches the backend. */
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;

beforeAll(async () => {
  loop = await startLoop();
  proxy = await startRecordingProxy(loop.backend.url);
  loop.site.pages.set('/offline.html', {
    body: queuePage(`Aicado('init', { agentId: 'demo', apiBase: '${proxy.url}', params: { user_id: 'u_offline', plan: 'pro' } });`),
  });
});
afterAll(async () => {
  await proxy?.close();
  await loop?.close();
});

/** Stored conversations of agent `demo` are `aicado:v1:demo:[<identity>:]conversation`. */
const STORAGE_PREFIX = 'aicado:v1:demo:';

/** The queries POSTed to the backend since the test began, with their query_id and idempotency-key, across reloads and tabs. */
function queryPosts(): { queryId: string; idempotencyKey: string | undefined }[] {
  return proxy.forwarded
    .filter((request) => request.method === 'POST' && /^\/v1\/agents\/[^/]+\/queries$/.test(request.path))
    .map((request) => ({
      queryId: (JSON.parse(request.body) as { query_id: string }).query_id,
      idempotencyKey: request.headers['idempotency-key'] as string | undefined,
    }));
}

/** The browser goes offline (`navigator.onLine`, the page's own loads) and so does the way to the backend. */
async function setOffline(context: BrowserContext, offline: boolean): Promise<void> {
  proxy.network.down = offline;
  await context.setOffline(offline);
}

async function openWidget(page: Page): Promise<void> {
  await page.goto(`${loop.site.url}/offline.html`);
  await page.getByRole('button', { name: 'Open chat' }).click();
}

async function typeMessage(page: Page, text: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Type your message…' });
  await input.fill(text);
  await input.press('Enter');
}

/** The pending queries the SDK persisted, as the next load will read them. */
async function pendingQueryIds(page: Page): Promise<string[]> {
  const stored = await page.evaluate(
    (prefix) =>
      Object.keys(localStorage)
        .filter((key) => key.startsWith(prefix) && key.endsWith(':conversation'))
        .map((key) => localStorage.getItem(key)),
    STORAGE_PREFIX,
  );
  return stored
    .flatMap((raw) => (JSON.parse(raw ?? '{}') as { pending?: { query_id: string }[] }).pending ?? [])
    .map((query) => query.query_id);
}

/** Waits for the answer, then checks there is exactly one, and exactly one webhook for this query, after a quiet period. */
async function expectExactlyOneAnswerAndWebhook(page: Page, text: string, queryId: string): Promise<void> {
  const answers = page.locator('aicado-embed .msg.agent', { hasText: `You said: "${text}"` });
  await answers.first().waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => !document.querySelector('aicado-embed')?.shadowRoot?.querySelector('[aria-busy="true"]'));
  await waitForType(loop.receiver, 'query.completed', 1);
  // The outbox marks the delivery once the receiver has answered: wait for that, not for a fixed time.
  const deliveryStatuses = async () => {
    const response = await fetch(`${loop.backend.url}/v1/deliveries?query_id=${queryId}`, {
      headers: { authorization: `Bearer ${loop.secret}` },
    });
    return ((await response.json()) as { deliveries: { status: string }[] }).deliveries.map((delivery) => delivery.status);
  };
  await expect.poll(deliveryStatuses, { timeout: 15_000 }).toEqual(['delivered']);
  await page.waitForTimeout(800); // room for a duplicate answer or webhook to show up
  expect(await answers.count()).toBe(1);
  expect(await page.locator('aicado-embed .msg.user', { hasText: text }).count()).toBe(1);
  expect(ofType(loop.receiver.received, 'query.completed')).toHaveLength(1);
  const [webhook] = ofType(loop.receiver.received, 'query.completed');
  const event = completed(shipped.verifyWebhook(webhook!.body, webhook!.headers, loop.secret));
  expect(event.data.query_id).toBe(queryId);
  expect(event.data.input).toBe(text);
  expect(event.data.params).toStrictEqual({ user_id: 'u_offline', plan: 'pro' });
  expect(await deliveryStatuses()).toEqual(['delivered']);
  await expect.poll(() => pendingQueryIds(page)).toEqual([]);
}

describe('a message typed while offline', () => {
  it('waits for the connection, then is sent once: one answer, one webhook', async () => {
    loop.receiver.received.length = 0;
    const context = await loop.browser.newContext();
    proxy.forwarded.length = 0;
    const page = await context.newPage();
    await openWidget(page);

    await setOffline(context, true);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    const text = 'typed while offline';
    await typeMessage(page, text);
    await page.getByText('You are offline').waitFor();
    const [queryId] = await pendingQueryIds(page);
    expect(queryId).toMatch(/^q_/);
    await page.waitForTimeout(500);
    expect(queryPosts()).toEqual([]); // offline: nothing is attempted, the SDK waits for `online`
    expect(loop.receiver.received).toHaveLength(0);

    await setOffline(context, false);
    await expectExactlyOneAnswerAndWebhook(page, text, queryId!);
    expect(queryPosts().map((post) => [post.queryId, post.idempotencyKey])).toEqual([[queryId, queryId]]);
    await context.close();
  });

  it('survives a reload while still offline (the browser error page), then is resent on the next load with the same query_id', async () => {
    loop.receiver.received.length = 0;
    const context = await loop.browser.newContext();
    proxy.forwarded.length = 0;
    const page = await context.newPage();
    await openWidget(page);

    await setOffline(context, true);
    const text = 'typed offline, reloaded offline';
    await typeMessage(page, text);
    await page.getByText('You are offline').waitFor();
    const [queryId] = await pendingQueryIds(page);
    expect(queryId).toMatch(/^q_/);

    // Reloading with no network gets the browser's error page: the widget is gone, the query only in storage.
    const reload = await page.reload().then(
      () => 'loaded',
      (error: Error) => error.message,
    );
    expect(reload).toContain('ERR_INTERNET_DISCONNECTED');
    expect(await page.locator('aicado-embed').count()).toBe(0);
    expect(queryPosts()).toEqual([]);

    // Back online, Chromium's error page reloads itself: that load resumes the query. (A visitor's own reload racing
    // it would abort its request, and the next load would resend the same query_id: still one answer, one webhook.)
    await setOffline(context, false);
    await page.locator('aicado-embed').waitFor({ state: 'attached', timeout: 15_000 });
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expectExactlyOneAnswerAndWebhook(page, text, queryId!);
    // The error page's own reload can race the load that follows it, and a load that is replaced aborts its request:
    // the query may then be sent by more than one load, always as the same query_id with the same idempotency-key.
    const sent = queryPosts().map((post) => [post.queryId, post.idempotencyKey]);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent.map((pair) => pair.join(' ')))).toEqual(new Set([`${queryId} ${queryId}`]));
    await context.close();
  });

  it('survives closing the tab while offline: a new tab, online, resends it on load with the same query_id', async () => {
    loop.receiver.received.length = 0;
    const context = await loop.browser.newContext();
    proxy.forwarded.length = 0;
    const page = await context.newPage();
    await openWidget(page);

    await setOffline(context, true);
    const text = 'typed offline, tab closed';
    await typeMessage(page, text);
    const [queryId] = await pendingQueryIds(page);
    expect(queryId).toMatch(/^q_/);
    await page.close(); // the tab is gone before the connection returns
    expect(queryPosts()).toEqual([]);

    await setOffline(context, false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(queryPosts()).toEqual([]);
    expect(loop.receiver.received).toHaveLength(0);
    const tab = await context.newPage();
    await openWidget(tab);
    await expectExactlyOneAnswerAndWebhook(tab, text, queryId!);
    expect(queryPosts().map((post) => [post.queryId, post.idempotencyKey])).toEqual([[queryId, queryId]]);
    await context.close();
  });
});
