import { describe, expect, it } from 'vitest';
import { signParams, verifyWebhook } from '../../src/server/index.js';
import { feedback } from '../support/webhook-events.js';
import {
  listDeliveries,
  postAction,
  postQuery,
  QUERY_EVENTS,
  queryBody,
  readSse,
  sleep,
  startReceiver,
  startTestBackend,
  waitForDelivery,
  waitUntil,
} from './helpers.js';

const SIGNING_SECRET = 'feedback-test-signing-secret-0123456789';

async function answered(backend: { url: string }, overrides: Record<string, unknown> = {}) {
  const body = queryBody(overrides);
  await readSse(await postQuery(backend, body));
  return body;
}

describe('feedback on an answer', () => {
  it('sends query.feedback with the params of the rated query from the store; a change sends again, the same rating once', async () => {
    const receiver = await startReceiver(QUERY_EVENTS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, signingSecret: SIGNING_SECRET });
    const params = { user_id: 'u_rated', plan: 'pro', seats: 3, beta: true, ref: null };
    const token = await signParams({ user_id: 'u_verified' }, SIGNING_SECRET, { expiresInSeconds: 300 });
    const body = await answered(backend, { params, signed_params: token });
    await receiver.waitForCount(1);

    const rate = (rating: unknown, extra: Record<string, unknown> = {}) =>
      postAction(backend, body.query_id, 'feedback', { conversation_id: body.conversation_id, rating, ...extra });
    // Params sent with the feedback are not the rated query's: they are ignored.
    const up = await rate('up', { params: { user_id: 'u_forged' } });
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ query_id: body.query_id, rating: 'up' });
    expect((await rate('down')).status).toBe(200);
    expect((await rate('down')).status).toBe(200);
    expect((await rate(null)).status).toBe(200);
    await receiver.waitForCount(4);
    await sleep(300);
    expect(receiver.received).toHaveLength(4);

    const events = receiver.received
      .slice(1)
      .map((webhook) => feedback(verifyWebhook(webhook.body, webhook.headers, backend.config.agents[0]!.webhookSecret)));
    expect(events.map((event) => event.data.rating)).toEqual(['up', 'down', null]);
    for (const event of events) {
      expect(event.type).toBe('query.feedback');
      expect(event.data).toEqual({
        agent_id: 'demo',
        query_id: body.query_id,
        conversation_id: body.conversation_id,
        rating: event.data.rating,
        params,
        verified_params: { user_id: 'u_verified' },
      });
      expect(JSON.stringify(event.data.params)).toBe(JSON.stringify(params));
    }
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
  });

  it('an unrated answer taken back (null) sends nothing', async () => {
    const receiver = await startReceiver(QUERY_EVENTS);
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const body = await answered(backend);
    await receiver.waitForCount(1);
    expect((await postAction(backend, body.query_id, 'feedback', { conversation_id: body.conversation_id, rating: null })).status).toBe(
      200,
    );
    await sleep(300);
    expect(receiver.received).toHaveLength(1);
  });

  it('refuses an unknown query, another conversation or agent (404) and a bad rating (400), sending nothing', async () => {
    const receiver = await startReceiver(QUERY_EVENTS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, agents: ['demo', 'sales'] });
    const body = await answered(backend);
    const other = queryBody();
    const codeOf = async (response: Promise<Response>) => {
      const answer = await response;
      return [answer.status, ((await answer.json()) as { error: { code: string } }).error.code];
    };
    const rate = (queryId: string, payload: unknown, agent?: string) => codeOf(postAction(backend, queryId, 'feedback', payload, agent));
    expect(await rate('q_forged123456', { conversation_id: body.conversation_id, rating: 'up' })).toEqual([404, 'unknown_query']);
    expect(await rate(body.query_id, { conversation_id: other.conversation_id, rating: 'up' })).toEqual([404, 'unknown_query']);
    expect(await rate(body.query_id, { conversation_id: body.conversation_id, rating: 'up' }, 'sales')).toEqual([404, 'unknown_query']);
    expect(await rate(body.query_id, { conversation_id: body.conversation_id, rating: 'meh' })).toEqual([400, 'invalid_request']);
    expect(await rate(body.query_id, { conversation_id: body.conversation_id })).toEqual([400, 'invalid_request']);
    await receiver.waitForCount(1);
    await sleep(200);
    expect(receiver.received).toHaveLength(1);
  });

  it('uses the same durable outbox: a refused delivery is retried with the same webhook-id, and listed with its type', async () => {
    const receiver = await startReceiver((webhook, index) => ({ status: index === 1 ? 503 : 200 }), QUERY_EVENTS);
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const body = await answered(backend);
    await receiver.waitForCount(1);
    await postAction(backend, body.query_id, 'feedback', { conversation_id: body.conversation_id, rating: 'up' });
    await receiver.waitForCount(3);
    expect(receiver.received[2]!.headers['webhook-id']).toBe(receiver.received[1]!.headers['webhook-id']);
    expect(receiver.received[2]!.body).toBe(receiver.received[1]!.body);
    await waitUntil(
      async () => (await listDeliveries(backend, body.query_id)).every((d) => d.status === 'delivered'),
      5000,
      'both delivered',
    );
    const rows = await listDeliveries(backend, body.query_id);
    expect(rows.map((row) => [row.type, row.attempts])).toEqual([
      ['query.completed', 1],
      ['query.feedback', 2],
    ]);
  });

  it('limits ratings per conversation like queries: each change is a webhook', async () => {
    const backend = await startTestBackend({ rateLimit: 3 });
    const body = await answered(backend);
    const rate = (rating: string) => postAction(backend, body.query_id, 'feedback', { conversation_id: body.conversation_id, rating });
    for (const rating of ['up', 'down', 'up']) expect((await rate(rating)).status).toBe(200);
    const refused = await rate('down');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('a rating survives a restart: the same rating after it sends nothing', async () => {
    const receiver = await startReceiver(QUERY_EVENTS);
    const first = await startTestBackend({ webhookUrl: receiver.url });
    const body = await answered(first);
    await postAction(first, body.query_id, 'feedback', { conversation_id: body.conversation_id, rating: 'down' });
    await receiver.waitForCount(2);
    await waitForDelivery(first, body.query_id, () => true);
    await first.close();
    const second = await startTestBackend({ webhookUrl: receiver.url, dataDir: first.dataDir });
    expect((await postAction(second, body.query_id, 'feedback', { conversation_id: body.conversation_id, rating: 'down' })).status).toBe(
      200,
    );
    await sleep(300);
    expect(receiver.received).toHaveLength(2);
  });
});
