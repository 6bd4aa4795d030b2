import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SafeStorage } from '../../src/at-load/core/storage.js';
import { CancellationScope } from '../../src/on-intent/conversation/cancellation-scope.js';

type TabLock = typeof import('../../src/on-intent/conversation/tab-lock.js');

const NAME = 'aicado:v1:demo:query:q_1';

/**
 * The lock module as one tab of the browser has it. Each call loads it afresh: a tab of its own, with
 * its own id and its own lingering locks, that shares the fake Web Locks and storage with the others.
 */
async function openTab(): Promise<TabLock> {
  vi.resetModules();
  return import('../../src/on-intent/conversation/tab-lock.js');
}

/** Web Locks as a browser grants them: one holder per name, the others queued in order; a signal ends a wait. */
class FakeLockManager {
  readonly #held = new Set<string>();
  readonly #waiting = new Map<string, (() => void)[]>();
  refuse: Error | undefined;

  held(name: string): boolean {
    return this.#held.has(name);
  }

  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T> {
    if (this.refuse) return Promise.reject(this.refuse);
    return new Promise<T>((resolve, reject) => {
      const grant = () => {
        options.signal?.removeEventListener('abort', onAbort);
        this.#held.add(name);
        Promise.resolve()
          .then(callback)
          .then(resolve, reject)
          .finally(() => {
            this.#held.delete(name);
            this.#waiting.get(name)?.shift()?.();
          });
      };
      const onAbort = () => {
        const queue = this.#waiting.get(name) ?? [];
        queue.splice(queue.indexOf(grant), 1);
        reject(new DOMException('The request was aborted', 'AbortError'));
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort);
      if (this.#held.has(name)) this.#waiting.set(name, [...(this.#waiting.get(name) ?? []), grant]);
      else grant();
    });
  }
}

/** The subset of storage the lock uses, shared by every tab of the test. */
function sharedStorage(): SafeStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
    keys: () => [...map.keys()],
  };
}

/** A task the test settles: `started` tells whether it runs. */
function deferredTask<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const state = { started: 0 };
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const task = () => {
    state.started++;
    return promise;
  };
  return { task, resolve, reject, state };
}

/** Whether `promise` has settled once pending microtasks have run; with its value. */
async function peek<T>(promise: Promise<T>): Promise<{ settled: boolean; value?: T; error?: unknown }> {
  const result: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  void promise.then(
    (value) => Object.assign(result, { settled: true, value }),
    (error: unknown) => Object.assign(result, { settled: true, error }),
  );
  await vi.advanceTimersByTimeAsync(0);
  return result;
}

let storage: ReturnType<typeof sharedStorage>;
let scopes: CancellationScope[];
const options = (extra: { abandoned?: () => boolean; contended?: boolean; scope?: CancellationScope } = {}) => {
  const scope = extra.scope ?? new CancellationScope();
  scopes.push(scope);
  return { scope, storage, abandoned: extra.abandoned ?? (() => false), contended: extra.contended ?? false };
};

beforeEach(() => {
  vi.useFakeTimers();
  storage = sharedStorage();
  scopes = [];
});
afterEach(() => {
  for (const scope of scopes) scope.cancelAll();
  vi.useRealTimers();
  vi.restoreAllMocks();
  delete (navigator as { locks?: unknown }).locks;
});

