import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { shipped } from './support/dist.js';
import { queuePage, startLoop } from './support/fixture.js';
import { startRecordingProxy } from './support/http.js';
import { completed, ofType, waitForType } from '../support/webhook-events.js';

let loop: Awaited<ReturnType<typeof startLoop>>;
/** The pages talk to the backend through this proxy, which counts what reaches the backend. */
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;

beforeAll(async () => {
  loop = await startLoop(['--rate-limit', '0']);
  proxy = await startRecordingProxy(loop.backend.url);
});
// A test that failed while offline leaves no dead network to the next one.
beforeEach(() => {
  proxy.network.down = false;
});
afterAll(async () => {
  await proxy?.close();
  await loop?.close();
});

/** The browser goes offline (`navigator.onLine`, the pages' own loads) and so does the way to the backend. */
async function setOffline(context: BrowserContext, offline: boolean): Promise<void> {
  proxy.network.down = offline;
  await context.setOffline(offline);
}

/**
 * The queries that reached the backend from now on, whichever document sent them (a page being replaced
 * by a reload can still send one, which Playwright may not report), with their query_id and idempotency-key.
 */
function queriesReachingBackend(): () => { queryId: string; idempotencyKey: string | undefined }[] {
  const from = proxy.forwarded.length;
  return () =>
    proxy.forwarded
      .slice(from)
      .filter((request) => request.method === 'POST' && /^\/v1\/agents\/[^/]+\/queries$/.test(request.path))
      .map((request) => ({
        queryId: (JSON.parse(request.body) as { query_id: string }).query_id,
        idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      }));
}

const PARAMS = { user_id: 'u_tabs', plan: 'pro' };

function sitePage(path: string, init: Record<string, unknown> = {}): string {
  loop.site.pages.set(path, {
    body: queuePage(`Aicado('init', ${JSON.stringify({ agentId: 'demo', apiBase: proxy.url, params: PARAMS, open: true, ...init })});`),
  });
  return `${loop.site.url}${path}`;
}

/** Every query POSTed from this context's tabs, and which tab sent it, as Playwright reports them. */
function recordQueries(context: BrowserContext) {
  const posts: { queryId: string; conversationId: string; tab: Page | null }[] = [];
  context.on('request', (request) => {
    // Queries only: the SDK also tells the API when it leaves a conversation (POST …/conversations/{id}/end).
    if (request.method() !== 'POST' || !request.url().startsWith(`${proxy.url}/v1/agents/`) || !request.url().endsWith('/queries')) return;
    const body = JSON.parse(request.postData() ?? '{}') as { query_id: string; conversation_id: string };
    posts.push({ queryId: body.query_id, conversationId: body.conversation_id, tab: request.frame().page() });
  });
  return posts;
}

/**
 * The browsers without BroadcastChannel or Web Locks (older ones; Web Locks are also missing on
 * plain-http pages): the tabs then talk through `storage` events and claim queries with a lease in storage.
 */
const WITHOUT_CHANNEL_AND_LOCKS = () => {
  delete (window as { BroadcastChannel?: unknown }).BroadcastChannel;
  Object.defineProperty(Navigator.prototype, 'locks', { configurable: true, get: () => undefined });
};

async function newContext(fallback: boolean): Promise<BrowserContext> {
  const context = await loop.browser.newContext();
  if (fallback) await context.addInitScript(WITHOUT_CHANNEL_AND_LOCKS);
  return context;
}

async function openTabs(context: BrowserContext, url: string): Promise<[Page, Page]> {
  const a = await context.newPage();
  const b = await context.newPage();
  await Promise.all([a.goto(url), b.goto(url)]);
  await Promise.all([a, b].map((tab) => tab.locator('aicado-embed textarea').waitFor()));
  return [a, b];
}

async function type(tab: Page, text: string): Promise<number> {
  const input = tab.locator('aicado-embed textarea');
  await input.fill(text);
  const sentAt = Date.now();
  await input.press('Enter');
  return sentAt;
}

/** Navigates away from the browser's error page, once that page has committed (it can still be on its way). */
async function leaveErrorPage(tab: Page): Promise<void> {
  await expect.poll(() => tab.evaluate(() => location.protocol).catch(() => 'navigating'), { timeout: 5_000 }).toBe('chrome-error:');
  await tab.goto('about:blank');
}

const userBubble = (tab: Page, text: string) => tab.locator('aicado-embed .msg.user', { hasText: text });
const answerBubble = (tab: Page, text: string) => tab.locator('aicado-embed .msg.agent', { hasText: `You said: "${text}"` });
const userCount = (tab: Page) => tab.locator('aicado-embed .msg.user').count();

