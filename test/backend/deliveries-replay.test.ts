import { describe, expect, it } from 'vitest';
import { DELIVERIES_PATH } from '../../demo/backend/protocol.js';
import { verifyWebhook } from '../../src/server/index.js';
import {
  type ApiDelivery,
  type ReceivedWebhook,
  COMPLETIONS,
  listDeliveries,
  postQuery,
  queryBody,
  readSse,
  sleep,
  startReceiver,
  startTestBackend,
  waitForDelivery,
} from './helpers.js';

const SECRET_A = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SECRET_B = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

interface ReplayAnswer {
  status: number;
  body: { delivery?: ApiDelivery & { replays: number }; error?: { code: string; message: string } };
  headers: Headers;
}

async function replay(backend: { url: string }, id: string, secret: string | undefined): Promise<ReplayAnswer> {
  const response = await fetch(`${backend.url}${DELIVERIES_PATH}/${encodeURIComponent(id)}/replay`, {
    method: 'POST',
    headers: secret === undefined ? {} : { authorization: `Bearer ${secret}` },
  });
  return { status: response.status, body: (await response.json()) as ReplayAnswer['body'], headers: response.headers };
}

/** Sends one query to agent `demo` and returns its query_id once its webhook row exists. */
async function askOnce(backend: Parameters<typeof postQuery>[0], agent = 'demo'): Promise<string> {
  const body = queryBody();
  await readSse(await postQuery(backend, body, { agent }));
  return body.query_id;
}

const header = (webhook: ReceivedWebhook, name: string) => String(webhook.headers[name]);

