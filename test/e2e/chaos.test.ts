import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchDeliveries, startBackend, type BackendProcess } from './support/backend.js';
import { shipped } from './support/dist.js';
import { newWebhookSecret } from './support/fixture.js';
import { startRestartableReceiver } from './support/restartable-receiver.js';
import { completed, ofType } from '../support/webhook-events.js';

const N = 60;
// Waits between delivery attempts: short, and long enough a list that no webhook gives up during the test.
const RETRY_SCHEDULE = Array.from({ length: 400 }, () => 100).join(',');
const DELIVERY_TIMEOUT_MS = 300;

interface Delivery {
  id: string;
  query_id: string | null;
  type: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

// Run in reverse order of registration, so processes stop before their data directory is removed.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The answers' deliveries: each query here starts its own conversation, whose conversation.started goes beside it. */
async function deliveries(backend: BackendProcess): Promise<Delivery[]> {
  return (await fetchDeliveries<Delivery>(backend)).filter((row) => row.type === 'query.completed');
}

/** Distinct params per query, every JSON type. */
function paramsFor(index: number) {
  return {
    user_id: `u_${index}`,
    session_id: `s_${index.toString(36)}`,
    index,
    ratio: index / 7,
    even: index % 2 === 0,
    coupon: index % 3 === 0 ? null : `ünï-${index}`,
  };
}

/** POSTs one query directly, as a server would, and waits for the committed answer. */
async function postQuery(backend: BackendProcess, index: number): Promise<string> {
  const query_id = `q_chaos${String(index).padStart(4, '0')}${Math.random().toString(36).slice(2, 8)}`;
  const response = await fetch(`${backend.url}/v1/agents/demo/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': query_id },
    body: JSON.stringify({ query_id, conversation_id: `c_chaos${index}xyz`, input: `question ${index}`, params: paramsFor(index) }),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { query_id: string }).query_id).toBe(query_id);
  return query_id;
}

describe('webhooks survive a failing, hanging, vanished receiver and a killed backend', () => {
  it(`delivers every one of ${N} webhooks exactly once per webhook-id, signed, with the params of its query`, async () => {
    const receiver = await startRestartableReceiver();
    cleanups.push(() => receiver.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'aicado-chaos-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const secret = newWebhookSecret();
    const launch = async () => {
      const started = await startBackend({
        webhookUrl: `${receiver.url}/webhooks`,
        webhookSecret: secret,
        dataDir,
        extra: [
          '--retry-schedule',
          RETRY_SCHEDULE,
          '--delivery-timeout-ms',
          String(DELIVERY_TIMEOUT_MS),
          '--echo-delay-ms',
          '0',
          '--rate-limit',
          '0',
        ],
      });
      cleanups.push(() => started.stop('SIGKILL'));
      return started;
    };
    const sent = new Map<string, ReturnType<typeof paramsFor>>(); // query_id → params it carried
    const send = async (backend: BackendProcess, from: number, to: number) => {
      const ids = await Promise.all(Array.from({ length: to - from }, (_, offset) => postQuery(backend, from + offset)));
      ids.forEach((id, offset) => sent.set(id, paramsFor(from + offset)));
    };

    // 1. The receiver answers 500: every delivery fails and is rescheduled.
    receiver.setBehaviour(() => ({ status: 500 }));
    let backend = await launch();
    await send(backend, 0, N / 2);
    await waitUntil('two 500s on every first-half webhook', async () => {
      const rows = await deliveries(backend);
      return rows.length === N / 2 && rows.every((row) => row.attempts >= 2 && row.last_error?.startsWith('HTTP 500') === true);
    });

    // 2. The receiver hangs: attempts time out. The second half of the queries arrives meanwhile.
    receiver.setBehaviour(() => 'hang');
    await send(backend, N / 2, N);
    await waitUntil('delivery attempts timing out', async () => {
      const rows = await deliveries(backend);
      return rows.filter((row) => row.last_error?.includes(`timed out after ${DELIVERY_TIMEOUT_MS} ms`)).length >= 8;
    });

    // 3. SIGKILL while attempts are in flight (held open by the hanging receiver), then the receiver goes away.
    await waitUntil('attempts in flight', () => receiver.hangingCount > 0);
    await backend.stop('SIGKILL');
    expect(backend.child.signalCode).toBe('SIGKILL');
    await receiver.stop();

    // 4. The backend restarts on the same data: the outbox is intact and retries against a refused port.
    backend = await launch();
    expect((await deliveries(backend)).length).toBe(N);
    await waitUntil('connection-refused attempts after the restart', async () =>
      (await deliveries(backend)).some((row) => row.last_error?.startsWith('network error') === true),
    );
    const beforeComeback = await deliveries(backend);
    expect(beforeComeback.filter((row) => row.status === 'delivered')).toEqual([]);
    expect(beforeComeback.every((row) => row.status === 'pending')).toBe(true);

    // 5. The receiver comes back on the same port and accepts: everything arrives.
    receiver.setBehaviour(() => ({ status: 200 }));
    await receiver.restart();
    await waitUntil(
      `all ${N} deliveries marked delivered`,
      async () => (await deliveries(backend)).every((row) => row.status === 'delivered'),
      15_000,
    );

    // Every conversation's start went through the same chaos, and arrived too.
    const starts = (await fetchDeliveries<Delivery>(backend)).filter((row) => row.type === 'conversation.started');
    expect(starts).toHaveLength(N);
    await waitUntil('every conversation.started delivered', async () =>
      (await fetchDeliveries<Delivery>(backend)).every((row) => row.status === 'delivered'),
    );
    const attempts = ofType(receiver.attempts, 'query.completed');
    const bodiesById = new Map<string, Set<string>>();
    for (const attempt of attempts) {
      const event = shipped.verifyWebhook(attempt.body, attempt.headers, secret); // every attempt, every phase
      const id = attempt.headers['webhook-id'] ?? '';
      expect(event.id).toBe(id);
      bodiesById.set(id, (bodiesById.get(id) ?? new Set()).add(attempt.body));
    }
    // A webhook-id names one body, byte for byte, on every attempt.
    for (const bodies of bodiesById.values()) expect(bodies.size).toBe(1);

    const delivered = attempts.filter((attempt) => attempt.answer === 200);
    const deliveredIds = new Set(delivered.map((attempt) => attempt.headers['webhook-id']));
    const queryOfId = new Map<string, string>();
    for (const attempt of delivered) {
      const event = completed(shipped.verifyWebhook(attempt.body, attempt.headers, secret));
      expect(event.data.params).toStrictEqual(sent.get(event.data.query_id));
      expect(event.data.input).toBe(`question ${(sent.get(event.data.query_id) ?? { index: -1 }).index}`);
      queryOfId.set(event.id, event.data.query_id);
    }
    const deliveredQueries = new Set(queryOfId.values());

    console.log(`webhooks: ${sent.size} sent, ${deliveredQueries.size} delivered, ${deliveredIds.size} distinct`);
    console.log(
      `attempts: ${attempts.length} (${attempts.filter((a) => a.answer === 500).length} × 500, ` +
        `${attempts.filter((a) => a.answer === 'hang').length} hung, ${delivered.length} × 200)`,
    );
    expect(sent.size).toBe(N);
    expect(bodiesById.size).toBe(N); // no attempt ever carried an id outside the N
    expect(deliveredIds.size).toBe(N);
    expect(deliveredQueries).toStrictEqual(new Set(sent.keys()));
    expect(attempts.some((a) => a.answer === 500)).toBe(true);
    expect(attempts.some((a) => a.answer === 'hang')).toBe(true);
    const rows = await deliveries(backend);
    expect(new Set(rows.map((row) => row.id))).toStrictEqual(deliveredIds);
  }, 45_000);
});

describe('hostile requests to the backend process', () => {
  it('each gets its 4xx JSON error, a refused origin can read its 403 and runs nothing, and the process survives them all', async () => {
    const receiver = await startRestartableReceiver();
    cleanups.push(() => receiver.close());
    const allowed = 'http://allowed.example';
    const backend = await startBackend({
      webhookUrl: `${receiver.url}/webhooks`,
      webhookSecret: newWebhookSecret(),
      allowedOrigins: [allowed],
      extra: ['--rate-limit', '2', '--echo-delay-ms', '0'],
    });
    cleanups.push(() => rmSync(backend.dataDir, { recursive: true, force: true })); // after the stop below
    cleanups.push(() => backend.stop());
    const queries = `${backend.url}/v1/agents/demo/queries`;
    const query = (suffix: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        query_id: `q_hostile${suffix}`,
        conversation_id: 'c_hostile0001',
        input: 'hi',
        params: { user_id: 'u_1' },
        ...extra,
      });
    const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}, url = queries) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body });
    const errorCode = async (response: Response) => {
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      return ((await response.json()) as { error: { code: string } }).error.code;
    };

    // Over 64 KiB: declared, and streamed without a content-length.
    const big = await post(query('big00001', { context: { page_url: 'x'.repeat(70 * 1024) } }));
    expect([big.status, await errorCode(big)]).toEqual([413, 'body_too_large']);
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { hostname, port } = new URL(backend.url);
      const req = httpRequest(
        { host: hostname, port, method: 'POST', path: '/v1/agents/demo/queries', headers: { 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 12; i++) req.write('x'.repeat(8 * 1024));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(streamed.body).toContain('body_too_large');

    for (const malformed of ['{"query_id": "q_', '', 'null,', '\u0000', new Uint8Array([0xff, 0xfe, 0x7b])]) {
      const response = await post(malformed);
      expect([response.status, await errorCode(response)]).toEqual([400, 'invalid_json']);
    }
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await post(query('type0001'), { 'content-type': type });
      expect([response.status, await errorCode(response)]).toEqual([415, 'unsupported_media_type']);
    }
    const unknown = await post(query('agent001'), {}, `${backend.url}/v1/agents/nope/queries`);
    expect([unknown.status, await errorCode(unknown)]).toEqual([404, 'unknown_agent']);

    // A refused origin may send its preflight, so that its page can read the refusal, which carries no
    // data and runs nothing: no credentials are ever granted.
    const evil = 'http://evil.example';
    const preflight = await fetch(queries, {
      method: 'OPTIONS',
      headers: { origin: evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, idempotency-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const refused = await post(query('origin01'), { origin: evil });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe(evil);
    expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
    expect(await errorCode(refused)).toBe('origin_not_allowed');
    expect(await fetchDeliveries(backend, 'q_hostileorigin01')).toEqual([]);

    // Per-conversation rate limit: a browser on an allowed origin can read retry-after.
    for (const suffix of ['rate0001', 'rate0002']) expect((await post(query(suffix), { origin: allowed })).status).toBe(200);
    const limited = await post(query('rate0003'), { origin: allowed });
    expect([limited.status, await errorCode(limited)]).toEqual([429, 'rate_limited']);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(limited.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('retry-after');
    const otherConversation = await post(query('rate0004', { conversation_id: 'c_hostile0002' }), { origin: allowed });
    expect(otherConversation.status).toBe(200);

    // Still the same process, still answering, nothing logged as unexpected.
    expect(backend.child.exitCode).toBeNull();
    expect(backend.child.signalCode).toBeNull();
    expect(await (await fetch(`${backend.url}/healthz`)).json()).toEqual({ ok: true });
    expect(backend.output()).not.toMatch(/unexpected error|uncaught|unhandled/i);
  });
});
