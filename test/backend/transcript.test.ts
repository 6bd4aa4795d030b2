import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BackendStore } from '../../demo/backend/store.js';
import type { StoredTurn } from '../../demo/backend/store-conversations.js';
import { bytesOf, TURNS_READ_PER_END, withTranscript } from '../../demo/backend/transcript.js';
import { CONVERSATION_LIMITS } from '../../src/contract/protocol.js';
import type { ConversationEndedEvent } from '../../src/contract/webhook-events.js';
import { eventOf, ofType } from '../support/webhook-events.js';
import {
  postAction,
  postConversationAction,
  postQuery,
  queryBody,
  startReceiver,
  startTestBackend,
  tempDir,
  verifiedEvents,
  waitUntil,
} from './helpers.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MAX = CONVERSATION_LIMITS.maxTranscriptEventBytes;

const turn = (index: number, text = 'hi'): StoredTurn => ({
  query_id: `q_turn${String(index).padStart(6, '0')}`,
  input: text,
  output: `You said: "${text}"`,
  status: 'completed',
  created_at: Date.UTC(2026, 11, 1) + index,
  rating: null,
  params: '{}',
  verified_params: null,
});

const endedEvent = (): ConversationEndedEvent => ({
  type: 'conversation.ended',
  id: 'evt_transcript',
  created_at: '2026-12-01T00:00:00.000Z',
  data: {
    agent_id: 'demo',
    conversation_id: 'c_transcript',
    reason: 'reset',
    started_at: '2026-12-01T00:00:00.000Z',
    ended_at: '2026-12-01T00:00:00.000Z',
    params: {},
    transcript: [],
    truncated: false,
  },
});

const idsOf = (event: ConversationEndedEvent) => event.data.transcript.map((t) => Number(t.query_id.slice(6)));

