import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/server/index.js';
import { completed } from '../support/webhook-events.js';
import { COMPLETIONS, postQuery, queryBody, readSse, sleep, startReceiver, startTestBackend, tempDir, waitForDelivery } from './helpers.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

async function completeQuery(backend: { url: string }): Promise<string> {
  const body = queryBody();
  const events = await readSse(await postQuery(backend, body));
  expect(events.at(-1)?.event).toBe('done');
  return body.query_id;
}

describe('webhook outbox', () => {
  it('retries a 500 with the same webhook-id and body, a fresh timestamp and signature, until delivered', async () => {
    const receiver = await startReceiver((_webhook, index) => (index === 0 ? { status: 500, body: 'boom' } : { status: 200 }), COMPLETIONS);
    // ≥ 1 s between attempts even with -20 % jitter, so they carry different Unix-second timestamps.
    const backend = await startTestBackend({ webhookUrl: receiver.url, webhookSecret: SECRET, retrySchedule: [1300] });
    const queryId = await completeQuery(backend);

    const delivery = await waitForDelivery(backend, queryId, (d) => d.status === 'delivered');
    expect(delivery.attempts).toBe(2);
    expect(delivery.delivered_at).not.toBeNull();
    expect(delivery.next_attempt_at).toBeNull();
    const [first, second] = receiver.received;
    if (!first || !second) throw new Error('expected two attempts');
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.headers['webhook-id']).toBe(delivery.id);
    expect(second.body).toBe(first.body);
    expect(second.headers['webhook-timestamp']).not.toBe(first.headers['webhook-timestamp']);
    expect(second.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1000);
    for (const attempt of [first, second]) expect(() => verifyWebhook(attempt.body, attempt.headers, SECRET)).not.toThrow();
  });

  it('records the failure of a pending delivery', async () => {
    const receiver = await startReceiver(() => ({ status: 503, body: 'down for maintenance' }), COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, retrySchedule: [60_000] });
    const queryId = await completeQuery(backend);
    const delivery = await waitForDelivery(backend, queryId, (d) => d.attempts === 1);
    expect(delivery.status).toBe('pending');
    expect(delivery.last_error).toBe('HTTP 503: down for maintenance');
    const wait = Date.parse(delivery.next_attempt_at ?? '') - Date.now();
    expect(wait).toBeGreaterThan(60_000 * 0.8 - 1000);
    expect(wait).toBeLessThanOrEqual(60_000 * 1.2);
  });

  it('stops on 410 Gone and never tries again', async () => {
    const receiver = await startReceiver(() => ({ status: 410 }), COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, retrySchedule: [10, 10] });
    const queryId = await completeQuery(backend);
    const delivery = await waitForDelivery(backend, queryId, (d) => d.status === 'stopped');
    await sleep(150);
    expect(receiver.received).toHaveLength(1);
    expect(delivery).toMatchObject({ attempts: 1, next_attempt_at: null });
    expect(delivery.last_error).toContain('410');
  });

  it('marks a delivery dead after the last scheduled retry; redirects count as failures', async () => {
    const receiver = await startReceiver(() => ({ status: 302, headers: { location: 'http://127.0.0.1:9/elsewhere' } }), COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, retrySchedule: [10, 10] });
    const queryId = await completeQuery(backend);
    const delivery = await waitForDelivery(backend, queryId, (d) => d.status === 'dead');
    await sleep(100);
    expect(delivery.attempts).toBe(3);
    expect(receiver.received).toHaveLength(3);
    expect(delivery.last_error).toContain('HTTP 302');
  });

  it('honours a retry-after longer than the schedule', async () => {
    const receiver = await startReceiver(
      (_webhook, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 }),
      COMPLETIONS,
    );
    const backend = await startTestBackend({ webhookUrl: receiver.url, retrySchedule: [10] });
    const queryId = await completeQuery(backend);
    await waitForDelivery(backend, queryId, (d) => d.status === 'delivered');
    const [first, second] = receiver.received;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it('times out a hanging receiver, never overlaps attempts of one row, and retries', async () => {
    const receiver = await startReceiver((_webhook, index) => (index === 0 ? { status: 200, hang: true } : { status: 200 }), COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, retrySchedule: [10], deliveryTimeoutMs: 150 });
    const queryId = await completeQuery(backend);
    const delivery = await waitForDelivery(backend, queryId, (d) => d.status === 'delivered');
    expect(delivery.attempts).toBe(2);
    expect(receiver.maxConcurrentPerId).toBe(1);
    const [first, second] = receiver.received;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(140);
  });

  it('retries network errors', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const url = receiver.url;
    await receiver.close(); // nothing listens there any more
    const backend = await startTestBackend({ webhookUrl: url, retrySchedule: [60_000] });
    const queryId = await completeQuery(backend);
    const delivery = await waitForDelivery(backend, queryId, (d) => d.attempts === 1);
    expect(delivery.status).toBe('pending');
    expect(delivery.last_error).toMatch(/^network error/);
  });

  it('keeps undelivered webhooks and answers across a restart on the same data dir', async () => {
    const dataDir = tempDir();
    const down = await startReceiver(() => ({ status: 500 }), COMPLETIONS);
    const first = await startTestBackend({ dataDir, webhookUrl: down.url, webhookSecret: SECRET, retrySchedule: [300] });
    const body = queryBody();
    const answer = (await (await postQuery(first, body, { accept: 'application/json' })).json()) as { output: string };
    await waitForDelivery(first, body.query_id, (d) => d.attempts === 1);
    await first.close();

    const up = await startReceiver(COMPLETIONS);
    const second = await startTestBackend({ dataDir, webhookUrl: up.url, webhookSecret: SECRET, retrySchedule: [300] });
    const delivery = await waitForDelivery(second, body.query_id, (d) => d.status === 'delivered');
    expect(delivery.attempts).toBe(2);
    const [before] = down.received;
    const [after] = up.received;
    expect(after!.headers['webhook-id']).toBe(before!.headers['webhook-id']);
    expect(after!.body).toBe(before!.body);
    expect(completed(verifyWebhook(after!.body, after!.headers, SECRET)).data.output).toBe(answer.output);

    // The answer is on disk too: the same query_id replays it without a second webhook.
    const replay = (await (await postQuery(second, body, { accept: 'application/json' })).json()) as { output: string };
    expect(replay.output).toBe(answer.output);
    await sleep(100);
    expect(up.received).toHaveLength(1);
  });

  it('gives an attempt cut short by close back to the queue, uncounted', async () => {
    const dataDir = tempDir();
    const hanging = await startReceiver(() => ({ status: 200, hang: true }), COMPLETIONS);
    const first = await startTestBackend({ dataDir, webhookUrl: hanging.url, deliveryTimeoutMs: 10_000 });
    const queryId = await completeQuery(first);
    await hanging.waitForCount(1);
    await first.close();

    const up = await startReceiver(COMPLETIONS);
    const second = await startTestBackend({ dataDir, webhookUrl: up.url });
    const delivery = await waitForDelivery(second, queryId, (d) => d.status === 'delivered');
    expect(delivery.attempts).toBe(1);
    expect(up.received[0]!.headers['webhook-id']).toBe(hanging.received[0]!.headers['webhook-id']);
  });
});
