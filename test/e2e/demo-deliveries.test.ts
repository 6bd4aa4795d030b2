// The demo page's delivery log: the host app's webhooks as the backend logged them, and a Replay button
// on one given up while the host app was down. The page gets them through the host app; no secret reaches
// the browser.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type RunningBackend } from '../../demo/backend/server.js';
import { ReceivedEventStore } from '../../demo/host/received-events.js';
import { startHost } from '../../demo/host/server.js';
import { parseAgentsFile } from '../../src/contract/agents-file.js';
import { axeViolations } from './support/axe.js';
import { ROOT } from './support/backend.js';
import { launchBrowser, recordConsole } from './support/browser.js';
import { freePort } from './support/demo.js';

let backend: RunningBackend;
let host: Awaited<ReturnType<typeof startHost>> | undefined;
let hostPort: number;
let browser: Browser;
let dataDir: string;
let secrets: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'aicado-demo-deliveries-'));
  hostPort = await freePort();
  // The demo's agents, their webhooks aimed at the host app's port, which nothing listens on yet.
  const agentEntries = Object.fromEntries(
    parseAgentsFile(readFileSync(join(ROOT, 'demo/agents.json'), 'utf8'), 'demo/agents.json').map(({ id, ...entry }) => [
      id,
      { ...entry, webhookUrl: new URL(new URL(entry.webhookUrl).pathname, `http://127.0.0.1:${hostPort}`).href },
    ]),
  );
  backend = await startBackend({
    port: 0,
    host: '127.0.0.1',
    agentEntries,
    dataDir: join(dataDir, 'backend'),
    retrySchedule: [50],
    deliveryTimeoutMs: 2000,
    log: () => undefined,
  });
  secrets = Object.fromEntries(backend.config.agents.map((agent) => [agent.id, agent.webhookSecret]));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ask(input: string): Promise<string> {
  const queryId = `q_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  const response = await fetch(`${backend.url}/v1/agents/demo/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': queryId },
    body: JSON.stringify({
      query_id: queryId,
      conversation_id: `c_${queryId.slice(2)}`,
      input,
      params: { user_id: 'u_42' },
      context: { page_url: 'http://localhost/', locale: 'en-US', sdk: 'aicado-embed/0.1.0' },
    }),
  });
  expect(response.status).toBe(200);
  return queryId;
}

async function deliveryOf(queryId: string) {
  const response = await fetch(`${backend.url}/v1/deliveries?query_id=${queryId}`, {
    headers: { authorization: `Bearer ${secrets.demo}` },
  });
  const { deliveries } = (await response.json()) as { deliveries: { id: string; status: string; attempts: number; replays: number }[] };
  return deliveries[0];
}

const rowOf = (page: Page, id: string) => page.locator(`#deliveries tr[data-id="${id}"]`);
const cellText = (page: Page, id: string, column: number) => rowOf(page, id).locator('td').nth(column).innerText();

