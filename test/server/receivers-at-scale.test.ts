// The multi-instance proof: four receiver processes behind a round-robin proxy that delivers every webhook to
// two instances at the same moment; the reference backend's outbox sends 2,000 webhooks with its own retry
// rule (at least once); the handler fails the first run of 10 % of ids and sleeps past the sender's timeout
// on 5 %; one instance is killed with SIGKILL mid-run and restarted. On the shared Postgres store every id
// ends with exactly one row in the app's results table (written through `tx`) and one handled mark in Redis;
// on a memory store per process (the design a shared store replaces) the same run lets doubles through.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookOutbox } from '../../demo/backend/outbox.js';
import { BackendStore } from '../../demo/backend/store.js';
import { completedEventFor } from '../../demo/backend/webhook-events.js';
import { type DuplicatingProxy, startDuplicatingProxy } from '../support/duplicating-proxy.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { killMidRun, type ReceiverProcess, startReceiverProcess, stopReceiverProcess } from '../support/receiver-fleet.js';
import type { ReceiverConfig } from '../support/receiver-instance.js';
import { type RedisServer, startRedis } from '../support/redis-server.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const WEBHOOKS = 2_000;
const INSTANCES = 4;
const TIMEOUT_MS = 1_000;
/** Short waits, and enough of them that no delivery runs out of attempts while an instance restarts. */
const RETRY_SCHEDULE = [100, 250, 500, ...Array<number>(20).fill(1_000)];
const DELIVERED_WITHIN_MS = 60_000;

let redisServer: RedisServer;
let postgresServer: PostgresServer;

