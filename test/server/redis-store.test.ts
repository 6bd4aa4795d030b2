import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWebhookHandler, isWebhookVerificationError, type WebhookDedupeStore } from '../../src/server/index.js';
import { createRedisDedupeStore } from '../../src/server/redis/index.js';
import { type RedisServer, startRedis } from '../support/redis-server.js';
import { SECRET, signed } from './fixtures.js';

/** A connected client of one library, its raw GET and PTTL, and how to close it. */
interface Connection {
  store(options?: Parameters<typeof createRedisDedupeStore>[1]): WebhookDedupeStore;
  get(key: string): Promise<string | null>;
  pttl(key: string): Promise<number>;
  close(): Promise<void>;
}

// Both clients fail a command at once while Redis is away instead of queueing it until it returns, so the
// handler can answer 503 rather than hold the delivery.
const clients = {
  'node-redis': async (url: string): Promise<Connection> => {
    const client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    return {
      store: (options) => createRedisDedupeStore(client, options),
      get: (key) => client.get(key),
      pttl: (key) => client.pTTL(key),
      close: async () => void (client.isOpen && (await client.close())),
    };
  },
  ioredis: async (url: string): Promise<Connection> => {
    const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    await client.connect();
    return {
      store: (options) => createRedisDedupeStore(client, options),
      get: (key) => client.get(key),
      pttl: (key) => client.pttl(key),
      close: async () => client.disconnect(),
    };
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PREFIX = 'aicado:webhook:';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe.each(Object.entries(clients))('createRedisDedupeStore on a %s client', (_, connect) => {
  /** Two connections, as two receiver instances would have. */
  let one: Connection;
  let two: Connection;
  beforeAll(async () => {
    one = await connect(redis.url);
    two = await connect(redis.url);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('claims an id once: busy for everyone else while claimed, done once completed', async () => {
    const [a, b] = [one.store(), two.store()];
    const id = randomUUID();
    expect(await a.claim(id, 10_000)).toBe('claimed');
    expect(await b.claim(id, 10_000)).toBe('busy');
    expect(await a.claim(id, 10_000)).toBe('busy');
    await a.complete(id);
    expect(await b.claim(id, 10_000)).toBe('done');
    expect(await a.claim(id, 10_000)).toBe('done');
    expect(await one.get(`${PREFIX}${id}`)).toBe('done');
  });

  it('lets a released id be claimed by the next delivery', async () => {
    const [a, b] = [one.store(), two.store()];
    const id = randomUUID();
    expect(await a.claim(id, 10_000)).toBe('claimed');
    await a.release(id);
    expect(await one.get(`${PREFIX}${id}`)).toBeNull();
    expect(await b.claim(id, 10_000)).toBe('claimed');
  });

  it('gives an id whose lease ended to the next delivery', async () => {
    const [a, b] = [one.store(), two.store()];
    const id = randomUUID();
    expect(await a.claim(id, 100)).toBe('claimed');
    expect(await two.pttl(`${PREFIX}${id}`)).toBeLessThanOrEqual(100);
    expect(await b.claim(id, 10_000)).toBe('busy');
    await sleep(150);
    expect(await b.claim(id, 10_000)).toBe('claimed');
  });

  it('ignores a late complete or release from a process whose lease ended and was claimed again', async () => {
    const [late, current, third] = [one.store(), two.store(), one.store()];
    const id = randomUUID();
    expect(await late.claim(id, 50)).toBe('claimed');
    await sleep(100);
    expect(await current.claim(id, 10_000)).toBe('claimed');
    await late.complete(id);
    expect(await third.claim(id, 10_000)).toBe('busy');
    await late.release(id);
    expect(await third.claim(id, 10_000)).toBe('busy');
    await current.complete(id);
    expect(await third.claim(id, 10_000)).toBe('done');
  });

  it('forgets a handled id after ttlSeconds, and keys it under the prefix', async () => {
    const store = one.store({ prefix: 'test:short:', ttlSeconds: 1 });
    const id = randomUUID();
    expect(await store.claim(id, 10_000)).toBe('claimed');
    await store.complete(id);
    expect(await store.claim(id, 10_000)).toBe('done');
    const ttl = await two.pttl(`test:short:${id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    await sleep(ttl + 100);
    expect(await store.claim(id, 10_000)).toBe('claimed');
  });

  it('gives each of 200 ids claimed by two clients at the same moment to exactly one', async () => {
    const [a, b] = [one.store(), two.store()];
    const ids = Array.from({ length: 200 }, () => randomUUID());
    const results = await Promise.all(ids.map((id) => Promise.all([a.claim(id, 10_000), b.claim(id, 10_000)])));
    for (const pair of results) expect(pair.toSorted()).toEqual(['busy', 'claimed']);
  });

  it('runs onEvent once when two receiver instances get the same delivery at the same moment', async () => {
    const runs = new Map<string, number>();
    const onEvent = async (event: { id: string }, request: Request) => {
      const id = request.headers.get('webhook-id') ?? event.id;
      runs.set(id, (runs.get(id) ?? 0) + 1);
      await sleep(20);
    };
    const instances = [one, two].map((connection) => createWebhookHandler({ secret: SECRET, onEvent, store: connection.store() }));
    const ids = Array.from({ length: 25 }, () => `msg_${randomUUID()}`);
    const answers = await Promise.all(
      ids.map(async (id) => {
        const message = signed(undefined, { id });
        const post = () => new Request('http://localhost/webhooks', { method: 'POST', headers: message.headers, body: message.body });
        const responses = await Promise.all(instances.map((handle) => handle(post())));
        return Promise.all(responses.map(async (response) => ({ status: response.status, body: await response.json() })));
      }),
    );
    expect([...runs.values()]).toEqual(ids.map(() => 1));
    for (const pair of answers) {
      const [ran, other] = pair.toSorted(
        (x, y) => Number(Boolean(x.body.duplicate) || x.status === 409) - Number(Boolean(y.body.duplicate) || y.status === 409),
      );
      expect(ran).toEqual({ status: 200, body: { ok: true } });
      expect([409, 200]).toContain(other?.status);
      if (other?.status === 200) expect(other.body).toEqual({ ok: true, duplicate: true });
    }
    // A later redelivery, to either instance, is a duplicate.
    const again = signed(undefined, { id: ids[0] });
    const later = await instances[1]!(
      new Request('http://localhost/webhooks', { method: 'POST', headers: again.headers, body: again.body }),
    );
    expect(await later.json()).toEqual({ ok: true, duplicate: true });
  });
});

describe('createRedisDedupeStore when Redis is down', () => {
  it.each(Object.entries(clients))('answers 503 store_unavailable on a %s client, without running onEvent', async (_, connect) => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const own = await startRedis();
    const connection = await connect(own.url);
    try {
      const onEvent = vi.fn();
      const handle = createWebhookHandler({ secret: SECRET, onEvent, store: connection.store() });
      await own.stop();
      const message = signed(undefined, { id: `msg_${randomUUID()}` });
      const response = await handle(
        new Request('http://localhost/webhooks', { method: 'POST', headers: message.headers, body: message.body }),
      );
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await response.json()).toEqual({ error: { code: 'store_unavailable', message: expect.any(String) } });
      expect(onEvent).not.toHaveBeenCalled();
    } finally {
      await connection.close();
      await own.stop();
      errors.mockRestore();
    }
  });
});

describe('createRedisDedupeStore options', () => {
  it('refuses what is neither a node-redis nor an ioredis client, naming both', () => {
    for (const client of [undefined, null, {}, { get: () => null, set: () => null }, 'redis://localhost']) {
      expect(() => createRedisDedupeStore(client as never)).toThrow(/node-redis client .*createClient\(\).* or an ioredis client/);
    }
  });

  it('checks prefix and ttlSeconds', async () => {
    const connection = await clients.ioredis(redis.url);
    try {
      for (const ttlSeconds of [0, -1, 1.5, Number.NaN, '60']) {
        expect(() => connection.store({ ttlSeconds } as never)).toThrow(/ttlSeconds must be a whole number of seconds ≥ 1/);
      }
      expect(() => connection.store({ prefix: 5 } as never)).toThrow(/prefix must be a string/);
      try {
        connection.store({ ttlSeconds: 0 });
      } catch (error) {
        expect(isWebhookVerificationError(error) && error.code).toBe('invalid_options');
      }
      expect(connection.store({ prefix: undefined, ttlSeconds: undefined })).toBeDefined();
    } finally {
      await connection.close();
    }
  });
});
