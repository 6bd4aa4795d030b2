// The Postgres dedupe store against a real PostgreSQL (test/support/postgres-server.ts), through two pools
// where two receiver instances would have one each.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDedupeStore } from '../../src/server/postgres/index.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';

const POSTGRES_SOURCES = fileURLToPath(new URL('../../src/server/postgres/', import.meta.url));

let server: PostgresServer;
let poolA: pg.Pool;
let poolB: pg.Pool;
let tables = 0;
/** A table of its own for each test, so that no test sees another's ids. */
const freshTable = () => `deliveries_${++tables}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startPostgres();
  poolA = new pg.Pool({ connectionString: server.connectionString, max: 20 });
  poolB = new pg.Pool({ connectionString: server.connectionString, max: 20 });
}, 60_000);

afterAll(async () => {
  await Promise.all([poolA?.end(), poolB?.end()]);
  await server?.dispose();
}, 30_000);

describe('aicado-embed/server/postgres entry', () => {
  it('exports exactly createPostgresDedupeStore, from an index of re-exports', async () => {
    expect(Object.keys(await import('../../src/server/postgres/index.js'))).toEqual(['createPostgresDedupeStore']);
    const lines = readFileSync(join(POSTGRES_SOURCES, 'index.ts'), 'utf8').split('\n').filter(Boolean);
    expect(lines.every((line) => /^export (type )?\{[^}]*\} from '[^']+';$/.test(line))).toBe(true);
  });

  it('imports no pg (it takes the pool) and nothing outside the package', () => {
    for (const file of readdirSync(POSTGRES_SOURCES)) {
      const specifiers = [...readFileSync(join(POSTGRES_SOURCES, file), 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      expect(
        specifiers.filter((specifier) => !specifier?.startsWith('.')),
        file,
      ).toEqual([]);
    }
  });
});

describe('createPostgresDedupeStore: arguments', () => {
  it('refuses anything but a Pool, naming what it expects', async () => {
    for (const value of [undefined, null, 'postgres://localhost', {}, { query() {} }]) {
      expect(() => createPostgresDedupeStore(value as never)).toThrow(/expects a pg Pool \(an object with query\(\) and connect\(\)/);
    }
    const client = new pg.Client({ connectionString: server.connectionString });
    expect(() => createPostgresDedupeStore(client as never)).toThrow(/got a pg Client/);
  });

  it('refuses a table that is not a plain SQL identifier, optionally schema-qualified', () => {
    for (const table of ['', '1st', 'a-b', 'a.b.c', 'x; DROP TABLE users', '"quoted"', 'a'.repeat(64), 42]) {
      expect(() => createPostgresDedupeStore(poolA, { table: table as string })).toThrow(/table must be a plain SQL identifier/);
    }
  });

  it('creates its table on first use, also in a schema of the app', async () => {
    await poolA.query('CREATE SCHEMA IF NOT EXISTS receiver');
    const store = createPostgresDedupeStore(poolA, { table: 'receiver.Deliveries' });
    expect(await store.claim('msg_schema', 60_000)).toBe('claimed');
    const { rows } = await poolA.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'receiver' AND table_name = 'Deliveries' ORDER BY ordinal_position`,
    );
    expect(rows).toEqual([
      { column_name: 'id', data_type: 'text' },
      { column_name: 'state', data_type: 'text' },
      { column_name: 'lease_until', data_type: 'timestamp with time zone' },
      { column_name: 'claim_token', data_type: 'text' },
      { column_name: 'done_at', data_type: 'timestamp with time zone' },
    ]);
  });

  it("rejects with the database's error while Postgres is unreachable", async () => {
    const unreachable = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres', connectionTimeoutMillis: 2_000 });
    const store = createPostgresDedupeStore(unreachable);
    await expect(store.claim('msg_down', 1_000)).rejects.toThrow(/ECONNREFUSED/);
    await expect(store.transaction('msg_down', 1_000, async () => {})).rejects.toThrow(/ECONNREFUSED/);
    await unreachable.end();
  });

  it('creates its table when several instances use it first at the same moment', async () => {
    for (let round = 0; round < 30; round++) {
      const table = freshTable();
      const stores = [poolA, poolB, poolA, poolB].map((pool) => createPostgresDedupeStore(pool, { table }));
      const results = await Promise.all(stores.map((store, i) => store.claim(`msg_first_${i}`, 60_000)));
      expect(results).toEqual(['claimed', 'claimed', 'claimed', 'claimed']);
    }
  });

  it('tries to create its table again on the next use when the first attempt failed', async () => {
    let failures = 1;
    const flaky = {
      query: (text: string, values?: unknown[]) =>
        failures-- > 0 ? Promise.reject(new Error('connection refused')) : poolA.query(text, values),
      connect: () => poolA.connect(),
    };
    const store = createPostgresDedupeStore(flaky, { table: freshTable() });
    await expect(store.claim('msg_flaky', 60_000)).rejects.toThrow('connection refused');
    expect(await store.claim('msg_flaky', 60_000)).toBe('claimed');
  });
});

