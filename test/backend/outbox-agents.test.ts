import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completed } from '../support/webhook-events.js';
import { verifyWebhook } from '../../src/server/index.js';
import {
  listDeliveries,
  postQuery,
  queryBody,
  readSse,
  sleep,
  COMPLETIONS,
  startReceiver,
  startTestBackend,
  tempDir,
  waitForDelivery,
  waitUntil,
} from './helpers.js';

const SECRET_A = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SECRET_B = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

describe('webhook outbox with several agents', () => {
  it("keeps each agent's undelivered webhooks across a restart, and sends them to the URL and secret configured now", async () => {
    const dataDir = tempDir();
    const down = await startReceiver(() => ({ status: 503 }), COMPLETIONS);
    const entries = (a: string, b: string, secretB = SECRET_B) => ({
      a: { webhookUrl: a, webhookSecret: SECRET_A },
      b: { webhookUrl: b, webhookSecret: secretB },
    });
    const first = await startTestBackend({ dataDir, agentEntries: entries(down.url, down.url), retrySchedule: [300] });
    const [forA, forB] = [queryBody(), queryBody()];
    await readSse(await postQuery(first, forA, { agent: 'a' }));
    await readSse(await postQuery(first, forB, { agent: 'b' }));
    await down.waitForCount(2);
    await first.close();

    // Back with a new receiver per agent and b's secret rotated: each pending row goes to its agent's endpoint now.
    const [upA, upB] = [await startReceiver(COMPLETIONS), await startReceiver(COMPLETIONS)];
    const rotated = 'whsec_dGhlLW5ldy1zZWNyZXQtb2YtYWdlbnQtYg==';
    const second = await startTestBackend({ dataDir, agentEntries: entries(upA.url, upB.url, rotated), retrySchedule: [300] });
    await waitForDelivery(second, forA.query_id, (d) => d.status === 'delivered');
    // Each agent's secret lists its own deliveries only.
    const asB = { url: second.url, config: { agents: [second.config.agents[1]!] } };
    await waitForDelivery(asB, forB.query_id, (d) => d.status === 'delivered');
    expect(await listDeliveries(second, forB.query_id)).toEqual([]);
    expect(completed(verifyWebhook(upA.received[0]!.body, upA.received[0]!.headers, SECRET_A)).data.query_id).toBe(forA.query_id);
    expect(completed(verifyWebhook(upB.received[0]!.body, upB.received[0]!.headers, rotated)).data.query_id).toBe(forB.query_id);
    await sleep(100);
    expect([upA.received.length, upB.received.length]).toEqual([1, 1]);
  });

  it('a delivery of an agent no longer served is dead, with the reason', async () => {
    const dataDir = tempDir();
    const down = await startReceiver(() => ({ status: 503 }), COMPLETIONS);
    const first = await startTestBackend({ dataDir, agentEntries: { gone: { webhookUrl: down.url } }, retrySchedule: [200] });
    const body = queryBody();
    await readSse(await postQuery(first, body, { agent: 'gone' }));
    await down.waitForCount(1);
    await first.close();
    const second = await startTestBackend({ dataDir, agentEntries: { other: { webhookUrl: down.url } }, retrySchedule: [200] });
    // No secret of this backend lists the row any more; its log says why it was given up.
    await waitUntil(() => second.logs.some((line) => line.includes('dead: agent "gone" is not configured')), 5000, 'the dead delivery');
    expect(await listDeliveries(second, body.query_id)).toEqual([]);
  });

  it("delivers the pending rows of an older data directory to the endpoint of their query's agent", async () => {
    const dataDir = tempDir();
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, 'backend.sqlite'));
    db.exec(`CREATE TABLE queries (query_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, conversation_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
               input TEXT NOT NULL, params TEXT NOT NULL, output TEXT NOT NULL, created_at INTEGER NOT NULL);
             CREATE TABLE deliveries (id TEXT PRIMARY KEY, query_id TEXT NOT NULL UNIQUE REFERENCES queries (query_id), body TEXT NOT NULL,
               status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'stopped')), attempts INTEGER NOT NULL DEFAULT 0,
               in_flight INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_attempt_at INTEGER, delivered_at INTEGER, created_at INTEGER NOT NULL);`);
    const now = Date.now();
    db.prepare(`INSERT INTO queries VALUES ('q_oldrow0001', 'b', 'c_oldrow0001', 'f', 'hi', '{}', 'answer', ?)`).run(now);
    db.prepare(
      `INSERT INTO deliveries (id, query_id, body, status, next_attempt_at, created_at) VALUES ('evt_old', 'q_oldrow0001', '{"id":"evt_old"}', 'pending', ?, ?)`,
    ).run(now, now);
    db.close();

    const [upA, upB] = [await startReceiver(), await startReceiver()];
    const backend = await startTestBackend({
      dataDir,
      agentEntries: { a: { webhookUrl: upA.url }, b: { webhookUrl: upB.url, webhookSecret: SECRET_B } },
    });
    await upB.waitForCount(1);
    expect(upB.received[0]!.headers['webhook-id']).toBe('evt_old');
    await waitForDelivery(
      { url: backend.url, config: { agents: [backend.config.agents[1]!] } },
      'q_oldrow0001',
      (d) => d.status === 'delivered',
    );
    expect(upA.received).toHaveLength(0);
  });
});
