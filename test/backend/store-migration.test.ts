import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/server/index.js';
import { completed, feedback } from '../support/webhook-events.js';
import { postAction, startReceiver, startTestBackend, tempDir } from './helpers.js';

// The schema of the first release: one delivery per query, no answer status, sources or ratings.
const FIRST_SCHEMA = `
CREATE TABLE queries (query_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, conversation_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
  input TEXT NOT NULL, params TEXT NOT NULL, output TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE deliveries (id TEXT PRIMARY KEY, query_id TEXT NOT NULL UNIQUE REFERENCES queries (query_id), body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'stopped')), attempts INTEGER NOT NULL DEFAULT 0,
  in_flight INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_attempt_at INTEGER, delivered_at INTEGER, created_at INTEGER NOT NULL);
CREATE INDEX deliveries_due ON deliveries (status, in_flight, next_attempt_at);
`;

describe('a data directory of the first release', () => {
  it('is upgraded in place: its pending webhook is delivered unchanged, and its answers can be rated', async () => {
    const dataDir = tempDir();
    const db = new Database(join(dataDir, 'backend.sqlite'));
    db.exec(FIRST_SCHEMA);
    const event = {
      type: 'query.completed',
      id: 'evt_old0000001',
      created_at: new Date().toISOString(),
      data: {
        agent_id: 'demo',
        query_id: 'q_old0000001',
        conversation_id: 'c_old0000001',
        input: 'hi',
        output: 'You said: "hi"',
        params: { user_id: 'u_old' },
      },
    };
    db.prepare(
      `INSERT INTO queries VALUES ('q_old0000001', 'demo', 'c_old0000001', 'f', 'hi', '{"user_id":"u_old"}', 'You said: "hi"', 1)`,
    ).run();
    db.prepare(
      `INSERT INTO deliveries (id, query_id, body, status, next_attempt_at, created_at) VALUES ('evt_old0000001', 'q_old0000001', ?, 'pending', 0, 1)`,
    ).run(JSON.stringify(event));
    db.close();

    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, dataDir });
    await receiver.waitForCount(1);
    expect(receiver.received[0]!.body).toBe(JSON.stringify(event));
    // An event without status or sources (an older backend's) reads as a completed answer with none.
    const old = completed(
      verifyWebhook(receiver.received[0]!.body, receiver.received[0]!.headers, backend.config.agents[0]!.webhookSecret),
    );
    expect(old.data).toMatchObject({ status: 'completed', sources: [] });

    const rated = await postAction(backend, 'q_old0000001', 'feedback', { conversation_id: 'c_old0000001', rating: 'up' });
    expect(rated.status).toBe(200);
    await receiver.waitForCount(2);
    const rating = feedback(
      verifyWebhook(receiver.received[1]!.body, receiver.received[1]!.headers, backend.config.agents[0]!.webhookSecret),
    );
    expect(rating.data).toEqual({
      agent_id: 'demo',
      query_id: 'q_old0000001',
      conversation_id: 'c_old0000001',
      rating: 'up',
      params: { user_id: 'u_old' },
    });
  });
});
