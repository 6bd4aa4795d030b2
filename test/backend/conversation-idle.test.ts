import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BackendStore } from '../../demo/backend/store.js';
import { FlagValueError, parseFlags } from '../../demo/backend/config/index.js';
import { CONVERSATION_LIMITS } from '../../src/contract/protocol.js';
import { eventOf, ofType, typeOf } from '../support/webhook-events.js';
import { runCli } from './backend-process.js';
import {
  postConversationAction,
  postQuery,
  queryBody,
  readSse,
  sleep,
  startReceiver,
  startTestBackend,
  tempDir,
  verifiedEvents,
  waitUntil,
} from './helpers.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** 600 ms: fractions of a minute are how a test makes conversations end fast. */
const IDLE_MINUTES = 0.01;
const IDLE_MS = IDLE_MINUTES * 60_000;

function newQuery(overrides: Record<string, unknown> = {}) {
  return queryBody(overrides) as ReturnType<typeof queryBody> & { conversation_id: string };
}

/** Asks a question, reads the answer, and returns the body and when the answer was in. */
async function ask(backend: { url: string }, overrides: Record<string, unknown> = {}) {
  const body = newQuery(overrides);
  expect((await readSse(await postQuery(backend, body))).at(-1)?.event).toBe('done');
  return body;
}

describe('--conversation-idle-minutes', () => {
  it('takes minutes with a fraction, defaults to the contract’s 30, and refuses 0, negatives, text and more than a week in flag terms', () => {
    expect(parseFlags(['--conversation-idle-minutes', '0.5'])).toMatchObject({ conversationIdleMinutes: 0.5 });
    expect(parseFlags([])).not.toHaveProperty('conversationIdleMinutes');
    for (const bad of ['0', '-1', 'soon', '10081']) {
      const args = [`--conversation-idle-minutes=${bad}`];
      expect(() => parseFlags(args)).toThrow(FlagValueError);
      expect(() => parseFlags(args)).toThrow(`--conversation-idle-minutes got "${bad}"`);
    }
    expect(CONVERSATION_LIMITS.defaultIdleMinutes).toBe(30);
  });
});

