import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { WebhookEventSchema } from '../../src/contract/webhook-events.js';
import { verifyWebhook } from '../../src/server/index.js';
import { eventOf, ofType, typeOf } from '../support/webhook-events.js';
import {
  listDeliveries,
  postAction,
  postConversationAction,
  postQuery,
  queryBody,
  readSse,
  sleep,
  startReceiver,
  startTestBackend,
  verifiedEvents,
} from './helpers.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** Room for a webhook that should not come to show up. */
const QUIET_MS = 300;

/** A query body of a new conversation, its ids typed. */
function newQuery(overrides: Record<string, unknown> = {}) {
  return queryBody(overrides) as ReturnType<typeof queryBody> & { conversation_id: string; input: string };
}

/** Asks a question and reads its answer to the end. */
async function ask(backend: { url: string }, overrides: Record<string, unknown>) {
  const body = newQuery(overrides);
  const events = await readSse(await postQuery(backend, body));
  expect(events.at(-1)?.event).toBe('done');
  return body;
}

describe('a conversation from its first query to its end', () => {
  it('sends conversation.started once, then on reset one conversation.ended whose transcript holds both turns and the rating; the next conversation starts again', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, webhookSecret: SECRET });
    const first = await ask(backend, { input: 'Where is my order?', params: { user_id: 'u_1', plan: 'pro' } });
    const conversation = first.conversation_id;
    const second = await ask(backend, {
      conversation_id: conversation,
      input: 'And the invoice?',
      params: { user_id: 'u_1', plan: 'team' },
    });
    expect((await postAction(backend, first.query_id, 'feedback', { conversation_id: conversation, rating: 'up' })).status).toBe(200);
    const end = await postConversationAction(backend, conversation, 'end', { reason: 'reset' });
    expect(end.status).toBe(200);
    expect(await end.json()).toEqual({ conversation_id: conversation, ended: true });
    await receiver.waitForCount(5);
    // An end sent again (the SDK's keepalive retry, another tab) is answered alike and sends nothing.
    expect((await postConversationAction(backend, conversation, 'end', { reason: 'reset' })).status).toBe(200);
    await sleep(QUIET_MS);

    // Signed as Standard Webhooks: the reference library accepts each, and so does the helper.
    const signer = new Webhook(SECRET);
    for (const webhook of receiver.received)
      expect(() => signer.verify(webhook.body, webhook.headers as Record<string, string>)).not.toThrow();
    const events = verifiedEvents(receiver, SECRET);
    expect(events.map((event) => event.type).sort()).toEqual(
      ['conversation.ended', 'conversation.started', 'query.completed', 'query.completed', 'query.feedback'].sort(),
    );
    const started = eventOf('conversation.started', events.find((event) => event.type === 'conversation.started')!);
    expect(started.data).toEqual({
      agent_id: 'demo',
      conversation_id: conversation,
      started_at: expect.any(String),
      params: first.params,
      context: first.context,
    });
    const ended = eventOf('conversation.ended', events.find((event) => event.type === 'conversation.ended')!);
    const completedAt = events.flatMap((event) => (event.type === 'query.completed' ? [event.created_at] : []));
    expect(ended.data).toEqual({
      agent_id: 'demo',
      conversation_id: conversation,
      reason: 'reset',
      started_at: started.data.started_at,
      ended_at: expect.any(String),
      params: second.params, // the last query's
      transcript: [
        {
          query_id: first.query_id,
          input: 'Where is my order?',
          output: expect.stringContaining('Where is my order?'),
          status: 'completed',
          created_at: completedAt[0],
          rating: 'up',
        },
        {
          query_id: second.query_id,
          input: 'And the invoice?',
          output: expect.stringContaining('And the invoice?'),
          status: 'completed',
          created_at: completedAt[1],
        },
      ],
      truncated: false,
    });
    expect(Date.parse(ended.data.ended_at)).toBeGreaterThanOrEqual(Date.parse(ended.data.started_at));
    // The outbox committed the start before the first answer.
    const committed = (await listDeliveries(backend)).map((delivery) => [delivery.type, delivery.query_id]);
    expect(committed.slice(0, 2)).toEqual([
      ['conversation.started', null],
      ['query.completed', first.query_id],
    ]);

    // The visitor's next question is a new conversation, with its own start.
    const next = await ask(backend, {});
    await receiver.waitForCount(7);
    const again = verifiedEvents(receiver, SECRET).slice(5);
    expect(again.map((event) => [event.type, event.data.conversation_id]).sort()).toEqual([
      ['conversation.started', next.conversation_id],
      ['query.completed', next.conversation_id],
    ]);
  });

  it('an end for a conversation that never had a query answers 200 and sends nothing', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const { conversation_id } = newQuery();
    const response = await postConversationAction(backend, conversation_id, 'end', { reason: 'user_switched' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ conversation_id, ended: true });
    await sleep(QUIET_MS);
    expect(receiver.received).toHaveLength(0);
    expect(await listDeliveries(backend)).toEqual([]);
  });

  it('refuses a bad end or hand-off with 400 and an unknown agent with 404, sending nothing', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const { conversation_id } = await ask(backend, {});
    await receiver.waitForCount(2);
    const codeOf = async (response: Promise<Response>) => {
      const answer = await response;
      return [answer.status, ((await answer.json()) as { error: { code: string } }).error.code];
    };
    expect(await codeOf(postConversationAction(backend, conversation_id, 'end', { reason: 'idle' }))).toEqual([400, 'invalid_request']);
    expect(await codeOf(postConversationAction(backend, conversation_id, 'end', {}))).toEqual([400, 'invalid_request']);
    expect(await codeOf(postConversationAction(backend, conversation_id, 'handoff', { reason: 'x'.repeat(501) }))).toEqual([
      400,
      'invalid_request',
    ]);
    expect(await codeOf(postConversationAction(backend, 'not-a-conversation', 'end', { reason: 'reset' }))).toEqual([
      400,
      'invalid_request',
    ]);
    expect(await codeOf(postConversationAction(backend, conversation_id, 'end', { reason: 'reset' }, 'nobody'))).toEqual([
      404,
      'unknown_agent',
    ]);
    const huge = await fetch(`${backend.url}/v1/agents/demo/conversations/${conversation_id}/handoff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'x', padding: 'y'.repeat(5000) }),
    });
    expect(huge.status).toBe(413);
    await sleep(QUIET_MS);
    expect(receiver.received).toHaveLength(2);
  });

  it('answers a browser preflight for end and hand-off, and refuses a page origin the agent does not allow', async () => {
    const backend = await startTestBackend({ allowedOrigins: ['https://shop.example'] });
    const path = `${backend.url}/v1/agents/demo/conversations/${newQuery().conversation_id}/end`;
    const preflight = await fetch(path, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = await fetch(path, {
      method: 'POST',
      headers: { origin: 'https://shop.example', 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'reset' }),
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const refused = await fetch(path, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'reset' }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
  });

  it('ten concurrent ends of one conversation send exactly one conversation.ended', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const { conversation_id } = await ask(backend, {});
    const reasons = ['reset', 'user_switched'] as const;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) => postConversationAction(backend, conversation_id, 'end', { reason: reasons[index % 2] })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    await receiver.waitForCount(3);
    await sleep(QUIET_MS);
    expect(ofType(receiver.received, 'conversation.ended')).toHaveLength(1);
    expect(receiver.received).toHaveLength(3);
    expect((await listDeliveries(backend)).filter((delivery) => delivery.type === 'conversation.ended')).toHaveLength(1);
  });

  it('a query for an ended conversation gets 409 conversation_ended before the model runs and sends nothing; an answered query_id is still replayed', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const answered = await ask(backend, {});
    const stored = (await (await postQuery(backend, answered, { accept: 'application/json' })).json()) as { output: string };
    expect((await postConversationAction(backend, answered.conversation_id, 'end', { reason: 'reset' })).status).toBe(200);
    await receiver.waitForCount(3);

    // A new query_id there: refused as JSON before any stream opened (the model would stream into it).
    const late = newQuery({ conversation_id: answered.conversation_id });
    const refused = await postQuery(backend, late);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/json');
    const error = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('conversation_ended');
    expect(error.error.message).toContain(answered.conversation_id);

    // The answered query_id, sent again (a retry whose answer was lost): its stored answer, once more.
    const replay = await readSse(await postQuery(backend, answered));
    expect(replay.map((event) => event.event)).toEqual(['delta', 'done']);
    expect((replay[1]?.data as { output: string }).output).toBe(stored.output);

    // The same query in a new conversation, as the SDK resends it: answered there, with that conversation's start.
    const moved = await ask(backend, { ...late, conversation_id: newQuery().conversation_id });
    await receiver.waitForCount(5);
    await sleep(QUIET_MS);
    expect(receiver.received.map(typeOf).sort()).toEqual(
      ['conversation.started', 'query.completed', 'conversation.ended', 'conversation.started', 'query.completed'].sort(),
    );
    const deliveries = await listDeliveries(backend);
    expect(deliveries.filter((delivery) => delivery.query_id === late.query_id)).toHaveLength(1);
    expect(deliveries.find((delivery) => delivery.query_id === late.query_id)?.conversation_id).toBe(moved.conversation_id);
  });
});

describe('a hand-off to a person', () => {
  it('sends one handoff.requested with the transcript and params, then one conversation.ended (handoff); a second request sends nothing new', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, webhookSecret: SECRET });
    const body = await ask(backend, { params: { user_id: 'u_7', order: 'A-1' } });
    const response = await postConversationAction(backend, body.conversation_id, 'handoff', { reason: 'The answer did not help' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ conversation_id: body.conversation_id, handed_off: true, ended: true });
    await receiver.waitForCount(4);
    expect((await postConversationAction(backend, body.conversation_id, 'handoff', {})).status).toBe(200);
    expect((await postConversationAction(backend, body.conversation_id, 'end', { reason: 'reset' })).status).toBe(200);
    await sleep(QUIET_MS);
    expect(receiver.received).toHaveLength(4);

    const events = verifiedEvents(receiver, SECRET);
    const handoff = eventOf('handoff.requested', events.find((event) => event.type === 'handoff.requested')!);
    const ended = eventOf('conversation.ended', events.find((event) => event.type === 'conversation.ended')!);
    const turn = {
      query_id: body.query_id,
      input: body.input,
      output: expect.stringContaining(String(body.input)),
      status: 'completed',
      created_at: expect.any(String),
    };
    expect(handoff.data).toEqual({
      agent_id: 'demo',
      conversation_id: body.conversation_id,
      reason: 'The answer did not help',
      params: body.params,
      transcript: [turn],
      truncated: false,
    });
    expect(ended.data).toMatchObject({ reason: 'handoff', params: body.params, transcript: [turn], truncated: false });
    // Committed in that order, in one transaction.
    const types = (await listDeliveries(backend)).map((delivery) => delivery.type);
    expect(types.slice(-2)).toEqual(['handoff.requested', 'conversation.ended']);
  });

  it('a hand-off before any query still reaches the owner: both events, an empty transcript and params {}', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, webhookSecret: SECRET });
    const { conversation_id } = newQuery();
    expect((await postConversationAction(backend, conversation_id, 'handoff', {})).status).toBe(200);
    await receiver.waitForCount(2);
    await sleep(QUIET_MS);
    const events = verifiedEvents(receiver, SECRET);
    expect(events.map((event) => event.type).sort()).toEqual(['conversation.ended', 'handoff.requested']);
    const handoff = eventOf('handoff.requested', events.find((event) => event.type === 'handoff.requested')!);
    expect(handoff.data).toEqual({ agent_id: 'demo', conversation_id, params: {}, transcript: [], truncated: false });
    const ended = eventOf('conversation.ended', events.find((event) => event.type === 'conversation.ended')!);
    expect(ended.data).toMatchObject({ reason: 'handoff', params: {}, transcript: [], truncated: false });
    expect(ended.data.started_at).toBe(ended.data.ended_at);
    // That conversation is over: a query there is refused.
    expect((await postQuery(backend, newQuery({ conversation_id }))).status).toBe(409);
  });

  it('a hand-off after the conversation ended (a reset) sends handoff.requested once, and no second conversation.ended', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const body = await ask(backend, {});
    expect((await postConversationAction(backend, body.conversation_id, 'end', { reason: 'reset' })).status).toBe(200);
    await receiver.waitForCount(3);
    for (let i = 0; i < 3; i++) expect((await postConversationAction(backend, body.conversation_id, 'handoff', {})).status).toBe(200);
    await receiver.waitForCount(4);
    await sleep(QUIET_MS);
    expect(receiver.received.map(typeOf).sort()).toEqual(
      ['conversation.started', 'query.completed', 'conversation.ended', 'handoff.requested'].sort(),
    );
  });
});

describe('the pre-chat form', () => {
  it('form_submitted commits form.submitted before its query.completed, both with the consent; duplicates of that query send it once', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, webhookSecret: SECRET, deltaDelayMs: 5 });
    const consent = { version: '2026-11', accepted_at: '2026-12-01T10:00:00.000Z' };
    const params = { user_id: 'u_9', email: 'ada@example.com', company: 'Analytical' };
    const body = newQuery({ params, consent, form_submitted: true });
    // The first send, a concurrent duplicate, and a retry after it: one run, one of each event.
    const [a, b] = await Promise.all([postQuery(backend, body), sleep(5).then(() => postQuery(backend, body))]);
    await Promise.all([readSse(a), readSse(b)]);
    await readSse(await postQuery(backend, body));
    // A later query of the visitor carries the consent again, without the form.
    const later = newQuery({ conversation_id: body.conversation_id, params, consent });
    await readSse(await postQuery(backend, later));
    await receiver.waitForCount(4);
    await sleep(QUIET_MS);

    const events = verifiedEvents(receiver, SECRET);
    expect(events.map((event) => event.type).sort()).toEqual(
      ['conversation.started', 'form.submitted', 'query.completed', 'query.completed'].sort(),
    );
    const form = eventOf('form.submitted', events.find((event) => event.type === 'form.submitted')!);
    expect(form.data).toEqual({ agent_id: 'demo', conversation_id: body.conversation_id, params, consent });
    const completions = events.flatMap((event) => (event.type === 'query.completed' ? [event] : []));
    for (const event of completions) expect(event.data.consent).toEqual(consent);
    // The outbox's order: started, the form, then the answer it precedes.
    expect((await listDeliveries(backend)).map((delivery) => [delivery.type, delivery.query_id])).toEqual([
      ['conversation.started', null],
      ['form.submitted', null],
      ['query.completed', body.query_id],
      ['query.completed', later.query_id],
    ]);
    // Every body parses with the contract's one union.
    for (const webhook of receiver.received) expect(WebhookEventSchema.safeParse(JSON.parse(webhook.body)).success).toBe(true);
  });

  it('without consent, query.completed has no consent field and form.submitted none either', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, webhookSecret: SECRET });
    const body = await ask(backend, { form_submitted: true });
    await receiver.waitForCount(3);
    const events = receiver.received.map((webhook) => verifyWebhook(webhook.body, webhook.headers, SECRET));
    for (const event of events) expect(event.data).not.toHaveProperty('consent');
    expect(events.find((event) => event.type === 'form.submitted')?.data).toEqual({
      agent_id: 'demo',
      conversation_id: body.conversation_id,
      params: body.params,
    });
  });
});
