import type { CancellationScope } from './cancellation-scope.js';
import type { SafeStorage } from '../../at-load/core/storage.js';

/** How long a claim lasts without renewal, where Web Locks are missing; renewed three times as often. */
export const LEASE_MS = 3000;
/** How long a tab waits after writing its claim before reading it back (another tab may have written too). */
const SETTLE_MS = 300;
/**
 * How long the lock is kept after the task settled: the outcome, sent to the other tabs by storage and by
 * message, reaches them before any of them gets the lock and wonders whether the task is still to do.
 */
export const LINGER_MS = 3000;
const TAB_ID = Math.random().toString(36).slice(2);
/** Ends the linger of a lock this tab kept, when this tab wants the lock again (a retry). */
const lingering = new Map<string, () => void>();

export interface ExclusiveOptions {
  scope: CancellationScope;
  storage: SafeStorage;
  /** True once the task is no longer wanted: the wait for the lock ends. */
  abandoned: () => boolean;
  /**
   * Other tabs may ask for the lock at the same moment (a query they all found pending on load). Else
   * (a query this tab just made) they hear of the task only after this tab asked, so it needs no settling.
   */
  contended: boolean;
}

/**
 * Runs `task` in one tab of this browser at a time. With Web Locks (current browsers, secure pages) the
 * lock is held until the task settles and freed when its tab goes away. Without them (plain-http pages,
 * older browsers) a claim in storage, renewed while the task runs and taken over once it lapses, does the
 * same; the narrow race it leaves (two tabs claiming within a few ms) is covered by the backend, which
 * runs a query id once.
 */
export function exclusive<T>(name: string, task: () => Promise<T>, options: ExclusiveOptions): Promise<T | undefined> {
  const { scope, abandoned } = options;
  return new Promise<T | undefined>((resolve, reject) => {
    // Runs the task, gives the caller its outcome at once, and keeps the lock a little longer.
    const run = async () => {
      if (abandoned()) return resolve(undefined);
      await task().then(resolve, reject);
      await Promise.race([scope.sleep(LINGER_MS), new Promise<void>((end) => lingering.set(name, end))]);
      lingering.delete(name);
    };
    lingering.get(name)?.();
    if (!navigator.locks) return void leased(name, run, options).then(() => resolve(undefined), reject);
    const { signal, release } = scope.controller();
    let granted = false;
    navigator.locks
      .request(name, { signal }, () => {
        granted = true;
        release();
        return run();
      })
      .catch(() => {
        if (granted) return;
        if (abandoned()) resolve(undefined);
        else task().then(resolve, reject); // locks refused (a sandboxed frame): run as a lone tab
      })
      .finally(release);
  });
}

/** The fallback: a claim in storage, renewed while `run` runs, taken over once it lapses. */
async function leased(name: string, run: () => Promise<void>, { scope, storage, abandoned, contended }: ExclusiveOptions): Promise<void> {
  const claim = () => storage.set(name, `${TAB_ID} ${Date.now() + LEASE_MS}`);
  const holder = () => {
    const [tab = '', until = '0'] = (storage.get(name) ?? '').split(' ');
    return +until < Date.now() ? '' : tab;
  };
  for (;;) {
    if (abandoned()) return;
    if (holder() === '' || holder() === TAB_ID) {
      if (contended) {
        // Tabs loaded together would claim together: a random wait first lets one of them see the other's claim.
        await scope.sleep(Math.random() * SETTLE_MS);
        if (abandoned() || (holder() !== '' && holder() !== TAB_ID)) continue;
      }
      claim();
      if (!contended) break;
      await scope.sleep(SETTLE_MS);
      if (holder() === TAB_ID) break;
    } else await scope.sleep(LEASE_MS / 2);
  }
  let renewal = scope.setTimer(function renew() {
    claim();
    renewal = scope.setTimer(renew, LEASE_MS / 3);
  }, LEASE_MS / 3);
  try {
    await run();
  } finally {
    scope.clearTimer(renewal);
    if (holder() === TAB_ID) storage.remove(name);
  }
}
