import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ClaimResult,
  createMemoryDedupeStore,
  createWebhookHandler,
  isWebhookVerificationError,
  type WebhookDedupeStore,
  type WebhookEventContext,
} from '../../src/server/index.js';
import { EVENT, SECRET, signed } from './fixtures.js';

const post = (id = EVENT.id) => {
  const message = signed(undefined, { id });
  return new Request('http://localhost/webhooks', { method: 'POST', headers: message.headers, body: message.body });
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store whose every method is a spy, answering `claim` with `answer` (or doing what `answer` does). */
function spyStore(answer: ClaimResult | (() => Promise<ClaimResult>)) {
  return {
    claim: vi.fn(typeof answer === 'function' ? answer : async () => answer),
    complete: vi.fn(async () => undefined),
    release: vi.fn(async () => undefined),
  } satisfies WebhookDedupeStore;
}

let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => errors.mockRestore());

describe('createWebhookHandler with a store', () => {
  it('claims the webhook-id for leaseMs (default 60,000), runs onEvent, then completes: 200', async () => {
    const store = spyStore('claimed');
    const onEvent = vi.fn();
    const response = await createWebhookHandler({ secret: SECRET, onEvent, store })(post('msg_1'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(store.claim).toHaveBeenCalledWith('msg_1', 60_000);
    expect(onEvent).toHaveBeenCalledTimes(1);
    expect(onEvent.mock.calls[0]?.[2]).toEqual({ tx: undefined });
    expect(store.complete).toHaveBeenCalledWith('msg_1');
    expect(store.release).not.toHaveBeenCalled();
    await createWebhookHandler({ secret: SECRET, onEvent, store, leaseMs: 5_000 })(post('msg_2'));
    expect(store.claim).toHaveBeenLastCalledWith('msg_2', 5_000);
  });

  it("answers 200 duplicate to 'done' and 409 in_progress with retry-after to 'busy', without running onEvent", async () => {
    const onEvent = vi.fn();
    const done = await createWebhookHandler({ secret: SECRET, onEvent, store: spyStore('done') })(post());
    expect([done.status, await done.json()]).toEqual([200, { ok: true, duplicate: true }]);
    const busy = await createWebhookHandler({ secret: SECRET, onEvent, store: spyStore('busy') })(post());
    expect(busy.status).toBe(409);
    expect(busy.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('in_progress');
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('releases the claim when onEvent throws, and answers 500 so the delivery is retried', async () => {
    const store = spyStore('claimed');
    const onEvent = vi.fn(async () => {
      throw new Error('database down');
    });
    const response = await createWebhookHandler({ secret: SECRET, onEvent, store })(post('msg_1'));
    expect(response.status).toBe(500);
    expect(store.release).toHaveBeenCalledWith('msg_1');
    expect(store.complete).not.toHaveBeenCalled();
  });

  it('answers 503 store_unavailable when the store rejects, throws or answers nonsense, never running onEvent', async () => {
    const onEvent = vi.fn();
    const broken: (() => Promise<ClaimResult>)[] = [
      () => Promise.reject(new Error('ECONNREFUSED')),
      () => {
        throw new Error('not connected');
      },
      async () => 'OK' as ClaimResult,
      async () => undefined as unknown as ClaimResult,
    ];
    for (const claim of broken) {
      const response = await createWebhookHandler({ secret: SECRET, onEvent, store: spyStore(claim) })(post());
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');
    }
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('still answers 500 when a failed handler cannot release its claim, and 200 when a handled one cannot be marked done', async () => {
    const cannotRelease = { ...spyStore('claimed'), release: vi.fn(() => Promise.reject(new Error('gone'))) };
    const failing = createWebhookHandler({
      secret: SECRET,
      store: cannotRelease,
      onEvent: () => {
        throw new Error('handler bug');
      },
    });
    expect((await failing(post())).status).toBe(500);
    // The handler ran: a retry would only run it again once the lease ends.
    const cannotComplete = { ...spyStore('claimed'), complete: vi.fn(() => Promise.reject(new Error('gone'))) };
    const onEvent = vi.fn();
    expect((await createWebhookHandler({ secret: SECRET, onEvent, store: cannotComplete })(post())).status).toBe(200);
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('lets a delivery take over an id whose lease ended (its process died) in the memory store', async () => {
    const store = createMemoryDedupeStore();
    expect(await store.claim('msg_1', 30)).toBe('claimed');
    const onEvent = vi.fn();
    const handle = createWebhookHandler({ secret: SECRET, onEvent, store });
    expect((await handle(post('msg_1'))).status).toBe(409);
    await sleep(50);
    expect((await handle(post('msg_1'))).status).toBe(200);
    expect(onEvent).toHaveBeenCalledTimes(1);
    expect(await (await handle(post('msg_1'))).json()).toEqual({ ok: true, duplicate: true });
  });

  it('does not let a late complete mark an id whose lease ended in the memory store', async () => {
    const store = createMemoryDedupeStore();
    expect(await store.claim('a', 20)).toBe('claimed');
    await sleep(40);
    await store.complete('a');
    expect(await store.claim('a', 1000)).toBe('claimed');
  });
});

describe('createWebhookHandler with a store that has a transaction', () => {
  /** The shape of the Postgres store: `transaction` claims, runs and completes as one unit. */
  function transactionalStore(answer: ClaimResult, commit: () => Promise<void> = async () => undefined) {
    const committed: string[] = [];
    const store = {
      ...spyStore(answer),
      transaction: vi.fn(async (id: string, _leaseMs: number, run: (tx: unknown) => Promise<void>) => {
        if (answer !== 'claimed') return answer;
        const tx = { id, writes: [] as string[] };
        await run(tx);
        await commit();
        committed.push(...tx.writes);
        return answer;
      }),
    } satisfies WebhookDedupeStore;
    return { store, committed };
  }

  it('runs onEvent inside it with { tx }, so its writes commit with the completion', async () => {
    const { store, committed } = transactionalStore('claimed');
    const handle = createWebhookHandler({
      secret: SECRET,
      store,
      leaseMs: 30_000,
      onEvent: (event, _request, { tx }: WebhookEventContext) => void (tx as { writes: string[] }).writes.push(event.id),
    });
    expect((await handle(post('msg_1'))).status).toBe(200);
    expect(store.transaction).toHaveBeenCalledWith('msg_1', 30_000, expect.any(Function));
    expect(committed).toEqual([EVENT.id]);
    expect(store.claim).not.toHaveBeenCalled();
    expect(store.complete).not.toHaveBeenCalled();
  });

  it("answers 'done' and 'busy' as without one, never running onEvent", async () => {
    const onEvent = vi.fn();
    expect(await (await createWebhookHandler({ secret: SECRET, onEvent, store: transactionalStore('done').store })(post())).json()).toEqual(
      {
        ok: true,
        duplicate: true,
      },
    );
    expect((await createWebhookHandler({ secret: SECRET, onEvent, store: transactionalStore('busy').store })(post())).status).toBe(409);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers 500 when onEvent throws (nothing committed) and 503 when the commit fails', async () => {
    const { store, committed } = transactionalStore('claimed');
    const failing = createWebhookHandler({
      secret: SECRET,
      store,
      onEvent: (_event, _request, { tx }) => {
        (tx as { writes: string[] }).writes.push('half');
        throw new Error('handler bug');
      },
    });
    expect((await failing(post('msg_1'))).status).toBe(500);
    expect(committed).toEqual([]);
    expect(store.release).toHaveBeenCalledWith('msg_1');

    const down = transactionalStore('claimed', () => Promise.reject(new Error('connection lost')));
    const response = await createWebhookHandler({ secret: SECRET, onEvent: vi.fn(), store: down.store })(post());
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');
  });
});

describe('createWebhookHandler options for the store', () => {
  const thrown = (options: Record<string, unknown>) => {
    try {
      createWebhookHandler({ secret: SECRET, onEvent: () => undefined, ...options } as never);
    } catch (error) {
      return isWebhookVerificationError(error) ? `${error.code}: ${error.message}` : String(error);
    }
    return undefined;
  };

  it('refuses a leaseMs that is not a whole number of milliseconds ≥ 1', () => {
    for (const leaseMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '60000', null]) {
      expect(thrown({ store: createMemoryDedupeStore(), leaseMs })).toMatch(
        /^invalid_options: leaseMs must be a whole number of milliseconds ≥ 1 \(default 60000/,
      );
    }
    expect(thrown({ store: createMemoryDedupeStore(), leaseMs: 1 })).toBeUndefined();
  });

  it('refuses a store without claim, complete and release, naming what it lacks and what is expected', () => {
    const ids = new Set<string>();
    const oldStore = { has: (id: string) => ids.has(id), add: (id: string) => void ids.add(id) };
    expect(thrown({ store: oldStore })).toMatch(
      /^invalid_options: store must be a dedupe store with claim\(id, leaseMs\), complete\(id\) and release\(id\).*lacks claim, complete, release/,
    );
    expect(thrown({ store: { ...spyStore('claimed'), release: undefined } })).toMatch(/lacks release$/);
    expect(thrown({ store: { ...spyStore('claimed'), transaction: 'yes' } })).toMatch(/lacks transaction$/);
    expect(thrown({ store: null })).toMatch(/got null$/);
    expect(thrown({ store: 'redis://localhost' })).toMatch(/got string$/);
  });

  it('refuses an onEvent that is not a function, and a memory store of no entries', () => {
    expect(thrown({ onEvent: 'save' })).toBe('invalid_options: onEvent must be a function, got a string');
    expect(thrown({ onEvent: undefined })).toMatch(/^invalid_options: Give onEvent .*, on .*, or both; got neither$/);
    expect(() => createMemoryDedupeStore({ maxEntries: 0 })).toThrow(/maxEntries must be a whole number ≥ 1/);
  });

  it('runs every delivery without a store, with tx undefined', async () => {
    const onEvent = vi.fn();
    const handle = createWebhookHandler({ secret: SECRET, onEvent });
    await handle(post());
    await handle(post());
    expect(onEvent).toHaveBeenCalledTimes(2);
    expect(onEvent.mock.calls[1]?.[2]).toEqual({ tx: undefined });
  });
});
