// (f) an ESM TypeScript app on Hono that imports aicado-embed/server/redis and aicado-embed/server/postgres from
// the packed tarball beside node-redis, ioredis and pg at the versions it pins: it type-checks strictly
// (skipLibCheck: false), resolves each subpath to its ESM build, and on real servers handles each signed
// webhook once, answers its redeliveries as duplicates, and writes its row through the store's transaction.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_TYPE } from '../../src/contract/protocol.js';
import type { QueryCompletedEvent } from '../../src/contract/webhook-events.js';
import { newWebhookSecret } from '../e2e/support/fixture.js';
import { type PostgresServer, startPostgres } from '../support/postgres-server.js';
import { type RedisServer, startRedis } from '../support/redis-server.js';
import { appDir, npmRun } from './support/apps.js';
import { type RunningProcess, runCommand, startProcess } from './support/process.js';

const STORES = ['redis', 'ioredis', 'postgres'] as const;
type StoreName = (typeof STORES)[number];

describe('node-stores (ESM, shared dedupe stores)', () => {
  const secret = newWebhookSecret();
  let redis: RedisServer | undefined;
  let postgres: PostgresServer | undefined;
  let pool: pg.Pool | undefined;
  let app: RunningProcess | undefined;
  let url = '';

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis(), startPostgres(), npmRun('node-stores', 'build')]);
    pool = new pg.Pool({ connectionString: postgres.connectionString, max: 2 });
    const running = await startProcess(process.execPath, ['build/server.js'], {
      cwd: appDir('node-stores'),
      env: { PORT: '0', AICADO_WEBHOOK_SECRET: secret, REDIS_URL: redis.url, DATABASE_URL: postgres.connectionString },
      ready: /listening on (http:\/\/\S+)/,
    });
    app = running;
    url = running.ready[1]!;
  });
  afterAll(async () => {
    await app?.stop();
    await pool?.end();
    await Promise.all([redis?.stop(), postgres?.dispose()]);
  });

  it.each(['redis', 'postgres'])('resolves aicado-embed/server/%s to its ESM build', async (subpath) => {
    const script = `console.log(import.meta.resolve('aicado-embed/server/${subpath}'))`;
    const { output } = await runCommand(process.execPath, ['--input-type=module', '--eval', script], { cwd: appDir('node-stores') });
    expect(output.trim()).toMatch(new RegExp(`dist/server-${subpath}\\.js$`));
  });

  /** A signed delivery of a fresh query.completed event, as the reference backend sends it. */
  const newDelivery = () => {
    const id = `msg_${randomBytes(9).toString('base64url')}`;
    const event: QueryCompletedEvent = {
      type: 'query.completed',
      id: `evt_${randomBytes(9).toString('base64url')}`,
      created_at: new Date().toISOString(),
      data: {
        agent_id: 'demo',
        query_id: `q_${randomBytes(9).toString('base64url')}`,
        conversation_id: 'c_consumer01',
        input: 'Where is my order?',
        output: 'On its way.',
        status: 'completed',
        sources: [],
        params: { user_id: 'u_42' },
        context: { page_url: 'https://shop.example/orders' },
      },
    };
    const body = JSON.stringify(event);
    const signature = new Webhook(secret).sign(id, new Date(), body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    return {
      id,
      body,
      headers: { 'content-type': JSON_TYPE, 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
    };
  };

  const deliver = async (store: StoreName, { body, headers }: ReturnType<typeof newDelivery>) => {
    const response = await fetch(`${url}/webhooks/${store}`, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const runsOf = (store: StoreName, id: string) =>
    app!
      .output()
      .split('\n')
      .filter((line) => line === `handled ${JSON.stringify({ store, id, type: 'query.completed' })}`).length;

  it.each(STORES)('on %s: runs the handler once, and answers every redelivery as a duplicate', async (store) => {
    const delivery = newDelivery();
    expect(await deliver(store, delivery)).toEqual({ status: 200, body: { ok: true } });
    const again = await Promise.all([deliver(store, delivery), deliver(store, delivery)]);
    expect(again).toEqual([
      { status: 200, body: { ok: true, duplicate: true } },
      { status: 200, body: { ok: true, duplicate: true } },
    ]);
    expect(runsOf(store, delivery.id)).toBe(1);
  });

  it.each(STORES)('on %s: two deliveries of one webhook at the same moment run the handler once', async (store) => {
    const delivery = newDelivery();
    const answers = await Promise.all([deliver(store, delivery), deliver(store, delivery)]);
    // One runs it; the other meets its claim (409, retried later) or, when it came second, its completion.
    expect(answers.filter((answer) => answer.status === 200 && answer.body.duplicate === undefined)).toHaveLength(1);
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    expect(runsOf(store, delivery.id)).toBe(1);
    expect(await deliver(store, delivery)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
  });

  it('on postgres: the row written through tx is there once per webhook, committed with its completion', async () => {
    const delivery = newDelivery();
    await Promise.all([deliver('postgres', delivery), deliver('postgres', delivery), deliver('postgres', delivery)]);
    await deliver('postgres', delivery);
    const rows = await pool!.query('SELECT count(*)::int AS n FROM answers WHERE webhook_id = $1', [delivery.id]);
    const marks = await pool!.query('SELECT state FROM webhook_deliveries WHERE id = $1', [delivery.id]);
    expect(rows.rows).toEqual([{ n: 1 }]);
    expect(marks.rows).toEqual([{ state: 'done' }]);
  });
});
