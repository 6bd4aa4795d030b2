import { WebhookVerificationError } from './errors.js';

/** What `claim` found: the id is now this delivery's, was handled already, or is held by another delivery. */
export type ClaimResult = 'claimed' | 'done' | 'busy';

/**
 * Where `createWebhookHandler` records which `webhook-id`s it has handled, shared by every instance of
 * the receiver, so that each id runs the handler once however many deliveries of it arrive, and where.
 */
export interface WebhookDedupeStore<Tx = unknown> {
  /** Takes `id` for this delivery for `leaseMs` (atomic across instances), or says it was handled ('done') or is held by another delivery ('busy'). */
  claim(id: string, leaseMs: number): Promise<ClaimResult>;
  /** Marks `id` handled; only this store's own live claim is completed (a late process cannot complete another's). */
  complete(id: string): Promise<void>;
  /** Gives this store's claim of `id` up (the handler failed): the next delivery runs the handler. */
  release(id: string): Promise<void>;
  /** Optional (the Postgres store): claims `id`, runs `run(tx)` and completes `id` in one transaction, so the handler's writes through `tx` and the completion commit together. Resolves with the claim's result; `run` is called only when 'claimed'. */
  transaction?(id: string, leaseMs: number, run: (tx: Tx) => Promise<void>): Promise<ClaimResult>;
}

export interface MemoryDedupeStoreOptions {
  /** Handled ids remembered; beyond it the oldest are forgotten (a delivery that old would run again). Default 100,000. */
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * A dedupe store for one process: claims with leases held in memory, handled ids kept up to
 * `maxEntries` (default 100,000, oldest dropped first). Receivers on several instances need a shared
 * store (`aicado-embed/server/redis` or `aicado-embed/server/postgres`).
 */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): WebhookDedupeStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new WebhookVerificationError(
      'invalid_options',
      `maxEntries must be a whole number ≥ 1 (default ${DEFAULT_MAX_ENTRIES}), got ${String(maxEntries)}`,
    );
  }
  /** id → when its lease ends (ms since the epoch). */
  const claims = new Map<string, number>();
  /** Handled ids; a Set iterates in insertion order, so the first is the oldest. */
  const done = new Set<string>();

  const dropExpiredClaims = (now: number) => {
    for (const [id, expiresAt] of claims) if (expiresAt <= now) claims.delete(id);
  };

  return {
    async claim(id, leaseMs) {
      if (done.has(id)) return 'done';
      const now = Date.now();
      const expiresAt = claims.get(id);
      if (expiresAt !== undefined && expiresAt > now) return 'busy';
      // Claims of processes' handlers that never finished would otherwise pile up.
      if (claims.size >= maxEntries) dropExpiredClaims(now);
      claims.set(id, now + leaseMs);
      return 'claimed';
    },
    async complete(id) {
      const expiresAt = claims.get(id);
      if (expiresAt === undefined || expiresAt <= Date.now()) return;
      claims.delete(id);
      done.add(id);
      for (const oldest of done) {
        if (done.size <= maxEntries) break;
        done.delete(oldest);
      }
    },
    async release(id) {
      claims.delete(id);
    },
  };
}

const CLAIM_RESULTS: readonly string[] = ['claimed', 'done', 'busy'] satisfies ClaimResult[];

/** A store that answers anything else is as good as down: nothing is acknowledged on its word. */
export function claimResultOf(value: unknown): ClaimResult {
  if (typeof value === 'string' && CLAIM_RESULTS.includes(value)) return value as ClaimResult;
  throw new TypeError(`A dedupe store's claim must resolve with 'claimed', 'done' or 'busy', got ${String(value)}`);
}

/** Checks a store when the handler is made, so a wrong one fails at start-up, not on the first delivery. */
export function dedupeStoreOf<Tx>(value: WebhookDedupeStore<Tx> | undefined): WebhookDedupeStore<Tx> | undefined {
  if (value === undefined) return undefined;
  const store = value as Partial<Record<keyof WebhookDedupeStore, unknown>> | null;
  const missing: string[] = (['claim', 'complete', 'release'] as const).filter((name) => typeof store?.[name] !== 'function');
  if (typeof store?.transaction !== 'undefined' && typeof store?.transaction !== 'function') missing.push('transaction');
  if (missing.length === 0) return value;
  throw new WebhookVerificationError(
    'invalid_options',
    `store must be a dedupe store with claim(id, leaseMs), complete(id) and release(id) (createMemoryDedupeStore(), ` +
      `createRedisDedupeStore(client) or createPostgresDedupeStore(pool)); ${
        typeof value === 'object' && value !== null
          ? `this one lacks ${missing.join(', ')}`
          : `got ${value === null ? 'null' : typeof value}`
      }`,
  );
}