/** The verified webhook of one query, once it has arrived. */
async function webhookFor(queryId: string) {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 25))) {
    const event = ofType(loop.receiver.received, 'query.completed')
      .map((w) => completed(shipped.verifyWebhook(w.body, w.headers, loop.secret)))
      .find((e) => e.data.query_id === queryId);
    if (event) return event;
  }
  throw new Error(`no webhook for ${queryId}`);
}

describe.each([
  ['with BroadcastChannel and Web Locks', false],
  ['with storage events and a lease in storage instead', true],
])('one conversation across tabs, %s', (_, fallback) => {
  it('a message sent in tab A shows in tab B within 1 s, and so does its answer; both tabs speak in one conversation', async () => {
    loop.receiver.received.length = 0;
    const context = await newContext(fallback);
    if (fallback)
      expect(await (await context.newPage()).evaluate(() => [typeof BroadcastChannel, typeof navigator.locks])).toEqual([
        'undefined',
        'undefined',
      ]);
    const posts = recordQueries(context);
    const [a, b] = await openTabs(context, sitePage('/tabs-live.html'));

    const sentAt = await type(a, 'Sent in tab A');
    await userBubble(b, 'Sent in tab A').waitFor({ timeout: 1_000 });
    expect(Date.now() - sentAt).toBeLessThan(1_000);
    await answerBubble(a, 'Sent in tab A').waitFor({ timeout: 15_000 });
    const answeredAt = Date.now();
    await answerBubble(b, 'Sent in tab A').waitFor({ timeout: 1_000 });
    expect(Date.now() - answeredAt).toBeLessThan(1_000);

    await type(b, 'And one from tab B');
    await answerBubble(a, 'And one from tab B').waitFor({ timeout: 15_000 });
    expect(await userBubble(a, 'Sent in tab A').count()).toBe(1);
    expect(posts.map((post) => [post.queryId, post.tab === a ? 'a' : post.tab === b ? 'b' : '?'])).toEqual([
      [posts[0]!.queryId, 'a'],
      [posts[1]!.queryId, 'b'],
    ]);
    expect(new Set(posts.map((post) => post.conversationId)).size).toBe(1);
    const events = (await waitForType(loop.receiver, 'query.completed', 2)).map((w) =>
      shipped.verifyWebhook(w.body, w.headers, loop.secret),
    );
    expect(events.map((event) => event.data.conversation_id)).toEqual([posts[0]!.conversationId, posts[0]!.conversationId]);
    await context.close();
  });

  it('both tabs offline, a query left pending; both come back online and reload: the backend sees one query_id once, the receiver one webhook', async () => {
    loop.receiver.received.length = 0;
    const context = await newContext(fallback);
    const posts = queriesReachingBackend();
    const url = sitePage('/tabs-pending.html');
    const [a, b] = await openTabs(context, url);

    await setOffline(context, true);
    await type(a, 'Pending in two tabs');
    await userBubble(b, 'Pending in two tabs').waitFor({ timeout: 1_000 });
    // Reloading without a network shows the browser's error page in both: the query is left in storage only.
    for (const tab of [a, b])
      expect(
        await tab.reload().then(
          () => 'loaded',
          (error: Error) => error.message,
        ),
      ).toContain('ERR_INTERNET_DISCONNECTED');
    expect(posts()).toEqual([]);

    // Chromium's error page reloads itself once online, which would race the loads below (a load that is
    // replaced aborts its request, and the next one resends it): the tabs leave it first.
    for (const tab of [a, b]) await leaveErrorPage(tab);
    await setOffline(context, false);
    await Promise.all([a.goto(url), b.goto(url)]); // both tabs load at once, each finding the query pending
    for (const tab of [a, b]) await answerBubble(tab, 'Pending in two tabs').waitFor({ timeout: 15_000 });
    const [webhook] = await waitForType(loop.receiver, 'query.completed', 1);
    // Room for a second request or webhook to show up, had a second tab resumed the query too.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [{ queryId } = { queryId: '' }] = posts();
    expect(posts()).toEqual([{ queryId, idempotencyKey: queryId }]);
    const event = completed(shipped.verifyWebhook(webhook!.body, webhook!.headers, loop.secret));
    expect(event.data.query_id).toBe(queryId);
    expect(event.data.params).toStrictEqual(PARAMS);
    expect(ofType(loop.receiver.received, 'query.completed')).toHaveLength(1);
    for (const tab of [a, b]) expect(await answerBubble(tab, 'Pending in two tabs').count()).toBe(1);
    await context.close();
  });
});