describe('createPostgresDedupeStore: claim, complete, release', () => {
  it('claims a new id, refuses it while claimed, and remembers it done', async () => {
    const store = createPostgresDedupeStore(poolA, { table: freshTable() });
    expect(await store.claim('msg_1', 60_000)).toBe('claimed');
    expect(await store.claim('msg_1', 60_000)).toBe('busy');
    await store.complete('msg_1');
    expect(await store.claim('msg_1', 60_000)).toBe('done');
  });

  it('frees a released id for the next delivery', async () => {
    const table = freshTable();
    const [a, b] = [createPostgresDedupeStore(poolA, { table }), createPostgresDedupeStore(poolB, { table })];
    expect(await a.claim('msg_2', 60_000)).toBe('claimed');
    expect(await b.claim('msg_2', 60_000)).toBe('busy');
    await a.release('msg_2');
    expect(await b.claim('msg_2', 60_000)).toBe('claimed');
  });

  it('lets another instance take a claim over once its lease has ended', async () => {
    const table = freshTable();
    const [a, b] = [createPostgresDedupeStore(poolA, { table }), createPostgresDedupeStore(poolB, { table })];
    expect(await a.claim('msg_3', 200)).toBe('claimed');
    expect(await b.claim('msg_3', 60_000)).toBe('busy');
    await sleep(300);
    expect(await b.claim('msg_3', 60_000)).toBe('claimed');
  });

  it('ignores a late complete or release of a claim another instance took over', async () => {
    const table = freshTable();
    const [a, b, c] = [poolA, poolB, poolA].map((pool) => createPostgresDedupeStore(pool, { table }));
    expect(await a!.claim('msg_4', 100)).toBe('claimed');
    await sleep(200);
    expect(await b!.claim('msg_4', 60_000)).toBe('claimed');
    await a!.complete('msg_4'); // the process that lost its lease finishes late
    expect(await c!.claim('msg_4', 60_000)).toBe('busy');
    await a!.release('msg_4');
    expect(await c!.claim('msg_4', 60_000)).toBe('busy');
    await b!.complete('msg_4');
    expect(await c!.claim('msg_4', 60_000)).toBe('done');
  });

  it('can be asked to complete again when the first call failed', async () => {
    let failing = false;
    const flaky = {
      query: (text: string, values?: unknown[]) => (failing ? Promise.reject(new Error('connection lost')) : poolA.query(text, values)),
      connect: () => poolA.connect(),
    };
    const store = createPostgresDedupeStore(flaky, { table: freshTable() });
    expect(await store.claim('msg_again', 60_000)).toBe('claimed');
    failing = true;
    await expect(store.complete('msg_again')).rejects.toThrow('connection lost');
    failing = false;
    await store.complete('msg_again');
    expect(await store.claim('msg_again', 60_000)).toBe('done');
  });

  it('completes or releases nothing it did not claim', async () => {
    const table = freshTable();
    const [a, b] = [createPostgresDedupeStore(poolA, { table }), createPostgresDedupeStore(poolB, { table })];
    expect(await a.claim('msg_5', 60_000)).toBe('claimed');
    await b.complete('msg_5');
    await b.release('msg_5');
    expect(await b.claim('msg_5', 60_000)).toBe('busy');
  });

  it('gives each id to exactly one of two pools claiming it at the same moment', async () => {
    const table = freshTable();
    const [a, b] = [createPostgresDedupeStore(poolA, { table }), createPostgresDedupeStore(poolB, { table })];
    const ids = Array.from({ length: 50 }, (_, i) => `msg_race_${i}`);
    const results = await Promise.all(ids.map((id) => Promise.all([a.claim(id, 60_000), b.claim(id, 60_000)])));
    for (const pair of results) expect(pair.sort()).toEqual(['busy', 'claimed']);
  });

  it('refuses a lease that is not a positive number of milliseconds', async () => {
    const store = createPostgresDedupeStore(poolA, { table: freshTable() });
    for (const lease of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1000']) {
      await expect(store.claim('msg_6', lease as number)).rejects.toThrow(/leaseMs must be a number of milliseconds > 0/);
    }
  });
});

