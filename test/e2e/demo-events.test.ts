// The demo page's list of webhooks shows every event type as it arrives: the lifecycle of two
// conversations, one ended by the page (reset) after two answers and a rating, one handed over to a
// person, each end with its transcript, reason and truncated flag; webhook text is shown as text.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
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
let host: Awaited<ReturnType<typeof startHost>>;
let browser: Browser;
let page: Page;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'aicado-demo-events-'));
  const hostPort = await freePort();
  const agentEntries = Object.fromEntries(
    parseAgentsFile(readFileSync(join(ROOT, 'demo/agents.json'), 'utf8'), 'demo/agents.json').map(({ id, ...entry }) => [
      id,
      { ...entry, webhookUrl: new URL(new URL(entry.webhookUrl).pathname, `http://127.0.0.1:${hostPort}`).href },
    ]),
  );
  backend = await startBackend({ port: 0, host: '127.0.0.1', agentEntries, dataDir: join(dataDir, 'backend'), log: () => undefined });
  const webhookSecrets = Object.fromEntries(backend.config.agents.map((agent) => [agent.id, agent.webhookSecret]));
  host = await startHost({ port: hostPort, host: '127.0.0.1', webhookSecrets, apiBase: backend.url, dataDir: join(dataDir, 'host') });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const newId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;

async function post(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${backend.url}/v1/agents/demo${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
}

/** Asks a question in the conversation, as the SDK would; resolves with its query id once answered. */
async function ask(conversationId: string, input: string): Promise<string> {
  const queryId = newId('q');
  await post('/queries', {
    query_id: queryId,
    conversation_id: conversationId,
    input,
    params: { user_id: 'u_42', session_id: 'sess_events' },
    context: { page_url: 'http://localhost/', locale: 'en-US', sdk: 'aicado-embed/0.1.0' },
  });
  return queryId;
}

/** The page's lines of one type for one conversation. */
const rowsOf = (type: string, conversationId: string) => page.locator(`#events tr[data-type="${type}"]`, { hasText: conversationId });

/** The text of each turn of a row's transcript. */
const turnsOf = (row: Locator) => row.locator('ol.transcript > li').allInnerTexts();

describe('the demo page shows every webhook type', () => {
  it('started, answers, a rating, a reset with its transcript, and a hand-off with its own', async () => {
    const reset = newId('c');
    const first = await ask(reset, 'First question');
    await ask(reset, 'Second question');
    await post(`/queries/${first}/feedback`, { conversation_id: reset, rating: 'up' });
    const handedOver = newId('c');
    await ask(handedOver, '<img src=x onerror="window.injected=1"><b>not bold</b>');

    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const console = recordConsole(page);
    await page.goto(host.url);
    // The answers arrived before the page opened; the ends arrive while it is open, through its stream.
    await expect.poll(() => rowsOf('query.completed', reset).count(), { timeout: 10_000 }).toBe(2);
    await post(`/conversations/${reset}/end`, { reason: 'reset' });
    await post(`/conversations/${handedOver}/handoff`, { reason: 'Please call me <b>now</b>' });

    const ended = rowsOf('conversation.ended', reset);
    await ended.waitFor({ timeout: 10_000 });
    const handoff = rowsOf('handoff.requested', handedOver);
    await handoff.waitFor({ timeout: 10_000 });
    await rowsOf('conversation.ended', handedOver).waitFor({ timeout: 10_000 });

    for (const [type, conversationId, count] of [
      ['conversation.started', reset, 1],
      ['query.completed', reset, 2],
      ['query.feedback', reset, 1],
      ['conversation.ended', reset, 1],
      ['conversation.started', handedOver, 1],
      ['query.completed', handedOver, 1],
      ['handoff.requested', handedOver, 1],
      ['conversation.ended', handedOver, 1],
    ] as const) {
      expect(await rowsOf(type, conversationId).count(), `${type} of ${conversationId}`).toBe(count);
    }
    // Each line: time, type, agent, conversation, user_id, session_id, its key fields, params.
    const cells = await ended.locator('td').allInnerTexts();
    expect(cells.slice(1, 6)).toEqual(['conversation.ended', 'demo', reset, 'u_42', 'sess_events']);
    expect(cells[6]).toContain('reason: reset · 2 turns · truncated: false');
    expect(await ended.locator('summary').innerText()).toBe('Transcript (2 turns)');
    const turns = await turnsOf(ended);
    expect(turns).toHaveLength(2);
    expect(turns[0]).toMatch(/^Q: First question\nA: .+\nstatus: completed · rating: up$/s);
    expect(turns[1]).toMatch(/^Q: Second question\nA: .+\nstatus: completed$/s);
    expect(await rowsOf('query.feedback', reset).locator('td').nth(6).innerText()).toBe(`rating: up · query ${first}`);

    expect(await handoff.locator('td').nth(6).innerText()).toContain('reason: Please call me <b>now</b> · 1 turn · truncated: false');
    expect((await turnsOf(handoff))[0]).toContain('Q: <img src=x onerror="window.injected=1"><b>not bold</b>');
    expect(await rowsOf('conversation.ended', handedOver).locator('td').nth(6).innerText()).toContain('reason: handoff');
    // Webhook content is text on the page, never markup.
    expect(await page.locator('#events img, #events b').count()).toBe(0);
    expect(await page.evaluate(() => (window as { injected?: number }).injected)).toBeUndefined();

    const violations = (await axeViolations(page)).filter((v) => v.targets.some((target) => target.includes('events')));
    expect(violations).toEqual([]);
    expect(console.errors).toEqual([]);
    await page.close();
  });
});

describe("the host app's event store", () => {
  it('keeps each event whole and gives every type its lines: a truncated transcript and a form say so', () => {
    const store = new ReceivedEventStore(join(dataDir, 'store'));
    try {
      const base = { agent_id: 'demo', conversation_id: 'c_store12345', params: { user_id: 'u_1' } };
      const turn = {
        query_id: 'q_store12345',
        input: 'hi',
        output: 'hello',
        status: 'stopped',
        created_at: '2026-01-01T00:00:00.000Z',
      } as const;
      const ended = store.save('msg_ended', {
        type: 'conversation.ended',
        id: 'evt_1',
        created_at: '2026-01-01T00:30:00.000Z',
        data: {
          ...base,
          reason: 'idle',
          started_at: '2026-01-01T00:00:00.000Z',
          ended_at: '2026-01-01T00:30:00.000Z',
          transcript: [turn],
          truncated: true,
        },
      });
      expect(ended).toMatchObject({
        type: 'conversation.ended',
        conversation_id: 'c_store12345',
        query_id: null,
        user_id: 'u_1',
        transcript: [{ input: 'hi', output: 'hello', status: 'stopped', rating: null }],
        truncated: true,
      });
      expect(ended.lines[0]).toBe('reason: idle · 1 turn · truncated: true');
      const form = store.save('msg_form', {
        type: 'form.submitted',
        id: 'evt_2',
        created_at: '2026-01-01T00:31:00.000Z',
        data: { ...base, consent: { version: '2025-01', accepted_at: '2026-01-01T00:31:00.000Z' } },
      });
      expect(form).toMatchObject({ lines: ['consent 2025-01 accepted_at 2026-01-01T00:31:00.000Z'], transcript: null, truncated: null });
      // Read back from SQLite, newest first, as the page gets them.
      expect(store.latest().map((event) => [event.webhook_id, event.lines])).toEqual([
        ['msg_form', form.lines],
        ['msg_ended', ended.lines],
      ]);
    } finally {
      store.close();
    }
  });
});