describe('one conversation across tabs', () => {
  it('with both tabs open and offline, the tab that holds the query sends it once when the network returns; the other shows the answer', async () => {
    loop.receiver.received.length = 0;
    const context = await loop.browser.newContext();
    const posts = recordQueries(context);
    const reached = queriesReachingBackend();
    const [a, b] = await openTabs(context, sitePage('/tabs-online.html'));
    await setOffline(context, true);
    await type(b, 'Queued while offline');
    await userBubble(a, 'Queued while offline').waitFor({ timeout: 1_000 });
    await setOffline(context, false);
    for (const tab of [a, b]) await answerBubble(tab, 'Queued while offline').waitFor({ timeout: 15_000 });
    await waitForType(loop.receiver, 'query.completed', 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(posts.map((post) => post.tab)).toEqual([b]);
    expect(reached().map((post) => post.queryId)).toEqual([posts[0]!.queryId]);
    expect(ofType(loop.receiver.received, 'query.completed')).toHaveLength(1);
    await context.close();
  });

  it('logout() in tab A empties tab B’s panel, and B then speaks for nobody in A’s new conversation', async () => {
    const context = await loop.browser.newContext();
    const posts = recordQueries(context);
    const [a, b] = await openTabs(context, sitePage('/tabs-logout.html'));
    await type(a, 'Before logout');
    await answerBubble(b, 'Before logout').waitFor({ timeout: 15_000 });

    await a.evaluate(() => (window as unknown as { Aicado: (m: string) => void }).Aicado('logout'));
    await b.waitForFunction(() => document.querySelector('aicado-embed')!.shadowRoot!.querySelectorAll('.msg.user').length === 0, null, {
      timeout: 1_000,
    });
    expect(await answerBubble(b, 'Before logout').count()).toBe(0);

    await type(b, 'After logout');
    await answerBubble(a, 'After logout').waitFor({ timeout: 15_000 });
    const after = posts.at(-1)!;
    expect(after.tab).toBe(b);
    expect(after.conversationId).not.toBe(posts[0]!.conversationId);
    expect((await webhookFor(after.queryId)).data.params).toStrictEqual({});
    expect([await userCount(a), await userCount(b)]).toEqual([1, 1]);
    await context.close();
  });

  it('identify() and reset() in one tab apply to the other', async () => {
    const context = await loop.browser.newContext();
    const posts = recordQueries(context);
    const [a, b] = await openTabs(context, sitePage('/tabs-identify.html'));
    await type(a, 'As the first user');
    await answerBubble(b, 'As the first user').waitFor({ timeout: 15_000 });

    await a.evaluate(() =>
      (window as unknown as { Aicado: (m: string, v: unknown) => void }).Aicado('identify', { params: { user_id: 'u_next' } }),
    );
    await b.waitForFunction(() => document.querySelector('aicado-embed')!.shadowRoot!.querySelectorAll('.msg.user').length === 0, null, {
      timeout: 1_000,
    });
    await type(b, 'As the next user');
    await answerBubble(a, 'As the next user').waitFor({ timeout: 15_000 });
    expect(await b.evaluate(() => (window as unknown as { Aicado: (m: string) => unknown }).Aicado('getParams'))).toEqual({
      user_id: 'u_next',
    });

    await b.evaluate(() => (window as unknown as { Aicado: (m: string) => void }).Aicado('reset'));
    await a.waitForFunction(() => document.querySelector('aicado-embed')!.shadowRoot!.querySelectorAll('.msg.user').length === 0, null, {
      timeout: 1_000,
    });
    await type(a, 'After reset');
    await answerBubble(b, 'After reset').waitFor({ timeout: 15_000 });
    expect(new Set(posts.map((post) => post.conversationId)).size).toBe(3);
    await context.close();
  });

  it("storage: 'memory' opts out: each tab keeps its own conversation", async () => {
    const context = await loop.browser.newContext();
    const [a, b] = await openTabs(context, sitePage('/tabs-memory.html', { storage: 'memory' }));
    await type(a, 'Only in tab A');
    await answerBubble(a, 'Only in tab A').waitFor({ timeout: 15_000 });
    // Tab A's answer is complete, so a synchronised tab would have it by now; give it the same second.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await userBubble(b, 'Only in tab A').count()).toBe(0);
    await context.close();
  });
});