describe('with Web Locks', () => {
  let locks: FakeLockManager;
  beforeEach(() => {
    locks = new FakeLockManager();
    Object.defineProperty(navigator, 'locks', { configurable: true, get: () => locks });
  });

  it('runs the task holding the named lock and gives its outcome as soon as it settles', async () => {
    const tab = await openTab();
    const { task, resolve, state } = deferredTask<string>();
    const result = tab.exclusive(NAME, task, options());
    await peek(result);
    expect(state.started).toBe(1);
    expect(locks.held(NAME)).toBe(true);
    resolve('answer');
    expect(await peek(result)).toEqual({ settled: true, value: 'answer' });
    // The lock is kept a while longer, so the outcome reaches the other tabs before any of them gets it.
    expect(locks.held(NAME)).toBe(true);
    await vi.advanceTimersByTimeAsync(tab.LINGER_MS);
    expect(locks.held(NAME)).toBe(false);
  });

  it("runs another tab's task only after the first settled and its linger ended", async () => {
    const [first, second] = [await openTab(), await openTab()];
    const a = deferredTask<string>();
    const b = deferredTask<string>();
    const resultA = first.exclusive(NAME, a.task, options());
    const resultB = second.exclusive(NAME, b.task, options());
    await vi.advanceTimersByTimeAsync(60_000);
    expect([a.state.started, b.state.started]).toEqual([1, 0]);
    a.resolve('a');
    await peek(resultA);
    await vi.advanceTimersByTimeAsync(first.LINGER_MS - 1);
    expect(b.state.started).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.state.started).toBe(1);
    b.resolve('b');
    expect(await peek(resultB)).toEqual({ settled: true, value: 'b' });
  });

  it('runs tasks under different names at the same time', async () => {
    const [first, second] = [await openTab(), await openTab()];
    const a = deferredTask<string>();
    const b = deferredTask<string>();
    first.exclusive(`${NAME}a`, a.task, options());
    second.exclusive(`${NAME}b`, b.task, options());
    await peek(Promise.resolve());
    expect([a.state.started, b.state.started]).toEqual([1, 1]);
  });

  it('passes a failed task on to the caller, and frees the lock after the linger', async () => {
    const tab = await openTab();
    const result = tab.exclusive(NAME, () => Promise.reject(new Error('boom')), options());
    expect((await peek(result)).error).toEqual(new Error('boom'));
    await vi.advanceTimersByTimeAsync(tab.LINGER_MS);
    expect(locks.held(NAME)).toBe(false);
  });

  it('a task no longer wanted when the lock comes is not run: undefined, and the lock is freed at once', async () => {
    const [first, second] = [await openTab(), await openTab()];
    const a = deferredTask<string>();
    const b = deferredTask<string>();
    let abandoned = false;
    first.exclusive(NAME, a.task, options());
    const resultB = second.exclusive(NAME, b.task, options({ abandoned: () => abandoned }));
    a.resolve('a');
    await peek(Promise.resolve());
    abandoned = true;
    await vi.advanceTimersByTimeAsync(first.LINGER_MS);
    expect(await peek(resultB)).toEqual({ settled: true, value: undefined });
    expect(b.state.started).toBe(0);
    expect(locks.held(NAME)).toBe(false);
  });

  it('cancelling the scope ends the wait for the lock: the abandoned task resolves undefined and never runs', async () => {
    const [first, second] = [await openTab(), await openTab()];
    const a = deferredTask<string>();
    const b = deferredTask<string>();
    let abandoned = false;
    const scopeB = new CancellationScope();
    first.exclusive(NAME, a.task, options());
    const resultB = second.exclusive(NAME, b.task, options({ scope: scopeB, abandoned: () => abandoned }));
    await peek(resultB);
    abandoned = true;
    scopeB.cancelAll();
    expect(await peek(resultB)).toEqual({ settled: true, value: undefined });
    a.resolve('a');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(b.state.started).toBe(0);
  });

  it('cancelling the scope ends the linger: the next tab gets the lock at once', async () => {
    const [first, second] = [await openTab(), await openTab()];
    const scopeA = new CancellationScope();
    const b = deferredTask<string>();
    await first.exclusive(NAME, () => Promise.resolve('a'), options({ scope: scopeA }));
    second.exclusive(NAME, b.task, options());
    await peek(Promise.resolve());
    expect(b.state.started).toBe(0);
    scopeA.cancelAll();
    await peek(Promise.resolve());
    expect(b.state.started).toBe(1);
  });

  it('a retry in the same tab does not wait for the linger of its own lock', async () => {
    const tab = await openTab();
    expect(await tab.exclusive(NAME, () => Promise.reject(new Error('failed')), options()).catch((e: Error) => e.message)).toBe('failed');
    const retry = deferredTask<string>();
    tab.exclusive(NAME, retry.task, options());
    await peek(Promise.resolve());
    expect(retry.state.started).toBe(1);
  });

  it("another tab asking for the lock does not cut the first tab's linger short", async () => {
    const [first, second] = [await openTab(), await openTab()];
    await first.exclusive(NAME, () => Promise.resolve('a'), options());
    const b = deferredTask<string>();
    second.exclusive(NAME, b.task, options());
    await vi.advanceTimersByTimeAsync(first.LINGER_MS - 1);
    expect(b.state.started).toBe(0);
  });

  it('where the browser refuses locks (a sandboxed frame), runs the task as a lone tab', async () => {
    locks.refuse = new DOMException('Access denied', 'SecurityError');
    const tab = await openTab();
    await expect(tab.exclusive(NAME, () => Promise.resolve('alone'), options())).resolves.toBe('alone');
  });

  it('where the browser refuses locks, a task no longer wanted is not run', async () => {
    locks.refuse = new DOMException('Access denied', 'SecurityError');
    const tab = await openTab();
    const task = vi.fn(() => Promise.resolve('x'));
    await expect(tab.exclusive(NAME, task, options({ abandoned: () => true }))).resolves.toBeUndefined();
    expect(task).not.toHaveBeenCalled();
  });
});

