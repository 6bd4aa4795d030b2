import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebhookOutbox } from '../../demo/backend/outbox.js';
import { BackendStore } from '../../demo/backend/store.js';
import { postQuery, queryBody, startTestBackend, tempDir, waitForDelivery, waitUntil } from './helpers.js';

const MB = 1024 * 1024;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** A receiver that answers every webhook with `status` and a body of `bodyBytes`, written as fast as it is read. */
async function startFloodingReceiver(status: number, bodyBytes: number) {
  const stats = { requests: 0, written: 0 };
  const chunk = Buffer.alloc(64 * 1024, 'A');
  const server = createServer((req, res) => {
    stats.requests++;
    req.resume();
    res.writeHead(status, { 'content-type': 'text/plain' });
    let left = bodyBytes;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const size = Math.min(chunk.length, left);
        left -= size;
        stats.written += size;
        if (!res.write(size === chunk.length ? chunk : chunk.subarray(0, size))) return void res.once('drain', pump);
      }
      if (left <= 0) res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`, stats };
}

describe('webhook outbox bounds', () => {
  it('reads at most a few hundred bytes of an error body: a 256 MB answer adds < 50 MB RSS', async () => {
    const receiver = await startFloodingReceiver(500, 256 * MB);
    const backend = await startTestBackend({ webhookUrl: receiver.url, retrySchedule: [60_000] });
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);
    onTestFinished(() => clearInterval(sampler));
    const body = queryBody();
    expect((await postQuery(backend, body, { accept: 'application/json' })).status).toBe(200);
    const delivery = await waitForDelivery(backend, body.query_id, (d) => d.attempts === 1, 20_000);
    clearInterval(sampler);
    const addedMb = (Math.max(peak, process.memoryUsage.rss()) - before) / MB;
    console.log(`256 MB error body: +${addedMb.toFixed(1)} MB RSS, receiver wrote ${(receiver.stats.written / MB).toFixed(1)} MB`);
    expect(delivery.status).toBe('pending');
    expect(delivery.last_error).toMatch(/^HTTP 500: A+$/);
    expect(delivery.last_error!.length).toBeLessThanOrEqual('HTTP 500: '.length + 200);
    expect(addedMb).toBeLessThan(50);
    expect(receiver.stats.written).toBeLessThan(64 * MB);
  });

  it('keeps pace with 200 commits/s to a receiver taking 100 ms per answer, however often wake() is called', async () => {
    const received: { at: number; id: string }[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ at: Date.now(), id: String(req.headers['webhook-id']) });
        setTimeout(() => res.writeHead(204).end(), 100); // a real receiver stores the event before it answers
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const store = new BackendStore(tempDir());
    onTestFinished(() => store.close());
    const outbox = new WebhookOutbox({
      store,
      endpointOf: () => ({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`, secret: SECRET }),
      retrySchedule: [50],
      timeoutMs: 2000,
      log: () => undefined,
    });
    onTestFinished(() => outbox.close());
    outbox.start();

    // A backend committing 2,000 queries a second calls wake() every 0.5 ms (re-arming a timer each time
    // starved delivery); here it is called that often for 1.5 s, while rows are committed at a rate this
    // one process can sign and send even on a busy machine.
    const RATE = 200;
    const WAKE_EVERY_MS = 0.5;
    const DURATION_MS = 1500;
    const committedAt = new Map<string, number>();
    const started = performance.now();
    let lastWake = 0;
    await new Promise<void>((resolve) => {
      const step = () => {
        const elapsed = performance.now() - started;
        if (elapsed >= DURATION_MS) return resolve();
        while (committedAt.size < (elapsed * RATE) / 1000) commit(store, committedAt);
        if (elapsed - lastWake >= WAKE_EVERY_MS) {
          lastWake = elapsed;
          outbox.wake();
        }
        setImmediate(step);
      };
      step();
    });
    const deliveredDuringCommits = new Set(received.map((webhook) => webhook.id)).size;
    const committed = committedAt.size;
    await waitUntil(
      () => new Set(received.map((webhook) => webhook.id)).size >= committed,
      10_000,
      () => `${committed} deliveries, got ${received.length}`,
    );

    const lags = received.map((webhook) => webhook.at - (committedAt.get(webhook.id) ?? 0)).sort((a, b) => a - b);
    const p99 = lags[Math.floor(lags.length * 0.99)] ?? Infinity;
    console.log(`${committed} commits in ${DURATION_MS} ms: ${deliveredDuringCommits} delivered meanwhile, lag p99 ${p99} ms`);
    expect(deliveredDuringCommits).toBeGreaterThan(committed * 0.6);
    expect(p99).toBeLessThan(1000);
    expect(new Set(received.map((webhook) => webhook.id)).size).toBe(committed);
  });
});

let sequence = 0;
function commit(store: BackendStore, committedAt: Map<string, number>): void {
  const id = `evt_load${++sequence}${Math.random().toString(36).slice(2, 8)}`;
  const queryId = `q_${id.slice(4)}`;
  const now = Date.now();
  store.completeQuery(
    {
      query_id: queryId,
      agent_id: 'demo',
      conversation_id: 'c_loadtest1',
      fingerprint: id,
      input: 'x',
      params: '{}',
      verified_params: null,
      output: 'y',
      status: 'completed',
      sources: '[]',
      created_at: now,
    },
    { id, query_id: queryId, type: 'query.completed', body: JSON.stringify({ id }), created_at: now },
  );
  committedAt.set(id, now);
}
