import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { createClient } from 'redis';
import { Webhook } from 'standardwebhooks';
import type { QueryCompletedEvent } from '../src/contract/webhook-events.js';
import { createMemoryDedupeStore, createWebhookHandler, type WebhookDedupeStore } from '../src/server/index.js';
import { createPostgresDedupeStore } from '../src/server/postgres/index.js';
import { createRedisDedupeStore } from '../src/server/redis/index.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { startRedis } from '../test/support/redis-server.js';

// `npm run bench:receiver`: verified webhooks per second through createWebhookHandler (called in-process with a
// Fetch Request, as a route is) on each store, beside the standardwebhooks library's verify alone on the same
// signed bodies, in the same run. Each row has a fresh store and runs for ROW_MS; Redis and PostgreSQL are
// throwaway servers on loopback ports, started and stopped here (PostgreSQL with fsync off, so its figure is
// an upper bound for a database that writes to disk).

const ROW_MS = 3_000;
const WARMUP = 500;
const CONCURRENCY = 16;
const DELIVERIES = 60_000;

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const signer = new Webhook(secret);

/** Signed query.completed deliveries with distinct webhook-ids, about the size the reference backend sends. */
function signedDeliveries(count: number) {
  const at = new Date();
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return Array.from({ length: count }, (_, index) => {
    const id = `msg_bench${index.toString(36).padStart(8, '0')}`;
    const event: QueryCompletedEvent = {
      type: 'query.completed',
      id: `evt_bench${index.toString(36).padStart(8, '0')}`,
      created_at: at.toISOString(),
      data: {
        agent_id: 'demo',
        query_id: `q_bench${index.toString(36).padStart(8, '0')}`,
        conversation_id: 'c_bench0001',
        input: 'Where is my order? It was due on Tuesday and the tracking page says nothing.',
        output: 'Your order left the warehouse on Monday; the carrier expects to deliver it tomorrow before noon.',
        status: 'completed',
        sources: [{ title: 'Orders help', url: 'https://shop.example/help/orders' }],
        params: { user_id: 'u_42', session_id: 's_1', plan: 'pro', seats: 3, trial: false, referrer: null },
        context: { page_url: 'https://shop.example/orders' },
      },
    };
    const body = JSON.stringify(event);
    const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signer.sign(id, at, body) };
    return { id, body, headers };
  });
}

interface Row {
  name: string;
  perSecond: number;
  count: number;
  /** Mean time from a delivery's start to its answer, ms. */
  meanMs: number;
}

/** standardwebhooks' verify on each body in turn, from the first again when all were verified (synchronous: concurrency changes nothing). */
function verifyAlone(deliveries: ReturnType<typeof signedDeliveries>): Row {
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < ROW_MS) {
    const { body, headers } = deliveries[count % deliveries.length]!;
    signer.verify(body, headers);
    count++;
  }
  const seconds = (performance.now() - started) / 1000;
  return { name: 'standardwebhooks verify alone', perSecond: count / seconds, count, meanMs: (seconds * 1000) / count };
}

