// One receiver instance of the multi-instance proof (test/server/receivers-at-scale.test.ts), run as a process
// of its own with tsx: createWebhookHandler over node:http, claiming each webhook-id in a shared Postgres store
// (or, to show what a per-process store lets through, in a memory store of its own). The handler writes one
// row per event into the app's results table through `tx` and then counts one handled mark in Redis.
// Configured by the AICADO_RECEIVER environment variable (JSON, ReceiverConfig); tells its parent its port
// over IPC, and answers a 'quiesce' message once it may be killed (see quiesce below).
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createClient } from 'redis';
import { toFetchRequest } from '../../demo/host/node-request.js';
import { createMemoryDedupeStore, createWebhookHandler } from '../../src/server/index.js';
import { createPostgresDedupeStore } from '../../src/server/postgres/index.js';

export interface ReceiverConfig {
  name: string;
  store: 'postgres' | 'memory';
  secret: string;
  postgres: string;
  redis: string;
  /** The app's results table: one row per handled event, no unique constraint, so a double shows. */
  results: string;
  /** The Postgres store's own table. */
  deliveries: string;
  /** Prefix of this run's Redis keys. */
  keys: string;
  /** Share of ids (in %) whose first handler run throws. */
  failPercent: number;
  /** Share of ids (in %) whose first handler run sleeps `slowMs`, past the sender's timeout. */
  slowPercent: number;
  slowMs: number;
  leaseMs: number;
}

/** Messages between the test and an instance. */
export type ReceiverMessage = { type: 'listening'; port: number } | { type: 'quiesce' } | { type: 'quiet'; inFlight: number };

const config = JSON.parse(process.env.AICADO_RECEIVER ?? '{}') as ReceiverConfig;
const pool = new pg.Pool({ connectionString: config.postgres, max: 16 });
pool.on('error', () => {});
const redis = createClient({ url: config.redis });
await redis.connect();

/** 0–99 from the id, so the same ids fail or sleep whichever instance gets them. */
const bucketOf = (id: string) => createHash('sha256').update(id).digest().readUInt32BE(0) % 100;
/** True once per id across every instance: the first handler run of the id. */
const firstTime = async (what: string, id: string) => (await redis.set(`${config.keys}${what}:${id}`, '1', { NX: true })) === 'OK';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The Redis mark sits outside the Postgres transaction: a process killed after the mark and before the commit
// would see its row rolled back and its mark kept, and the retry would mark the id again (at least once, as
// for any write outside `tx`). So before it is killed the instance stops handlers before their mark and
// waits for those past it to end; the kill still lands on handlers holding claims and uncommitted rows.
const marking = new Set<Request>();
let quiescing = false;
let inFlight = 0;
const never = new Promise<never>(() => {});
const tellIfQuiet = () => {
  if (quiescing && marking.size === 0) process.send?.({ type: 'quiet', inFlight } satisfies ReceiverMessage);
};
process.on('message', (message: ReceiverMessage) => {
  if (message.type !== 'quiesce') return;
  quiescing = true;
  tellIfQuiet();
});

const handle = createWebhookHandler({
  secret: config.secret,
  leaseMs: config.leaseMs,
  store: config.store === 'postgres' ? createPostgresDedupeStore(pool, { table: config.deliveries }) : createMemoryDedupeStore(),
  async onEvent(_event, request, { tx }) {
    const id = request.headers.get('webhook-id') ?? '';
    await redis.incr(`${config.keys}runs`);
    const bucket = bucketOf(id);
    if (bucket < config.failPercent && (await firstTime('failed', id))) throw new Error(`the first run of ${id} fails`);
    if (bucket >= 100 - config.slowPercent && (await firstTime('slowed', id))) await sleep(config.slowMs);
    const db = (tx as pg.PoolClient | undefined) ?? pool;
    await db.query(`INSERT INTO ${config.results} (webhook_id, receiver) VALUES ($1, $2)`, [id, config.name]);
    if (quiescing) await never;
    marking.add(request);
    await redis.incr(`${config.keys}handled:${id}`);
  },
});

// The handler logs each failure with its stack, hundreds of them a run: one line each is enough.
console.error = (...args: unknown[]) =>
  process.stderr.write(`${args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ')}\n`);

const server = createServer(async (req, res) => {
  let request: Request | undefined;
  inFlight++;
  try {
    request = await toFetchRequest(req, 'http://receiver.test');
    const response = await handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    // The proxy went away mid-body, or the handler itself broke: either way not a 2xx.
    if (!res.headersSent) res.writeHead(500).end(String(error));
  } finally {
    inFlight--;
    if (request) marking.delete(request);
    tellIfQuiet();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port } satisfies ReceiverMessage);
});
