import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/server/index.js';
import { completed, eventOf, feedback } from '../support/webhook-events.js';
import {
  listDeliveries,
  postAction,
  postConversationAction,
  postQuery,
  queryBody,
  sleep,
  startReceiver,
  startTestBackend,
  tempDir,
  verifiedEvents,
} from './helpers.js';

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

// Schema 3: no conversations, and every delivery belonged to a query (query_id NOT NULL, no conversation_id).
const SCHEMA_3 = `
CREATE TABLE queries (query_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, conversation_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
  input TEXT NOT NULL, params TEXT NOT NULL, output TEXT NOT NULL, created_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'stopped')), sources TEXT NOT NULL DEFAULT '[]', verified_params TEXT);
CREATE TABLE deliveries (id TEXT PRIMARY KEY, query_id TEXT NOT NULL REFERENCES queries (query_id), agent_id TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'query.completed', body TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'stopped')),
  attempts INTEGER NOT NULL DEFAULT 0, in_flight INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_attempt_at INTEGER, delivered_at INTEGER,
  created_at INTEGER NOT NULL, replays INTEGER NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX deliveries_one_completion ON deliveries (query_id) WHERE type = 'query.completed';
CREATE INDEX deliveries_due ON deliveries (status, in_flight, next_attempt_at);
CREATE INDEX deliveries_of_query ON deliveries (query_id);
CREATE INDEX deliveries_of_agent ON deliveries (agent_id);
CREATE TABLE ratings (query_id TEXT PRIMARY KEY REFERENCES queries (query_id), rating TEXT CHECK (rating IN ('up', 'down')), updated_at INTEGER NOT NULL);
PRAGMA user_version = 3;
`;

describe('a data directory of schema 3 (before conversations)', () => {
  it('is upgraded in place: its pending webhook is delivered, a conversation from before it is not ended at start, and the next query of one starts it with its earlier turns in the transcript', async () => {
    const dataDir = tempDir();
    const db = new Database(join(dataDir, 'backend.sqlite'));
    db.exec(SCHEMA_3);
    const longAgo = Date.now() - 24 * 60 * 60 * 1000;
    db.prepare(
      `INSERT INTO queries (query_id, agent_id, conversation_id, fingerprint, input, params, output, created_at)
       VALUES ('q_before00001', 'demo', 'c_before00001', 'f', 'hi', '{"user_id":"u_old"}', 'You said: "hi"', ?)`,
    ).run(longAgo);
    db.prepare(
      `INSERT INTO deliveries (id, query_id, agent_id, body, status, next_attempt_at, created_at)
       VALUES ('evt_before00001', 'q_before00001', 'demo', '{"type":"query.completed","id":"evt_before00001"}', 'pending', 0, ?)`,
    ).run(longAgo);
    db.close();

    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, dataDir, conversationIdleMinutes: 0.01 });
    await receiver.waitForCount(1);
    expect(receiver.received[0]!.headers['webhook-id']).toBe('evt_before00001');
    const [old] = await listDeliveries(backend);
    expect(old).toMatchObject({ id: 'evt_before00001', query_id: 'q_before00001', conversation_id: 'c_before00001' });
    await sleep(1000); // past the idle time: a conversation of before the upgrade is not ended (it never started)
    expect(receiver.received).toHaveLength(1);

    const next = queryBody({ conversation_id: 'c_before00001', params: { user_id: 'u_old' } });
    expect((await postQuery(backend, next, { accept: 'application/json' })).status).toBe(200);
    expect((await postConversationAction(backend, 'c_before00001', 'end', { reason: 'reset' })).status).toBe(200);
    await receiver.waitForCount(4);
    const secret = backend.config.agents[0]!.webhookSecret;
    const events = verifiedEvents({ received: receiver.received.slice(1) }, secret);
    expect(events.map((event) => event.type).sort()).toEqual(['conversation.ended', 'conversation.started', 'query.completed']);
    const ended = eventOf('conversation.ended', events.find((event) => event.type === 'conversation.ended')!);
    expect(ended.data.transcript.map((turn) => turn.query_id)).toEqual(['q_before00001', next.query_id]);
  });
});