describe('without Web Locks: a claim in storage', () => {
  beforeEach(() => {
    Object.defineProperty(navigator, 'locks', { configurable: true, get: () => null });
  });

  const holder = () => storage.get(NAME)?.split(' ')[0];

  it('a query this tab just made runs at once, under its claim, which is removed after the linger', async () => {
    const tab = await openTab();
    const { task, resolve, state } = deferredTask<string>();
    const result = tab.exclusive(NAME, task, options());
    await peek(result);
    expect(state.started).toBe(1);
    const claim = storage.get(NAME)!.split(' ');
    expect(Number(claim[1])).toBe(Date.now() + tab.LEASE_MS);
    resolve('answer');
    expect(await peek(result)).toEqual({ settled: true, value: 'answer' });
    expect(storage.get(NAME)).not.toBeNull();
    await vi.advanceTimersByTimeAsync(tab.LINGER_MS);
    expect(storage.get(NAME)).toBeNull();
  });

  it('renews its claim while a long task runs, so another tab never takes it over', async () => {
    const [first, second] = [await openTab(), await openTab()];
    const a = deferredTask<string>();
    const b = deferredTask<string>();
    first.exclusive(NAME, a.task, options());
    await peek(Promise.resolve());
    const owner = holder();
    second.exclusive(NAME, b.task, options());
    for (let s = 0; s < 60; s++) {
      await vi.advanceTimersByTimeAsync(1000);
      expect(Number(storage.get(NAME)!.split(' ')[1])).toBeGreaterThan(Date.now());
    }
    expect(holder()).toBe(owner);
    expect(b.state.started).toBe(0);
  });

  it('another tab waits while the claim is held and runs once it is released', async () => {
    const [first, second] = [await openTab(), await openTab()];
    const a = deferredTask<string>();
    const b = deferredTask<string>();
    first.exclusive(NAME, a.task, options());
    await peek(Promise.resolve());
    const resultB = second.exclusive(NAME, b.task, options());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(b.state.started).toBe(0);
    a.resolve('a');
    await vi.advanceTimersByTimeAsync(first.LINGER_MS);
    expect(storage.get(NAME)).toBeNull();
    // The waiting tab looks again every half lease.
    await vi.advanceTimersByTimeAsync(first.LEASE_MS / 2);
    expect(b.state.started).toBe(1);
    b.resolve('b');
    expect(await peek(resultB)).toEqual({ settled: true, value: 'b' });
  });

  it('takes over the claim of a tab that went away once it lapses, not before', async () => {
    const tab = await openTab();
    storage.set(NAME, `gone ${Date.now() + tab.LEASE_MS}`);
    const { task, state } = deferredTask<string>();
    tab.exclusive(NAME, task, options());
    await vi.advanceTimersByTimeAsync(tab.LEASE_MS - 1);
    expect(state.started).toBe(0);
    await vi.advanceTimersByTimeAsync(tab.LEASE_MS);
    expect(state.started).toBe(1);
    expect(holder()).not.toBe('gone');
  });

  it('tabs that ask at once (a query all of them found pending on load) run it one after the other', async () => {
    const [first, second] = [await openTab(), await openTab()];
    // The random waits before claiming: the first tab's ends first.
    vi.spyOn(Math, 'random').mockReturnValueOnce(0.1).mockReturnValueOnce(0.5);
    let running = 0;
    let most = 0;
    const task = (value: string) => async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      running--;
      return value;
    };
    const results = Promise.all([
      first.exclusive(NAME, task('a'), options({ contended: true })),
      second.exclusive(NAME, task('b'), options({ contended: true })),
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await peek(results)).toEqual({ settled: true, value: ['a', 'b'] });
    expect(most).toBe(1);
  });

  it('when contended, a tab whose claim another tab wrote over while it settled does not run', async () => {
    const tab = await openTab();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { task, state } = deferredTask<string>();
    tab.exclusive(NAME, task, options({ contended: true }));
    await peek(Promise.resolve());
    expect(storage.get(NAME)).not.toBeNull();
    // Another tab claims in the same instant; it wrote last, so it has the lock.
    storage.set(NAME, `other ${Date.now() + tab.LEASE_MS}`);
    await vi.advanceTimersByTimeAsync(tab.LEASE_MS - 1);
    expect(state.started).toBe(0);
    expect(holder()).toBe('other');
  });

  it('a wait that is no longer wanted ends within half a lease, and the task never runs', async () => {
    const tab = await openTab();
    storage.set(NAME, `other ${Date.now() + 60_000}`);
    let abandoned = false;
    const task = vi.fn(() => Promise.resolve('x'));
    const result = tab.exclusive(NAME, task, options({ abandoned: () => abandoned }));
    await vi.advanceTimersByTimeAsync(5000);
    abandoned = true;
    await vi.advanceTimersByTimeAsync(tab.LEASE_MS / 2);
    expect(await peek(result)).toEqual({ settled: true, value: undefined });
    expect(task).not.toHaveBeenCalled();
    expect(holder()).toBe('other');
  });

  it('cancelling the scope ends the wait at once', async () => {
    const tab = await openTab();
    storage.set(NAME, `other ${Date.now() + 60_000}`);
    let abandoned = false;
    const scope = new CancellationScope();
    const result = tab.exclusive(NAME, () => Promise.resolve('x'), options({ scope, abandoned: () => abandoned }));
    await peek(result);
    abandoned = true;
    scope.cancelAll();
    expect(await peek(result)).toEqual({ settled: true, value: undefined });
  });

  it('passes a failed task on to the caller and removes its claim after the linger', async () => {
    const tab = await openTab();
    const result = tab.exclusive(NAME, () => Promise.reject(new Error('boom')), options());
    expect((await peek(result)).error).toEqual(new Error('boom'));
    await vi.advanceTimersByTimeAsync(tab.LINGER_MS);
    expect(storage.get(NAME)).toBeNull();
  });

  it('leaves alone a claim that is no longer its own when it is done (it removes only its own)', async () => {
    const tab = await openTab();
    const { task, resolve } = deferredTask<string>();
    const scope = new CancellationScope();
    tab.exclusive(NAME, task, options({ scope }));
    await peek(Promise.resolve());
    resolve('a');
    await peek(Promise.resolve());
    storage.set(NAME, `other ${Date.now() + 60_000}`);
    scope.cancelAll();
    await peek(Promise.resolve());
    expect(holder()).toBe('other');
  });

  it('a retry in the same tab does not wait for its own claim', async () => {
    const tab = await openTab();
    await expect(tab.exclusive(NAME, () => Promise.reject(new Error('failed')), options())).rejects.toThrow('failed');
    const retry = deferredTask<string>();
    tab.exclusive(NAME, retry.task, options());
    await peek(Promise.resolve());
    expect(retry.state.started).toBe(1);
  });
});