describe('a bounded transcript', () => {
  it('keeps every turn when the body fits, untruncated, with a rating only where there is one', () => {
    const turns = [turn(0), { ...turn(1), rating: 'down' as const }, turn(2)];
    const event = withTranscript(endedEvent(), { first: turns, last: [] });
    expect(event.data.truncated).toBe(false);
    expect(event.data.transcript).toEqual([
      { query_id: 'q_turn000000', input: 'hi', output: 'You said: "hi"', status: 'completed', created_at: '2026-12-01T00:00:00.000Z' },
      {
        query_id: 'q_turn000001',
        input: 'hi',
        output: 'You said: "hi"',
        status: 'completed',
        created_at: '2026-12-01T00:00:00.001Z',
        rating: 'down',
      },
      { query_id: 'q_turn000002', input: 'hi', output: 'You said: "hi"', status: 'completed', created_at: '2026-12-01T00:00:00.002Z' },
    ]);
  });

  it('leaves turns out from the middle, taking them from each end in turn, and fills the bound as far as the next turn allows', () => {
    const turns = Array.from({ length: 50 }, (_, index) => turn(index, 'é'.repeat(40))); // multi-byte: bytes, not characters
    const whole = bytesOf(withTranscript(endedEvent(), { first: turns, last: [] }, Number.MAX_SAFE_INTEGER));
    for (const max of [whole - 1, Math.floor(whole / 2), Math.floor(whole / 7)]) {
      const event = withTranscript(endedEvent(), { first: turns, last: [] }, max);
      expect(bytesOf(event)).toBeLessThanOrEqual(max);
      expect(event.data.truncated).toBe(true);
      const ids = idsOf(event);
      const front = ids.filter((id, index) => id === index);
      const back = ids.slice(front.length);
      expect(back).toEqual(Array.from({ length: back.length }, (_, index) => 50 - back.length + index));
      expect(front.length - back.length).toBeGreaterThanOrEqual(0);
      expect(front.length - back.length).toBeLessThanOrEqual(1);
      // One more turn would not have fitted; with one byte short of the whole, exactly one is left out.
      if (max === whole - 1) expect(ids).toHaveLength(49);
      else expect(bytesOf(event) + bytesOf(event.data.transcript[0]) + 1).toBeGreaterThan(max);
    }
  });

  it('is truncated when turns were never read (a conversation longer than any transcript), even if what was read fits', () => {
    const event = withTranscript(endedEvent(), { first: [turn(0)], last: [turn(9)] });
    expect(event.data.truncated).toBe(true);
    expect(idsOf(event)).toEqual([0, 9]);
  });

  it(`reads a conversation of ${TURNS_READ_PER_END * 2 + 1000} turns from both ends only: the first and the last turns, ≤ 256 KB`, async () => {
    const dataDir = tempDir();
    new BackendStore(dataDir).close();
    const db = new Database(join(dataDir, 'backend.sqlite'));
    const count = TURNS_READ_PER_END * 2 + 1000;
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @last)
       INSERT INTO queries (query_id, agent_id, conversation_id, fingerprint, input, params, output, created_at)
       SELECT printf('q_turn%06d', i), 'demo', 'c_longconversation', 'f', 'hi', '{}', 'You said: "hi"', @start + i FROM n`,
    ).run({ last: count - 1, start: Date.now() - count });
    db.prepare(
      `INSERT INTO conversations (agent_id, conversation_id, started_at, last_query_at) VALUES ('demo', 'c_longconversation', ?, ?)`,
    ).run(Date.now() - count, Date.now());
    db.close();

    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, webhookSecret: SECRET, dataDir });
    expect((await postConversationAction(backend, 'c_longconversation', 'end', { reason: 'reset' })).status).toBe(200);
    await waitUntil(() => receiver.received.length > 0, 5000, 'conversation.ended');
    expect(Buffer.byteLength(receiver.received[0]!.body)).toBeLessThanOrEqual(MAX);
    const ended = eventOf('conversation.ended', verifiedEvents(receiver, SECRET)[0]!);
    expect(ended.data.truncated).toBe(true);
    const ids = idsOf(ended);
    expect(ids[0]).toBe(0);
    expect(ids.at(-1)).toBe(count - 1);
    expect(ids.length).toBeGreaterThan(1000);
  });
});

describe('a 300-turn conversation over the API', () => {
  it('ends with a conversation.ended body ≤ 256 KB, truncated, keeping its first and last turns in order, ratings included', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, webhookSecret: SECRET, rateLimit: 0, deltaDelayMs: 0 });
    const conversation = queryBody().conversation_id as string;
    const queryIds: string[] = [];
    for (let index = 0; index < 300; index++) {
      const body = queryBody({ conversation_id: conversation, input: `Turn ${index}: ${'ü'.repeat(1500)}` });
      const response = await postQuery(backend, body, { accept: 'application/json' });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      queryIds.push(body.query_id);
    }
    expect((await postAction(backend, queryIds[0]!, 'feedback', { conversation_id: conversation, rating: 'up' })).status).toBe(200);
    expect((await postAction(backend, queryIds[299]!, 'feedback', { conversation_id: conversation, rating: 'down' })).status).toBe(200);
    expect((await postConversationAction(backend, conversation, 'end', { reason: 'reset' })).status).toBe(200);
    await waitUntil(() => ofType(receiver.received, 'conversation.ended').length > 0, 20_000, 'conversation.ended');

    const [webhook] = ofType(receiver.received, 'conversation.ended');
    const bytes = Buffer.byteLength(webhook!.body);
    expect(bytes).toBeLessThanOrEqual(MAX);
    expect(bytes).toBeGreaterThan(MAX - 10_000); // filled, up to about one turn short
    const ended = eventOf('conversation.ended', verifiedEvents({ received: [webhook!] }, SECRET)[0]!);
    expect(ended.data.truncated).toBe(true);
    const kept = ended.data.transcript.map((t) => t.query_id);
    expect(kept.length).toBeLessThan(300);
    expect(kept[0]).toBe(queryIds[0]);
    expect(kept.at(-1)).toBe(queryIds[299]);
    // A prefix and a suffix of the conversation, nothing between out of order.
    const gap = kept.findIndex((id, index) => id !== queryIds[index]);
    expect(kept.slice(gap)).toEqual(queryIds.slice(300 - (kept.length - gap)));
    expect(ended.data.transcript[0]!.rating).toBe('up');
    expect(ended.data.transcript.at(-1)!.rating).toBe('down');
  }, 60_000);
});