describe('createPostgresDedupeStore: transaction', () => {
  /** The app's own table, written by the handler through `tx`. */
  async function resultsTable(): Promise<string> {
    const name = `results_${++tables}`;
    await poolA.query(`CREATE TABLE ${name} (webhook_id text NOT NULL, written_by text NOT NULL)`);
    return name;
  }
  const rowsOf = async (results: string, id: string) =>
    (await poolA.query(`SELECT written_by FROM ${results} WHERE webhook_id = $1`, [id])).rows.map((row) => row.written_by as string);
  const insertThrough = (tx: unknown, results: string, id: string, by: string) =>
    (tx as pg.PoolClient).query(`INSERT INTO ${results} (webhook_id, written_by) VALUES ($1, $2)`, [id, by]);

  it("commits the handler's writes through tx with the id's completion; a second delivery is 'done' and writes nothing", async () => {
    const [table, results] = [freshTable(), await resultsTable()];
    const [a, b] = [createPostgresDedupeStore(poolA, { table }), createPostgresDedupeStore(poolB, { table })];
    expect(await a.transaction('msg_tx1', 60_000, (tx) => insertThrough(tx, results, 'msg_tx1', 'a').then(() => {}))).toBe('claimed');
    let ranAgain = false;
    expect(
      await b.transaction('msg_tx1', 60_000, async () => {
        ranAgain = true;
      }),
    ).toBe('done');
    expect(ranAgain).toBe(false);
    expect(await b.claim('msg_tx1', 60_000)).toBe('done');
    expect(await rowsOf(results, 'msg_tx1')).toEqual(['a']);
  });

  it('leaves neither the write nor the completion when the handler throws, and the next delivery runs it', async () => {
    const [table, results] = [freshTable(), await resultsTable()];
    const store = createPostgresDedupeStore(poolA, { table });
    const failure = new Error('the handler failed after writing');
    await expect(
      store.transaction('msg_tx2', 60_000, async (tx) => {
        await insertThrough(tx, results, 'msg_tx2', 'first');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await rowsOf(results, 'msg_tx2')).toEqual([]);
    expect(await store.transaction('msg_tx2', 60_000, (tx) => insertThrough(tx, results, 'msg_tx2', 'retry').then(() => {}))).toBe(
      'claimed',
    );
    expect(await rowsOf(results, 'msg_tx2')).toEqual(['retry']);
  });

  it("answers 'busy' while another instance's transaction holds the id, then 'done'", async () => {
    const [table, results] = [freshTable(), await resultsTable()];
    const [a, b] = [createPostgresDedupeStore(poolA, { table }), createPostgresDedupeStore(poolB, { table })];
    let finish!: () => void;
    const held = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const first = a.transaction('msg_tx3', 60_000, async (tx) => {
      await insertThrough(tx, results, 'msg_tx3', 'a');
      entered();
      await held;
    });
    await inside;
    const started = Date.now();
    expect(await b.transaction('msg_tx3', 60_000, () => insertThrough(b, results, 'msg_tx3', 'b').then(() => {}))).toBe('busy');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await b.claim('msg_tx3', 60_000)).toBe('busy');
    finish();
    expect(await first).toBe('claimed');
    expect(await b.transaction('msg_tx3', 60_000, () => insertThrough(b, results, 'msg_tx3', 'b').then(() => {}))).toBe('done');
    expect(await rowsOf(results, 'msg_tx3')).toEqual(['a']);
  });

  it('runs each id once when two pools deliver it at the same moment', async () => {
    const [table, results] = [freshTable(), await resultsTable()];
    const [a, b] = [createPostgresDedupeStore(poolA, { table }), createPostgresDedupeStore(poolB, { table })];
    const ids = Array.from({ length: 40 }, (_, i) => `msg_txrace_${i}`);
    const outcomes = await Promise.all(
      ids.map((id) =>
        Promise.all(
          (
            [
              [a, 'a'],
              [b, 'b'],
            ] as const
          ).map(([store, by]) =>
            store.transaction(id, 60_000, async (tx) => {
              await insertThrough(tx, results, id, by);
              await sleep(20);
            }),
          ),
        ),
      ),
    );
    for (const pair of outcomes) expect(pair.filter((result) => result === 'claimed')).toHaveLength(1);
    const { rows } = await poolA.query(`SELECT webhook_id, count(*)::int AS n FROM ${results} GROUP BY webhook_id`);
    expect(rows).toHaveLength(ids.length);
    expect(rows.every((row) => row.n === 1)).toBe(true);
  });

  it('leaves the id claimable when the process holding it dies mid-transaction (its backend terminated)', async () => {
    const [table, results] = [freshTable(), await resultsTable()];
    const dying = new pg.Pool({ connectionString: server.connectionString, max: 2 });
    const [a, b] = [createPostgresDedupeStore(dying, { table }), createPostgresDedupeStore(poolB, { table })];
    let backend!: (pid: number) => void;
    const pid = new Promise<number>((resolve) => {
      backend = resolve;
    });
    let resume!: () => void;
    const stalled = new Promise<void>((resolve) => {
      resume = resolve;
    });
    const first = a.transaction('msg_tx4', 60_000, async (tx) => {
      await insertThrough(tx, results, 'msg_tx4', 'dead');
      backend((await (tx as pg.PoolClient).query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
      await stalled; // the process hangs here, then is gone
      await insertThrough(tx, results, 'msg_tx4', 'dead, after');
    });
    const settled = first.then(
      () => 'resolved',
      () => 'rejected',
    );
    const held = await pid;
    expect(await b.transaction('msg_tx4', 60_000, async () => {})).toBe('busy');
    await poolB.query('SELECT pg_terminate_backend($1)', [held]);
    // Postgres rolled the dead transaction back: its write and its claim are gone.
    expect(await b.transaction('msg_tx4', 60_000, (tx) => insertThrough(tx, results, 'msg_tx4', 'b').then(() => {}))).toBe('claimed');
    expect(await rowsOf(results, 'msg_tx4')).toEqual(['b']);
    resume();
    expect(await settled).toBe('rejected');
    // The broken connection went back to the pool as broken, not lent again.
    expect((await dying.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await dying.end();
  });

  it("answers 'busy' to a transaction while a lease taken by claim() is live, and takes an expired one over", async () => {
    const table = freshTable();
    const [a, b] = [createPostgresDedupeStore(poolA, { table }), createPostgresDedupeStore(poolB, { table })];
    expect(await a.claim('msg_tx5', 200)).toBe('claimed');
    expect(await b.transaction('msg_tx5', 60_000, async () => {})).toBe('busy');
    await sleep(300);
    expect(await b.transaction('msg_tx5', 60_000, async () => {})).toBe('claimed');
    await a.complete('msg_tx5'); // late: the id is b's, and done
    expect(await a.claim('msg_tx5', 60_000)).toBe('done');
  });

  it("keeps the app's lock_timeout for the handler's own statements", async () => {
    const store = createPostgresDedupeStore(poolA, { table: freshTable() });
    let seen = '';
    await store.transaction('msg_tx6', 60_000, async (tx) => {
      seen = (await (tx as pg.PoolClient).query(`SELECT current_setting('lock_timeout') AS value`)).rows[0].value;
    });
    expect(seen).toBe('0');
  });
});