describe('the demo page lists its deliveries', () => {
  it('shows one given up while the host app was down, and its Replay button sends it again', async () => {
    const queryId = await ask('Sent while the host app is down');
    await expect.poll(async () => (await deliveryOf(queryId))?.status, { timeout: 10_000 }).toBe('dead');
    const dead = (await deliveryOf(queryId))!;

    host = await startHost({
      port: hostPort,
      host: '127.0.0.1',
      webhookSecrets: secrets,
      apiBase: backend.url,
      dataDir: join(dataDir, 'host'),
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const console = recordConsole(page);
    await page.goto(host.url);

    const row = rowOf(page, dead.id);
    await row.waitFor();
    expect(await cellText(page, dead.id, 1)).toBe('demo');
    expect(await cellText(page, dead.id, 2)).toBe('query.completed');
    expect(await cellText(page, dead.id, 3)).toBe('dead');
    expect(await cellText(page, dead.id, 4)).toBe('2');
    expect(await cellText(page, dead.id, 5)).toBe('0');
    expect(await cellText(page, dead.id, 6)).toContain('gave up after 2 attempts');
    expect(await page.locator('table.deliveries th[scope="col"]').allInnerTexts()).toEqual([
      'Created',
      'Agent',
      'Event',
      'Status',
      'Attempts',
      'Replays',
      'Last error',
      'Next attempt',
      'Action',
    ]);

    const replay = page.getByRole('button', { name: `Replay query.completed delivery ${dead.id} (dead)` });
    await replay.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#deliveries-status').innerText()).toMatch(new RegExp(`^Replayed ${dead.id}`));
    // Delivered this time: once, to the host app, which stores and shows the answer.
    await expect.poll(() => cellText(page, dead.id, 3), { timeout: 10_000 }).toBe('delivered');
    expect(await cellText(page, dead.id, 4)).toBe('1');
    expect(await cellText(page, dead.id, 5)).toBe('1');
    expect(await row.getByRole('button').count()).toBe(0);
    await page.locator('#events tr[data-type="query.completed"]', { hasText: 'Sent while the host app is down' }).waitFor();

    // The page holds no secret: not in its HTML, its scripts, or what the host app hands it.
    const texts = await Promise.all(
      ['/', '/config.js', '/deliveries.js', '/api/deliveries'].map((path) => fetch(host!.url + path).then((r) => r.text())),
    );
    for (const secret of Object.values(secrets)) for (const text of texts) expect(text).not.toContain(secret);

    const violations = (await axeViolations(page)).filter((v) => v.targets.some((target) => target.includes('deliveries')));
    expect(violations).toEqual([]);
    expect(console.errors).toEqual([]);
    await page.close();
  });

  it('a replay of a delivery the host app already handled is answered as a duplicate: delivered, not stored twice', async () => {
    const queryId = await ask('Handled once');
    await expect.poll(async () => (await deliveryOf(queryId))?.status, { timeout: 10_000 }).toBe('delivered');
    const { id } = (await deliveryOf(queryId))!;
    // The host app publishes each webhook it handles to this stream: a duplicate must publish nothing.
    const watching = new AbortController();
    const stream = await fetch(`${host!.url}/api/events/stream`, { signal: watching.signal });
    let published = '';
    const reading = (async () => {
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) published += Buffer.from(chunk).toString('utf8');
    })().catch(() => undefined);
    const replayed = await fetch(`${backend.url}/v1/deliveries/${id}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secrets.demo}` },
    });
    expect(replayed.status).toBe(202);
    await expect.poll(async () => deliveryOf(queryId), { timeout: 10_000 }).toMatchObject({ status: 'delivered', attempts: 1, replays: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    watching.abort();
    await reading;
    expect(published).toContain(': connected');
    expect(published).not.toContain('event: webhook'); // onEvent did not run
    const events = (await fetch(`${host!.url}/api/events`).then((r) => r.json())) as { query_id: string | null }[];
    expect(events.filter((event) => event.query_id === queryId)).toHaveLength(1);

    // The host app's replay route is the page's alone: another origin, or no JSON, is refused.
    const refusals: Record<string, string>[] = [
      { origin: 'http://evil.example', 'content-type': 'application/json' },
      { 'content-type': 'text/plain' },
    ];
    for (const headers of refusals) {
      const refused = await fetch(`${host!.url}/api/deliveries/${id}/replay`, { method: 'POST', headers, body: '{"agent_id":"demo"}' });
      expect(refused.status).toBe(403);
    }
  });
});

describe("the host app's event store, as createWebhookHandler's dedupe store", () => {
  it('claims an id once, says busy while it is held and done once its event is stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aicado-host-events-'));
    const store = new ReceivedEventStore(dir);
    try {
      expect(await store.claim('msg_1', 60_000)).toBe('claimed');
      expect(await store.claim('msg_1', 60_000)).toBe('busy');
      await store.release('msg_1'); // the handler failed: the next delivery runs it
      expect(await store.claim('msg_1', 60_000)).toBe('claimed');
      store.save('msg_1', {
        type: 'query.completed',
        id: 'evt_1',
        created_at: new Date().toISOString(),
        data: { agent_id: 'demo', query_id: 'q_1', conversation_id: 'c_1', input: 'hi', output: 'hello', params: { user_id: 'u_1' } },
      } as unknown as Parameters<ReceivedEventStore['save']>[1]);
      await store.complete('msg_1');
      expect(await store.claim('msg_1', 60_000)).toBe('done');
      expect(await store.claim('msg_2', 1)).toBe('claimed');
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await store.claim('msg_2', 60_000)).toBe('claimed'); // its lease ended: the holder died
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
