import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { shipped } from './support/dist.js';
import { queuePage, startLoop } from './support/fixture.js';
import { completed } from '../support/webhook-events.js';

let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop();
  loop.site.pages.set('/offline.html', {
    body: queuePage(`Aicado('init', { agentId: 'demo', apiBase: '${loop.backend.url}', params: { user_id: 'u_offline', plan: 'pro' } });`),
  });
});
afterAll(async () => {
  await loop?.close();
});

/** Stored conversations of agent `demo` are `aicado:v1:demo:[<identity>:]conversation`. */
const STORAGE_PREFIX = 'aicado:v1:demo:';

/** Every query POSTed to the backend from this context, with its query_id and idempotency-key, across reloads. */
function recordQueries(context: BrowserContext) {
  const posts: { queryId: string; idempotencyKey: string | undefined }[] = [];
  context.on('request', (request) => {
    if (request.method() !== 'POST' || !request.url().startsWith(`${loop.backend.url}/v1/agents/`)) return;
    const queryId = (JSON.parse(request.postData() ?? '{}') as { query_id: string }).query_id;
    posts.push({ queryId, idempotencyKey: request.headers()['idempotency-key'] });
  });
  return posts;
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
    (prefix) => Object.keys(localStorage).filter((key) => key.startsWith(prefix) && key.endsWith(':conversation')).map((key) => localStorage.getItem(key)),
    STORAGE_PREFIX,
  );
  return stored.flatMap((raw) => (JSON.parse(raw ?? '{}') as { pending?: { query_id: string }[] }).pending ?? []).map((query) => query.query_id);
}

/** Waits for the answer, then checks there is exactly one, and exactly one webhook for this query, after a quiet period. */
async function expectExactlyOneAnswerAndWebhook(page: Page, text: string, queryId: string): Promise<void> {
  const answers = page.locator('aicado-embed .msg.agent', { hasText: `You said: "${text}"` });
  await answers.first().waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => !document.querySelector('aicado-embed')?.shadowRoot?.querySelector('[aria-busy="true"]'));
  await loop.receiver.waitFor(1);
  // The outbox marks the delivery once the receiver has answered: wait for that, not for a fixed time.
  const deliveryStatuses = async () => {
    const response = await fetch(`${loop.backend.url}/v1/deliveries?query_id=${queryId}`, { headers: { authorization: `Bearer ${loop.secret}` } });
    return ((await response.json()) as { deliveries: { status: string }[] }).deliveries.map((delivery) => delivery.status);
  };
  await expect.poll(deliveryStatuses, { timeout: 15_000 }).toEqual(['delivered']);
  await page.waitForTimeout(800); // room for a duplicate answer or webhook to show up
  expect(await answers.count()).toBe(1);
  expect(await page.locator('aicado-embed .msg.user', { hasText: text }).count()).toBe(1);
  expect(loop.receiver.received).toHaveLength(1);
  const event = completed(shipped.verifyWebhook(loop.receiver.received[0]!.body, loop.receiver.received[0]!.headers, loop.secret));
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
    const posts = recordQueries(context);
    const page = await context.newPage();
    await openWidget(page);

    await context.setOffline(true);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    const text = 'typed while offline';
    await typeMessage(page, text);
    await page.getByText('You are offline').waitFor();
    const [queryId] = await pendingQueryIds(page);
    expect(queryId).toMatch(/^q_/);
    await page.waitForTimeout(500);
    expect(posts).toEqual([]); // offline: nothing is attempted, the SDK waits for `online`
    expect(loop.receiver.received).toHaveLength(0);

    await context.setOffline(false);
    await expectExactlyOneAnswerAndWebhook(page, text, queryId!);
    expect(posts.map((post) => [post.queryId, post.idempotencyKey])).toEqual([[queryId, queryId]]);
    await context.close();
  });

  it('survives a reload while still offline (the browser error page), then is resent on the next load with the same query_id', async () => {
    loop.receiver.received.length = 0;
    const context = await loop.browser.newContext();
    const posts = recordQueries(context);
    const page = await context.newPage();
    await openWidget(page);

    await context.setOffline(true);
    const text = 'typed offline, reloaded offline';
    await typeMessage(page, text);
    await page.getByText('You are offline').waitFor();
    const [queryId] = await pendingQueryIds(page);
    expect(queryId).toMatch(/^q_/);

    // Reloading with no network gets the browser's error page: the widget is gone, the query only in storage.
    const reload = await page.reload().then(() => 'loaded', (error: Error) => error.message);
    expect(reload).toContain('ERR_INTERNET_DISCONNECTED');
    expect(await page.locator('aicado-embed').count()).toBe(0);
    expect(posts).toEqual([]);

    await context.setOffline(false);
    await openWidget(page); // the visitor reloads again, now online
    await expectExactlyOneAnswerAndWebhook(page, text, queryId!);
    expect(posts.map((post) => [post.queryId, post.idempotencyKey])).toEqual([[queryId, queryId]]);
    await context.close();
  });

  it('survives closing the tab while offline: a new tab, online, resends it on load with the same query_id', async () => {
    loop.receiver.received.length = 0;
    const context = await loop.browser.newContext();
    const posts = recordQueries(context);
    const page = await context.newPage();
    await openWidget(page);

    await context.setOffline(true);
    const text = 'typed offline, tab closed';
    await typeMessage(page, text);
    const [queryId] = await pendingQueryIds(page);
    expect(queryId).toMatch(/^q_/);
    await page.close(); // the tab is gone before the connection returns
    expect(posts).toEqual([]);

    await context.setOffline(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posts).toEqual([]);
    expect(loop.receiver.received).toHaveLength(0);
    const tab = await context.newPage();
    await openWidget(tab);
    await expectExactlyOneAnswerAndWebhook(tab, text, queryId!);
    expect(posts.map((post) => [post.queryId, post.idempotencyKey])).toEqual([[queryId, queryId]]);
    await context.close();
  });
});