describe('POST /v1/deliveries/{id}/replay', () => {
  it('requires the webhook secret as a bearer token (401), before saying whether the id exists', async () => {
    const backend = await startTestBackend();
    for (const secret of [undefined, 'whsec_notthesecret0000', backend.config.agents[0]!.webhookSecret.replace(/.$/, 'x')]) {
      for (const id of ['evt_nonexistent', 'anything']) {
        const answer = await replay(backend, id, secret);
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(answer.body.error?.code).toBe('unauthorized');
      }
    }
    const wrongMethod = await fetch(`${backend.url}${DELIVERIES_PATH}/evt_x/replay`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it("answers 404 unknown_delivery for an unknown id and for another agent's delivery", async () => {
    const receiver = await startReceiver(() => ({ status: 500 }), COMPLETIONS);
    const backend = await startTestBackend({
      agentEntries: { a: { webhookUrl: receiver.url, webhookSecret: SECRET_A }, b: { webhookUrl: receiver.url, webhookSecret: SECRET_B } },
      retrySchedule: [],
    });
    const queryOfB = await askOnce(backend, 'b');
    const asB = { url: backend.url, config: { agents: [{ webhookSecret: SECRET_B }] } };
    const deliveryOfB = await waitForDelivery(asB, queryOfB, (delivery) => delivery.status === 'dead');

    const unknown = await replay(backend, 'evt_does_not_exist', SECRET_A);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('unknown_delivery');
    expect(unknown.body.error?.message).toContain('evt_does_not_exist');
    // b's delivery exists, but a's token cannot see it: the same answer as for no delivery at all.
    const other = await replay(backend, deliveryOfB.id, SECRET_A);
    expect(other.status).toBe(404);
    expect(other.body.error?.code).toBe('unknown_delivery');
    expect((await listDeliveries(asB, queryOfB))[0]).toMatchObject({ status: 'dead', attempts: 1, replays: 0 });
    // With b's own token it is replayed.
    expect((await replay(backend, deliveryOfB.id, SECRET_B)).status).toBe(202);
  });

  it('answers 409 delivery_pending while a delivery waits for its next attempt, and while an attempt is in flight', async () => {
    let hang = false;
    const receiver = await startReceiver(() => (hang ? { status: 200, hang: true } : { status: 500 }), COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, retrySchedule: [60_000] });
    const secret = backend.config.agents[0]!.webhookSecret;

    const waiting = await askOnce(backend);
    const delivery = await waitForDelivery(backend, waiting, (row) => row.attempts === 1);
    expect(delivery).toMatchObject({ status: 'pending' });
    expect(delivery.next_attempt_at).not.toBeNull();
    const answer = await replay(backend, delivery.id, secret);
    expect(answer.status).toBe(409);
    expect(answer.body.error?.code).toBe('delivery_pending');
    expect(answer.body.error?.message).toContain(delivery.id);

    hang = true;
    const inFlight = await askOnce(backend);
    await receiver.waitForCount(2);
    const running = (await listDeliveries(backend, inFlight))[0]!;
    expect(running).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await replay(backend, running.id, secret)).body.error?.code).toBe('delivery_pending');
    expect(receiver.received).toHaveLength(2); // neither refusal sent anything
  });

  it('sends a given-up delivery again: same webhook-id and body, fresh timestamp and signature, attempts from 0, replays counted', async () => {
    let up = false;
    const receiver = await startReceiver(() => ({ status: up ? 200 : 500 }), COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, retrySchedule: [20, 20] });
    const secret = backend.config.agents[0]!.webhookSecret;
    const queryId = await askOnce(backend);
    const dead = await waitForDelivery(backend, queryId, (row) => row.status === 'dead');
    expect(dead).toMatchObject({ attempts: 3, replays: 0 });
    expect(dead.last_error).toContain('gave up after 3 attempts');
    const before = receiver.received.at(-1)!;
    // webhook-timestamp counts seconds: start the replay in a later second than the last attempt, so a
    // fresh timestamp (and signature) is seen to differ.
    await sleep(1000 - (Date.now() % 1000) + 10);

    up = true;
    const answer = await replay(backend, dead.id, secret);
    expect(answer.status).toBe(202);
    expect(answer.body.delivery).toMatchObject({ id: dead.id, status: 'pending', attempts: 0, replays: 1, last_error: null });
    const [, , , again] = await receiver.waitForCount(4);
    expect(header(again!, 'webhook-id')).toBe(dead.id);
    expect(again!.body).toBe(before.body);
    expect(Number(header(again!, 'webhook-timestamp'))).toBeGreaterThan(Number(header(before, 'webhook-timestamp')));
    expect(header(again!, 'webhook-signature')).not.toBe(header(before, 'webhook-signature'));
    expect(() => verifyWebhook(again!.body, again!.headers, secret)).not.toThrow();

    const delivered = await waitForDelivery(backend, queryId, (row) => row.status === 'delivered');
    expect(delivered).toMatchObject({ attempts: 1, replays: 1, last_error: null });
    expect(delivered.delivered_at).not.toBeNull();
    await sleep(100);
    expect(receiver.received).toHaveLength(4); // one replay, one request
  });

  it('sends a stopped delivery (the receiver answered 410) again once asked', async () => {
    let gone = true;
    const receiver = await startReceiver(() => ({ status: gone ? 410 : 200 }), COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const queryId = await askOnce(backend);
    const stopped = await waitForDelivery(backend, queryId, (row) => row.status === 'stopped');
    gone = false;
    expect((await replay(backend, stopped.id, backend.config.agents[0]!.webhookSecret)).status).toBe(202);
    expect(await waitForDelivery(backend, queryId, (row) => row.status === 'delivered')).toMatchObject({ attempts: 1, replays: 1 });
    expect(receiver.received.map((webhook) => header(webhook, 'webhook-id'))).toEqual([stopped.id, stopped.id]);
  });

  it('a receiver that already handled the id answers 200 duplicate, and the replay is marked delivered', async () => {
    const handled = new Map<string, number>();
    const receiver = await startReceiver((webhook) => {
      const id = header(webhook, 'webhook-id');
      const runs = handled.get(id);
      if (runs !== undefined) return { status: 200, body: JSON.stringify({ ok: true, duplicate: true }) };
      handled.set(id, 1);
      return { status: 200, body: JSON.stringify({ ok: true }) };
    }, COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const secret = backend.config.agents[0]!.webhookSecret;
    const queryId = await askOnce(backend);
    const first = await waitForDelivery(backend, queryId, (row) => row.status === 'delivered');
    expect(first).toMatchObject({ attempts: 1, replays: 0 });

    // A delivered webhook may be replayed too (the receiver dedupes by webhook-id), as many times as asked.
    for (let round = 1; round <= 2; round++) {
      const answer = await replay(backend, first.id, secret);
      expect(answer.status).toBe(202);
      await receiver.waitForCount(1 + round);
      const row = await waitForDelivery(backend, queryId, (delivery) => delivery.status === 'delivered' && delivery.replays === round);
      expect(row).toMatchObject({ attempts: 1, last_error: null });
    }
    expect(receiver.received.map((webhook) => header(webhook, 'webhook-id'))).toEqual([first.id, first.id, first.id]);
    expect(handled.size).toBe(1);
  });
});