describe('a conversation with no query for the idle time', () => {
  it('ends once by itself (reason idle, ended_at its last query + the idle time); each query restarts the clock; a query after gets 409', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, webhookSecret: SECRET, conversationIdleMinutes: IDLE_MINUTES });
    const first = await ask(backend);
    await sleep(IDLE_MS * 0.6);
    const second = await ask(backend, { conversation_id: first.conversation_id });
    await sleep(IDLE_MS * 0.6); // past the first query's idle time, not the second's
    expect(ofType(receiver.received, 'conversation.ended')).toHaveLength(0);

    await waitUntil(() => ofType(receiver.received, 'conversation.ended').length > 0, 5000, 'conversation.ended');
    await sleep(IDLE_MS * 2); // room for a second end, which must not come
    const events = verifiedEvents(receiver, SECRET);
    const ended = events.filter((event) => event.type === 'conversation.ended').map((event) => eventOf('conversation.ended', event));
    expect(ended).toHaveLength(1);
    expect(ended[0]!.data).toMatchObject({
      reason: 'idle',
      conversation_id: first.conversation_id,
      params: second.params,
      truncated: false,
    });
    expect(ended[0]!.data.transcript.map((turn) => turn.query_id)).toEqual([first.query_id, second.query_id]);
    expect(Date.parse(ended[0]!.data.ended_at)).toBe(Date.parse(ended[0]!.data.transcript[1]!.created_at) + IDLE_MS);
    expect((await postQuery(backend, newQuery({ conversation_id: first.conversation_id }))).status).toBe(409);
  });

  it('an end racing the idle timer: exactly one conversation.ended for each of five conversations', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, conversationIdleMinutes: IDLE_MINUTES, rateLimit: 0 });
    const conversations = await Promise.all(Array.from({ length: 5 }, () => ask(backend)));
    const answeredAt = Date.now();
    // Ends sent every few milliseconds from before the idle time runs out until after it has.
    await sleep(IDLE_MS * 0.8);
    const ends: Promise<Response>[] = [];
    while (Date.now() < answeredAt + IDLE_MS * 1.3) {
      for (const { conversation_id } of conversations)
        ends.push(postConversationAction(backend, conversation_id, 'end', { reason: 'reset' }));
      await sleep(3);
    }
    expect(new Set((await Promise.all(ends)).map((response) => response.status))).toEqual(new Set([200]));
    await waitUntil(() => ofType(receiver.received, 'conversation.ended').length >= 5, 5000, 'five ends');
    await sleep(IDLE_MS * 2);
    const ended = ofType(receiver.received, 'conversation.ended').map(
      (webhook) => JSON.parse(webhook.body) as { data: { conversation_id: string; reason: string } },
    );
    expect(ended.map((event) => event.data.conversation_id).sort()).toEqual(conversations.map((body) => body.conversation_id).sort());
    for (const event of ended) expect(['idle', 'reset']).toContain(event.data.reason);
  });

  it('ends a backlog of 250 conversations left idle while the backend was stopped, each once, in batches', async () => {
    const dataDir = tempDir();
    new BackendStore(dataDir).close();
    const db = new Database(join(dataDir, 'backend.sqlite'));
    const longAgo = Date.now() - 60 * 60_000;
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)
       INSERT INTO conversations (agent_id, conversation_id, started_at, last_query_at) SELECT 'demo', printf('c_backlog%04d', i), @at, @at + i FROM n`,
    ).run({ at: longAgo });
    db.close();
    const receiver = await startReceiver();
    await startTestBackend({ webhookUrl: receiver.url, dataDir, conversationIdleMinutes: 30 });
    await receiver.waitForCount(250, 10_000);
    await sleep(300);
    const ended = receiver.received.map(
      (webhook) => JSON.parse(webhook.body) as { type: string; data: { conversation_id: string; reason: string } },
    );
    expect(new Set(ended.map((event) => event.data.conversation_id)).size).toBe(250);
    expect(ended.every((event) => event.type === 'conversation.ended' && event.data.reason === 'idle')).toBe(true);
  });

  it('ends once after a kill -9: a conversation whose idle time passed while the backend was down ends when it starts again', async () => {
    const dataDir = tempDir();
    const receiver = await startReceiver();
    const flags = ['--data-dir', dataDir, '--webhook-url', receiver.url, '--webhook-secret', SECRET, '--echo-delay-ms', '1'];
    const idleMinutes = 0.02; // 1.2 s: time to kill the first process before it passes
    const first = await runCli([...flags, '--conversation-idle-minutes', String(idleMinutes)]);
    const body = await ask(first);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    await sleep(idleMinutes * 60_000 + 300);

    const second = await runCli([...flags, '--conversation-idle-minutes', String(idleMinutes)]);
    await waitUntil(() => ofType(receiver.received, 'conversation.ended').length > 0, 10_000, 'conversation.ended after the restart');
    await sleep(idleMinutes * 60_000); // a second look of the timer must not end it again
    const events = verifiedEvents(receiver, SECRET);
    const ended = events.filter((event) => event.type === 'conversation.ended').map((event) => eventOf('conversation.ended', event));
    expect(ended).toHaveLength(1);
    expect(ended[0]!.data).toMatchObject({ reason: 'idle', conversation_id: body.conversation_id });
    expect(ended[0]!.data.transcript.map((turn) => turn.query_id)).toEqual([body.query_id]);
    // It ended when its idle time ran out (while the backend was down), not when the backend noticed.
    expect(Date.parse(ended[0]!.data.ended_at)).toBeLessThan(killedAt + idleMinutes * 60_000 + 300);
    // At least once: the start and the answer, possibly again after the kill, with the same webhook-id.
    const ids = (type: string) =>
      new Set(receiver.received.filter((webhook) => typeOf(webhook) === type).map((w) => w.headers['webhook-id']));
    expect([ids('conversation.started').size, ids('query.completed').size]).toEqual([1, 1]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 30_000);
});