/** Delivers each body once through a handler on `store`, CONCURRENCY at a time, for ROW_MS; every answer must be a 200 that ran the handler. */
async function throughHandler(
  name: string,
  deliveries: ReturnType<typeof signedDeliveries>,
  store: WebhookDedupeStore | undefined,
  onEvent: Parameters<typeof createWebhookHandler>[0]['onEvent'] = () => {},
): Promise<Row> {
  let runs = 0;
  const handle = createWebhookHandler({
    secret,
    store,
    async onEvent(event, request, context) {
      runs++;
      await onEvent(event, request, context);
    },
  });
  const deliver = async (index: number) => {
    const { body, headers } = deliveries[index]!;
    const response = await handle(new Request('http://127.0.0.1/webhooks/aicado', { method: 'POST', headers, body }));
    if (response.status !== 200) throw new Error(`${name}: delivery ${index} answered ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  // Warm-up on the last bodies (JIT, pools' connections, the Postgres table), outside the figures.
  const warmFrom = deliveries.length - WARMUP;
  for (let index = warmFrom; index < deliveries.length; index += CONCURRENCY)
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, deliveries.length - index) }, (_, k) => deliver(index + k)));
  runs = 0;

  let next = 0;
  let totalMs = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < warmFrom && performance.now() - started < ROW_MS) {
        const index = next++;
        const at = performance.now();
        await deliver(index);
        totalMs += performance.now() - at;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (runs !== next) throw new Error(`${name}: ${next} deliveries ran the handler ${runs} times`);
  return { name, perSecond: next / seconds, count: next, meanMs: totalMs / next };
}

const [redisServer, postgresServer] = await Promise.all([startRedis(), startPostgres()]);
const redis = await createClient({ url: redisServer.url, disableOfflineQueue: true }).connect();
const pool = new pg.Pool({ connectionString: postgresServer.connectionString, max: CONCURRENCY });
pool.on('error', (error) => console.error('postgres pool', error));
try {
  await pool.query('CREATE TABLE answers (webhook_id text NOT NULL, query_id text NOT NULL, output text NOT NULL)');
  const deliveries = signedDeliveries(DELIVERIES);
  const rows: Row[] = [];
  const add = (row: Row) => {
    rows.push(row);
    console.log(`  ${row.name}: ${Math.round(row.perSecond).toLocaleString('en')}/s`);
  };
  console.log(
    `Receiving ${DELIVERIES.toLocaleString('en')} signed webhooks (${deliveries[0]!.body.length} B bodies), ${ROW_MS / 1000} s a row:`,
  );
  add(verifyAlone(deliveries));
  add(await throughHandler('createWebhookHandler, no store', deliveries, undefined));
  add(await throughHandler('createWebhookHandler, memory store', deliveries, createMemoryDedupeStore()));
  add(
    await throughHandler('createWebhookHandler, Redis store (node-redis)', deliveries, createRedisDedupeStore(redis, { prefix: 'bench:' })),
  );
  add(await throughHandler('createWebhookHandler, Postgres store', deliveries, createPostgresDedupeStore(pool, { table: 'bench_plain' })));
  add(
    await throughHandler(
      'createWebhookHandler, Postgres store, a row through tx',
      deliveries,
      createPostgresDedupeStore(pool, { table: 'bench_tx' }),
      async (event, request, { tx }) => {
        if (event.type !== 'query.completed') return;
        await (tx as pg.PoolClient).query('INSERT INTO answers (webhook_id, query_id, output) VALUES ($1, $2, $3)', [
          request.headers.get('webhook-id'),
          event.data.query_id,
          event.data.output,
        ]);
      },
    ),
  );
  const { rows: written } = await pool.query('SELECT count(*)::int AS n, count(DISTINCT webhook_id)::int AS ids FROM answers');
  const width = Math.max(...rows.map((row) => row.name.length));
  const base = rows[0]!.perSecond;
  console.log(
    `\nNode ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), handler calls ${CONCURRENCY} at a time, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(`${'row'.padEnd(width)} | webhooks/s | mean ms | of verify alone | handled`);
  console.log(`${'-'.repeat(width)} | ---------- | ------- | --------------- | -------`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(width)} | ${Math.round(row.perSecond).toLocaleString('en').padStart(10)} | ${row.meanMs.toFixed(3).padStart(7)} | ${`${((row.perSecond / base) * 100).toFixed(1)} %`.padStart(15)} | ${row.count.toLocaleString('en').padStart(7)}`,
    );
  }
  console.log(`\nRows written through tx, with the warm-up's: ${written[0].n} for ${written[0].ids} webhook-ids.`);
} finally {
  await redis.quit().catch(() => {});
  await pool.end().catch(() => {});
  await Promise.all([redisServer.stop(), postgresServer.dispose()]);
}
