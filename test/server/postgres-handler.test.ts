// createWebhookHandler on the Postgres store, as two receiver instances with a pool each would run it, against
// a real PostgreSQL: the handler writes through `tx`, so its row and the id's completion commit together.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/server/index.js';
import { createPostgresDedupeStore } from '../../src/server/postgres/index.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { EVENT, SECRET, signed } from './fixtures.js';

let server: PostgresServer;
const pools: pg.Pool[] = [];
let tables = 0;

function newPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: server.connectionString, max: 20, connectionTimeoutMillis: 5_000 });
  // An idle connection the stopped server closes is reported here; the pool replaces it.
  pool.on('error', () => {});
  pools.push(pool);
  return pool;
}

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await server?.dispose();
}, 30_000);

/** The app's own table, and two receivers (a pool each) whose handler writes one row per event through `tx`. */
async function twoReceivers(options: { failFirst?: boolean; slowMs?: number } = {}) {
  const [table, results] = [`deliveries_${++tables}`, `results_${tables}`];
  const [poolA, poolB] = [newPool(), newPool()];
  await poolA.query(`CREATE TABLE ${results} (webhook_id text NOT NULL, receiver text NOT NULL)`);
  let failures = options.failFirst ? 1 : 0;
  const receiver = (pool: pg.Pool, name: string) =>
    createWebhookHandler({
      secret: SECRET,
      store: createPostgresDedupeStore(pool, { table }),
      async onEvent(event, request, { tx }) {
        await (tx as pg.PoolClient).query(`INSERT INTO ${results} (webhook_id, receiver) VALUES ($1, $2)`, [
          request.headers.get('webhook-id'),
          name,
        ]);
        if (options.slowMs) await new Promise((resolve) => setTimeout(resolve, options.slowMs));
        if (failures-- > 0) throw new Error(`${name} failed after writing ${event.id}`);
      },
    });
  const rows = async () => (await poolA.query(`SELECT webhook_id, receiver FROM ${results} ORDER BY webhook_id`)).rows;
  return { a: receiver(poolA, 'a'), b: receiver(poolB, 'b'), rows };
}

const delivery = (id: string) => {
  const { body, headers } = signed(JSON.stringify({ ...EVENT, id: `evt_${id}` }), { id });
  return () => new Request('http://receiver.test/webhooks/aicado', { method: 'POST', headers, body });
};

describe('createWebhookHandler on the Postgres store', () => {
  it('writes exactly one row when two receivers get the same delivery at the same moment', async () => {
    const { a, b, rows } = await twoReceivers({ slowMs: 20 });
    const ids = Array.from({ length: 30 }, (_, i) => `msg_both_${String(i).padStart(2, '0')}`);
    const answers = await Promise.all(
      ids.map(async (id) => {
        const request = delivery(id);
        const responses = await Promise.all([a(request()), b(request())]);
        return Promise.all(responses.map(async (response) => `${response.status} ${JSON.stringify(await response.json())}`));
      }),
    );
    for (const pair of answers) {
      // One ran the handler; the other was told the id is held (409) or, if it came after the commit, done.
      expect(pair).toContain('200 {"ok":true}');
      expect(pair.filter((answer) => answer === '200 {"ok":true}')).toHaveLength(1);
    }
    expect((await rows()).map((row) => row.webhook_id)).toEqual(ids);
    // Retries after the fact, to either receiver: acknowledged, nothing written.
    for (const id of ids.slice(0, 5)) {
      for (const receiver of [a, b]) {
        const response = await receiver(delivery(id)());
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ ok: true, duplicate: true });
      }
    }
    expect(await rows()).toHaveLength(ids.length);
  });

  it('keeps no row of a handler that threw (500), and writes one when the retry succeeds', async () => {
    const { a, b, rows } = await twoReceivers({ failFirst: true });
    const request = delivery('msg_fails_once');
    const first = await a(request());
    expect(first.status).toBe(500);
    expect(await rows()).toEqual([]);
    const retry = await b(request());
    expect(retry.status).toBe(200);
    expect(await rows()).toEqual([{ webhook_id: 'msg_fails_once', receiver: 'b' }]);
  });

  it('answers 503 store_unavailable while Postgres is stopped, running no handler', async () => {
    const { a, rows } = await twoReceivers();
    expect((await a(delivery('msg_before_stop')())).status).toBe(200);
    expect(await rows()).toHaveLength(1);
    await server.stop();
    const response = await a(delivery('msg_while_stopped')());
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBeTruthy();
    expect(await response.json()).toMatchObject({ error: { code: 'store_unavailable' } });
  });
});
