type Timer = ReturnType<typeof setTimeout>;

/**
 * A cancellation scope: every timer, wait and request an agent starts, so that `cancelAll()` (reset, identify, destroy)
 * stops all of them at once: timers are cleared, waits resolve at once (their callers then see that
 * their work was abandoned) and requests are aborted.
 */
export class CancellationScope {
  readonly #timers = new Set<Timer>();
  readonly #wakers = new Set<() => void>();
  readonly #controllers = new Set<AbortController>();

  setTimer(fn: () => void, ms: number): Timer {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  clearTimer(timer: Timer | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  /** Resolves after `ms`, or at once on `cancelAll()`. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.setTimer(() => wake(), ms);
      const wake = this.#waker(() => {
        this.clearTimer(timer);
        resolve();
      });
    });
  }

  /** Resolves when `ready()` holds, checked on each `subscribe` notification, or at once on `cancelAll()`. */
  until(ready: () => boolean, subscribe: (listener: () => void) => () => void): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const off = subscribe(() => ready() && wake());
      const wake = this.#waker(() => {
        off();
        resolve();
      });
    });
  }

  /** An AbortController that `cancelAll()` aborts; call `release` when its request is over. */
  controller(): { signal: AbortSignal; abort: () => void; release: () => void } {
    const controller = new AbortController();
    this.#controllers.add(controller);
    return { signal: controller.signal, abort: () => controller.abort(), release: () => this.#controllers.delete(controller) };
  }

  cancelAll(): void {
    for (const wake of [...this.#wakers]) wake();
    for (const controller of this.#controllers) controller.abort();
    this.#controllers.clear();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #waker(onWake: () => void): () => void {
    const wake = () => {
      this.#wakers.delete(wake);
      onWake();
    };
    this.#wakers.add(wake);
    return wake;
  }
}
