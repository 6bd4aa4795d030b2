/** How often a part that failed to load is asked for again, and how long to wait before each try. */
export interface RetryRule {
  readonly attempts: number;
  delayMs(failures: number): number;
}

/** 5 tries in all, 1, 2, 4 and 8 s apart: a static file has no `retry-after` to honour, so no jitter. */
export const PART_LOAD_RETRY: RetryRule = { attempts: 5, delayMs: (failures) => 500 * 2 ** failures };

/** What a failed load does next, while the part is still `wanted`: retried by `rule`, `giveUp` after its last try. */
export interface PartRetry {
  rule?: RetryRule;
  wanted(): boolean;
  giveUp?(error: unknown): void;
}

export interface PartLoad<T> {
  /** The part, loaded once and shared by every caller; a failed load is forgotten, so the next call tries again. */
  get(): Promise<T>;
  /** Stops the retries that are due. */
  cancel(): void;
}

/**
 * Loads a part of the SDK on demand. With `retry`, a failed load is tried again by itself while the part
 * is `wanted()`: after the rule's delay when online, when the connection comes back when offline.
 */
export function loadPart<T>(load: () => Promise<T>, retry?: PartRetry): PartLoad<T> {
  const rule = retry?.rule ?? PART_LOAD_RETRY;
  let loading: Promise<T> | undefined;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let listening = false;
  const again = (): void => {
    if (!loading && retry?.wanted()) get().catch(() => undefined);
  };
  const get = (): Promise<T> =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      clearTimeout(timer);
      if (retry?.wanted()) {
        // Once a load has failed, the connection's return is worth a try whatever the count.
        if (!listening) addEventListener('online', again);
        listening = true;
        if (navigator.onLine === false) throw error;
        if (++failures < rule.attempts) timer = setTimeout(again, rule.delayMs(failures));
        else {
          failures = 0;
          retry.giveUp?.(error);
        }
      }
      throw error;
    }));
  return {
    get,
    cancel: () => {
      clearTimeout(timer);
      removeEventListener('online', again);
    },
  };
}

/** Runs `run` once the page has been idle `delayMs` after now (at the latest `delayMs` later); returns the cancel. */
export function whenIdle(delayMs: number, run: () => void): () => void {
  let idle: number | undefined;
  const timer = setTimeout(() => {
    if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(run, { timeout: delayMs });
    else run();
  }, delayMs);
  return () => {
    clearTimeout(timer);
    if (idle !== undefined) cancelIdleCallback(idle);
  };
}
