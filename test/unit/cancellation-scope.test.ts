import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancellationScope } from '../../src/on-intent/conversation/cancellation-scope.js';

/** A listener list as the agent's state offers one: `subscribe` returns its own `unsubscribe`. */
function observable() {
  const listeners = new Set<() => void>();
  return {
    listeners,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    notify: () => {
      for (const listener of [...listeners]) listener();
    },
  };
}

/** Whether `promise` has settled once pending microtasks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

let scope: CancellationScope;
beforeEach(() => {
  vi.useFakeTimers();
  scope = new CancellationScope();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('timers', () => {
  it('runs a timer after its delay, once', () => {
    const fn = vi.fn();
    scope.setTimer(fn, 100);
    vi.advanceTimersByTime(99);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('clearTimer stops a timer; clearing undefined or a timer that already ran is harmless', () => {
    const cleared = vi.fn();
    const ran = vi.fn();
    scope.clearTimer(scope.setTimer(cleared, 100));
    const timer = scope.setTimer(ran, 10);
    vi.advanceTimersByTime(10);
    expect(() => {
      scope.clearTimer(timer);
      scope.clearTimer(undefined);
    }).not.toThrow();
    vi.advanceTimersByTime(1000);
    expect(cleared).not.toHaveBeenCalled();
    expect(ran).toHaveBeenCalledOnce();
  });

  it('cancelAll clears every timer not yet run', () => {
    const fns = [vi.fn(), vi.fn(), vi.fn()];
    fns.forEach((fn, i) => scope.setTimer(fn, 100 * (i + 1)));
    vi.advanceTimersByTime(100);
    scope.cancelAll();
    vi.advanceTimersByTime(1000);
    expect(fns.map((fn) => fn.mock.calls.length)).toEqual([1, 0, 0]);
  });

  it("a timer set from inside another timer is still the scope's (cancelAll clears it)", () => {
    const second = vi.fn();
    scope.setTimer(() => scope.setTimer(second, 100), 100);
    vi.advanceTimersByTime(150);
    scope.cancelAll();
    vi.advanceTimersByTime(1000);
    expect(second).not.toHaveBeenCalled();
  });
});

describe('sleep', () => {
  it('resolves after its delay, not before', async () => {
    const nap = scope.sleep(500);
    await vi.advanceTimersByTimeAsync(499);
    expect(await settled(nap)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(nap)).toBe(true);
  });

  it('resolves at once on cancelAll (the caller then sees that its work was abandoned), never rejects', async () => {
    const naps = [scope.sleep(60_000), scope.sleep(1)];
    scope.cancelAll();
    await expect(Promise.all(naps)).resolves.toEqual([undefined, undefined]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a sleep that ended leaves nothing for cancelAll to wake', async () => {
    await Promise.all([scope.sleep(10), vi.advanceTimersByTimeAsync(10)]);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => scope.cancelAll()).not.toThrow();
  });

  it('the scope can be used again after cancelAll: a new sleep waits its full delay', async () => {
    scope.cancelAll();
    const nap = scope.sleep(200);
    expect(await settled(nap)).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(await settled(nap)).toBe(true);
  });
});

describe('until', () => {
  it('resolves at once when the condition already holds, without subscribing', async () => {
    const state = observable();
    const subscribe = vi.fn(state.subscribe);
    expect(await settled(scope.until(() => true, subscribe))).toBe(true);
    expect(subscribe).not.toHaveBeenCalled();
  });

  it('resolves on the first notification that finds the condition true, then unsubscribes', async () => {
    const state = observable();
    let online = false;
    const wait = scope.until(() => online, state.subscribe);
    state.notify();
    expect(await settled(wait)).toBe(false);
    expect(state.listeners.size).toBe(1);
    online = true;
    state.notify();
    expect(await settled(wait)).toBe(true);
    expect(state.listeners.size).toBe(0);
  });

  it('has no deadline of its own: it waits for the condition however long it takes', async () => {
    const state = observable();
    const wait = scope.until(() => false, state.subscribe);
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(await settled(wait)).toBe(false);
  });

  it('resolves at once on cancelAll and unsubscribes', async () => {
    const state = observable();
    const wait = scope.until(() => false, state.subscribe);
    scope.cancelAll();
    expect(await settled(wait)).toBe(true);
    expect(state.listeners.size).toBe(0);
  });
});

describe('controllers', () => {
  it('cancelAll aborts the signal of every request not released', () => {
    const first = scope.controller();
    const second = scope.controller();
    scope.cancelAll();
    expect([first.signal.aborted, second.signal.aborted]).toEqual([true, true]);
  });

  it("a released controller is no longer the scope's: cancelAll leaves it alone", () => {
    const done = scope.controller();
    done.release();
    scope.cancelAll();
    expect(done.signal.aborted).toBe(false);
  });

  it('abort() aborts its own request only', () => {
    const mine = scope.controller();
    const other = scope.controller();
    mine.abort();
    expect([mine.signal.aborted, other.signal.aborted]).toEqual([true, false]);
  });

  it('a controller made after cancelAll starts unaborted', () => {
    scope.controller();
    scope.cancelAll();
    expect(scope.controller().signal.aborted).toBe(false);
  });
});

describe('cancelAll', () => {
  it('stops timers, wakes sleeps and waits, and aborts requests in one call', async () => {
    const state = observable();
    const timer = vi.fn();
    scope.setTimer(timer, 1000);
    const nap = scope.sleep(1000);
    const wait = scope.until(() => false, state.subscribe);
    const request = scope.controller();
    scope.cancelAll();
    expect(await settled(Promise.all([nap, wait]))).toBe(true);
    expect(request.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(timer).not.toHaveBeenCalled();
  });

  it("scopes are independent: cancelling one leaves another's work running", async () => {
    const other = new CancellationScope();
    const nap = other.sleep(1000);
    const request = other.controller();
    scope.cancelAll();
    expect(await settled(nap)).toBe(false);
    expect(request.signal.aborted).toBe(false);
    other.cancelAll();
  });
});
