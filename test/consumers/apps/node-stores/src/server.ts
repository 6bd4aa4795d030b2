// An ESM TypeScript app on Hono whose instances share their dedupe store: one route per store, node-redis and
// ioredis on aicado-embed/server/redis, pg on aicado-embed/server/postgres with the answer written through tx.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createClient } from 'redis';
import { createWebhookHandler, type WebhookDedupeStore, type WebhookEvent } from 'aicado-embed/server';
import { createPostgresDedupeStore } from 'aicado-embed/server/postgres';
import { createRedisDedupeStore } from 'aicado-embed/server/redis';

const { AICADO_WEBHOOK_SECRET: secret, REDIS_URL, DATABASE_URL } = process.env;
if (!secret || !REDIS_URL || !DATABASE_URL) throw new Error('set AICADO_WEBHOOK_SECRET, REDIS_URL and DATABASE_URL');

const nodeRedis = await createClient({ url: REDIS_URL, disableOfflineQueue: true }).connect();
const ioredis = new Redis(REDIS_URL, { enableOfflineQueue: false, lazyConnect: true });
await ioredis.connect();
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
pool.on('error', (error) => console.error('postgres pool', error));
await pool.query('CREATE TABLE IF NOT EXISTS answers (webhook_id text NOT NULL, query_id text NOT NULL, output text NOT NULL)');

/** One line per run of a handler, which the test counts. */
const handled = (store: string, request: Request, event: WebhookEvent) =>
  console.log(`handled ${JSON.stringify({ store, id: request.headers.get('webhook-id'), type: event.type })}`);

const receiverOn = (name: string, store: WebhookDedupeStore) =>
  createWebhookHandler({ secret, store, onEvent: (event, request) => handled(name, request, event) });

const app = new Hono();
const onNodeRedis = receiverOn('redis', createRedisDedupeStore(nodeRedis, { prefix: 'app:webhook:', ttlSeconds: 3600 }));
const onIoredis = receiverOn('ioredis', createRedisDedupeStore(ioredis, { prefix: 'app:io-webhook:' }));
const onPostgres = createWebhookHandler({
  secret,
  store: createPostgresDedupeStore(pool, { table: 'webhook_deliveries' }),
  async onEvent(event, request, { tx }) {
    if (event.type !== 'query.completed') return;
    const client = tx as pg.PoolClient; // this delivery's transaction: the row commits with the id's completion
    await client.query('INSERT INTO answers (webhook_id, query_id, output) VALUES ($1, $2, $3)', [
      request.headers.get('webhook-id'),
      event.data.query_id,
      event.data.output,
    ]);
    handled('postgres', request, event);
  },
});
app.post('/webhooks/redis', (c) => onNodeRedis(c.req.raw));
app.post('/webhooks/ioredis', (c) => onIoredis(c.req.raw));
app.post('/webhooks/postgres', (c) => onPostgres(c.req.raw));

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => {
  server.close();
  void Promise.allSettled([nodeRedis.quit(), ioredis.quit(), pool.end()]).then(() => process.exit(0));
});