beforeAll(async () => {
  [redisServer, postgresServer] = await Promise.all([startRedis(), startPostgres()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([redisServer?.stop(), postgresServer?.dispose()]);
}, 30_000);

interface ProofCounts {
  sent: number;
  attempts: number;
  forwards: number;
  handled: number;
  duplicates: number;
  byStatus: Record<string, number>;
  senderTimeouts: number;
  /** Deliveries the killed instance was handling when it died. */
  killedInFlight: number;
  handlerRuns: number;
  rows: number;
  idsWithoutRow: number;
  idsWithSeveralRows: number;
  idsWithoutMark: number;
  idsWithSeveralMarks: number;
  undelivered: number;
  seconds: number;
}

/** Commits `count` query.completed events to the backend's outbox, as answered queries do. */
function commitWebhooks(store: BackendStore, count: number): string[] {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const now = Date.now();
    const query = {
      agentId: 'demo',
      queryId: `q_proof${String(index).padStart(6, '0')}`,
      conversationId: 'c_proofconversation',
      input: `question ${index}`,
      params: {},
      context: {},
    };
    const event = completedEventFor(query, { output: `answer ${index}`, status: 'completed', sources: [] }, now);
    store.completeQuery(
      {
        query_id: query.queryId,
        agent_id: query.agentId,
        conversation_id: query.conversationId,
        fingerprint: event.id,
        input: query.input,
        params: '{}',
        verified_params: null,
        output: event.data.output,
        status: 'completed',
        sources: '[]',
        created_at: now,
      },
      { id: event.id, query_id: query.queryId, type: event.type, body: JSON.stringify(event), created_at: now },
    );
    ids.push(event.id);
  }
  return ids;
}

async function waitFor(condition: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** One run of the proof on the given store; everything it started is stopped before it returns. */
async function runProof(store: ReceiverConfig['store']): Promise<ProofCounts> {
  const started = performance.now();
  const base: Omit<ReceiverConfig, 'name'> = {
    store,
    secret: SECRET,
    postgres: postgresServer.connectionString,
    redis: redisServer.url,
    results: `proof_results_${store}`,
    deliveries: `proof_deliveries_${store}`,
    keys: `proof:${store}:`,
    failPercent: 10,
    slowPercent: 5,
    slowMs: TIMEOUT_MS + 500,
    leaseMs: 10_000,
  };
  const pool = new pg.Pool({ connectionString: postgresServer.connectionString, max: 2 });
  const redis = createClient({ url: redisServer.url });
  const dataDir = mkdtempSync(join(tmpdir(), 'aicado-proof-'));
  const receivers: ReceiverProcess[] = [];
  let proxy: DuplicatingProxy | undefined;
  let outbox: WebhookOutbox | undefined;
  const backend = new BackendStore(dataDir);
  try {
    await redis.connect();
    await pool.query(`CREATE TABLE ${base.results} (webhook_id text NOT NULL, receiver text NOT NULL)`);
    receivers.push(
      ...(await Promise.all(Array.from({ length: INSTANCES }, (_, index) => startReceiverProcess({ ...base, name: `r${index}` })))),
    );
    const activeProxy = (proxy = await startDuplicatingProxy(receivers.map((receiver) => receiver.port)));
    const ids = commitWebhooks(backend, WEBHOOKS);
    // The reference backend's own outbox: it signs each attempt, times it out and retries by its schedule
    // (honouring retry-after), exactly as the backend process does, without a model run per webhook.
    outbox = new WebhookOutbox({
      store: backend,
      endpointOf: () => ({ url: activeProxy.url, secret: SECRET }),
      retrySchedule: RETRY_SCHEDULE,
      timeoutMs: TIMEOUT_MS,
      maxConcurrent: 64,
      pollIntervalMs: 100,
      log: () => undefined,
    });
    outbox.start();

    // A third of the way through, instance 1 dies holding claims and uncommitted rows, and comes back.
    expect(await waitFor(() => activeProxy.acknowledged.size >= WEBHOOKS / 3, DELIVERED_WITHIN_MS)).toBe(true);
    const victim = receivers[1] as ReceiverProcess;
    const killedInFlight = await killMidRun(victim);
    await new Promise((resolve) => setTimeout(resolve, 300));
    receivers[1] = await startReceiverProcess({ ...base, name: 'r1-restarted' });
    activeProxy.setPort(1, receivers[1].port);

    const undelivered = () =>
      backend.listDeliveries({ agentIds: ['demo'], afterRowid: 0, limit: WEBHOOKS }).rows.filter((row) => row.status !== 'delivered')
        .length;
    await waitFor(() => undelivered() === 0, DELIVERED_WITHIN_MS);
    // Copies still being handled (a slow one) finish before anything is counted.
    await waitFor(() => activeProxy.inFlight() === 0, 10_000);

    const rowCounts = new Map<string, number>();
    const { rows } = await pool.query<{ webhook_id: string; n: string }>(
      `SELECT webhook_id, count(*) AS n FROM ${base.results} GROUP BY webhook_id`,
    );
    for (const row of rows) rowCounts.set(row.webhook_id, Number(row.n));
    const marks = await redis.mGet(ids.map((id) => `${base.keys}handled:${id}`));
    const { counts } = activeProxy;
    return {
      sent: ids.length,
      attempts: counts.attempts,
      forwards: counts.forwards,
      handled: counts.handled,
      duplicates: counts.duplicates,
      byStatus: counts.byStatus,
      senderTimeouts: counts.senderTimeouts,
      killedInFlight,
      handlerRuns: Number(await redis.get(`${base.keys}runs`)),
      rows: [...rowCounts.values()].reduce((sum, n) => sum + n, 0),
      idsWithoutRow: ids.filter((id) => !rowCounts.has(id)).length,
      idsWithSeveralRows: ids.filter((id) => (rowCounts.get(id) ?? 0) > 1).length,
      idsWithoutMark: marks.filter((mark) => mark === null).length,
      idsWithSeveralMarks: marks.filter((mark) => Number(mark) > 1).length,
      undelivered: undelivered(),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } catch (error) {
    const logs = receivers.map((receiver, index) => `r${index}: ${receiver.log().split('\n').slice(-5).join('\n')}`).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nreceivers' last lines:\n${logs}`, { cause: error });
  } finally {
    await outbox?.close();
    backend.close();
    await proxy?.close();
    await Promise.all(receivers.map((receiver) => stopReceiverProcess(receiver)));
    await Promise.all([pool.end(), redis.isOpen ? redis.quit() : undefined]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('four receiver instances, every delivery landing on two at once, one killed mid-run', () => {
  it('on the shared Postgres store: each of 2,000 ids has exactly one row (through tx) and one handled mark', async () => {
    const counts = await runProof('postgres');
    console.log('postgres store', JSON.stringify(counts));
    expect(counts.undelivered).toBe(0);
    expect(counts).toMatchObject({ idsWithoutRow: 0, idsWithSeveralRows: 0, idsWithoutMark: 0, idsWithSeveralMarks: 0 });
    expect(counts.rows).toBe(WEBHOOKS);
    // The faults did happen: failed first runs, slow ones past the timeout, refused duplicates, the kill.
    expect(counts.byStatus['500']).toBeGreaterThan(0);
    expect(counts.senderTimeouts).toBeGreaterThan(0);
    expect(counts.byStatus['409']).toBeGreaterThan(0);
    expect(counts.duplicates).toBeGreaterThan(0);
    expect(counts.byStatus.unreachable).toBeGreaterThan(0);
    expect(counts.handlerRuns).toBeGreaterThan(WEBHOOKS);
  }, 90_000);

  it('on a memory store per process: the same run handles some ids twice', async () => {
    const counts = await runProof('memory');
    console.log('memory store per process', JSON.stringify(counts));
    expect(counts.undelivered).toBe(0);
    expect(counts.idsWithSeveralRows).toBeGreaterThan(0);
    expect(counts.idsWithSeveralMarks).toBeGreaterThan(0);
  }, 90_000);
});
