import type { ClaimResult, WebhookDedupeStore } from '../dedupe-store.js';
import { WebhookVerificationError } from '../errors.js';
import { checkPool, type PostgresPool, type PostgresPoolClient, withTransaction } from './pool.js';
import { DEFAULT_TABLE, quoteTable, tableCreator } from './table.js';

export interface PostgresDedupeStoreOptions {
  /** The table of handled and claimed ids, created on first use; optionally schema-qualified. Default `aicado_webhook_deliveries`. */
  table?: string;
}

/** A Postgres store always has `transaction`: the handler runs inside it. */
export interface PostgresDedupeStore extends WebhookDedupeStore<PostgresPoolClient> {
  transaction(id: string, leaseMs: number, run: (tx: PostgresPoolClient) => Promise<void>): Promise<ClaimResult>;
}

/** How long `transaction` waits for another transaction's lock on the same id before answering 'busy'. */
const CLAIM_WAIT = '100ms';
/** Postgres's "lock_not_available": a lock wait ran past `lock_timeout`. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * A dedupe store in the app's Postgres, shared by every instance of the receiver. With it the handler runs
 * inside `transaction`, so what it writes through `tx` and the id's completion commit together.
 */
export function createPostgresDedupeStore(pool: PostgresPool, options: PostgresDedupeStoreOptions = {}): PostgresDedupeStore {
  const db = checkPool(pool);
  const table = quoteTable(options.table ?? DEFAULT_TABLE);
  const ensureTable = tableCreator(db, table);
  /** id → the token of this store's live claim, so that it completes or releases only its own. */
  const tokens = new Map<string, string>();

  // One statement, so two instances claiming at once cannot both win: a new id is inserted, an expired
  // claim is taken over, and otherwise the row says whether the id is done or held.
  const claimStatement = `WITH claimed AS (
  INSERT INTO ${table} AS d (id, state, lease_until, claim_token)
  VALUES ($1, 'claimed', now() + $2::float8 * interval '1 millisecond', $3)
  ON CONFLICT (id) DO UPDATE SET state = 'claimed', lease_until = excluded.lease_until, claim_token = excluded.claim_token
  WHERE d.state = 'claimed' AND (d.lease_until IS NULL OR d.lease_until < now())
  RETURNING 1
)
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM claimed) THEN 'claimed'
  WHEN (SELECT state FROM ${table} WHERE id = $1) = 'done' THEN 'done'
  ELSE 'busy'
END AS result`;
  const completeStatement = `UPDATE ${table} SET state = 'done', done_at = now(), lease_until = NULL, claim_token = NULL
WHERE id = $1 AND state = 'claimed' AND claim_token = $2`;
  const releaseStatement = `DELETE FROM ${table} WHERE id = $1 AND state = 'claimed' AND claim_token = $2`;

  /** Claims `id` by its row's lock, inside the client's open transaction: another live transaction's lock is 'busy'. */
  async function lockRow(client: PostgresPoolClient, id: string): Promise<ClaimResult> {
    const { rows } = await client.query(`SELECT current_setting('lock_timeout') AS previous, set_config('lock_timeout', $1, true)`, [
      CLAIM_WAIT,
    ]);
    const previous = (rows[0] as { previous: string }).previous;
    const row = await busyIfLocked(
      (async () => {
        // Waits (up to CLAIM_WAIT) for a transaction inserting the same id to end, instead of inserting twice.
        await client.query(`INSERT INTO ${table} (id, state) VALUES ($1, 'claimed') ON CONFLICT (id) DO NOTHING`, [id]);
        const locked = await client.query(`SELECT state, lease_until > now() AS leased FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
        return locked.rows[0] as { state: string; leased: boolean | null } | undefined;
      })(),
    );
    if (row === 'busy') return 'busy';
    // No row: another delivery's release deleted it between the two statements; its retry will find it free.
    if (!row) return 'busy';
    if (row.state === 'done') return 'done';
    // A live lease taken by `claim` (the store used without transactions) holds the id too.
    if (row.leased) return 'busy';
    // The handler's own statements keep the app's lock_timeout.
    await client.query(`SELECT set_config('lock_timeout', $1, true)`, [previous]);
    return 'claimed';
  }

  return {
    async claim(id, leaseMs) {
      checkLease(leaseMs);
      await ensureTable();
      const token = crypto.randomUUID();
      // In a transaction of its own only for lock_timeout: a row that a `transaction` holds is 'busy', not a wait.
      const result = await withTransaction(db, async (client) => {
        await client.query(`SELECT set_config('lock_timeout', $1, true)`, [CLAIM_WAIT]);
        const claimed = await busyIfLocked(client.query(claimStatement, [id, leaseMs, token]));
        const outcome = claimed === 'busy' ? 'busy' : (claimed.rows[0] as { result: ClaimResult }).result;
        await client.query(outcome === 'claimed' ? 'COMMIT' : 'ROLLBACK');
        return outcome;
      });
      if (result === 'claimed') tokens.set(id, token);
      return result;
    },
    async complete(id) {
      const token = tokens.get(id);
      if (token === undefined) return;
      await db.query(completeStatement, [id, token]);
      // Forgotten once done: a caller whose call failed (the database down) may call again.
      tokens.delete(id);
    },
    async release(id) {
      const token = tokens.get(id);
      if (token === undefined) return;
      await db.query(releaseStatement, [id, token]);
      tokens.delete(id);
    },
    async transaction(id, leaseMs, run) {
      checkLease(leaseMs);
      await ensureTable();
      return withTransaction(db, async (client) => {
        const result = await lockRow(client, id);
        if (result !== 'claimed') {
          await client.query('ROLLBACK');
          return result;
        }
        await run(client);
        await client.query(`UPDATE ${table} SET state = 'done', done_at = now(), lease_until = NULL, claim_token = NULL WHERE id = $1`, [
          id,
        ]);
        await client.query('COMMIT');
        return 'claimed';
      });
    },
  };
}

/** 'busy' when `statement` waited for another transaction's lock longer than CLAIM_WAIT. */
async function busyIfLocked<T>(statement: Promise<T>): Promise<T | 'busy'> {
  try {
    return await statement;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === LOCK_NOT_AVAILABLE) return 'busy';
    throw error;
  }
}

function checkLease(leaseMs: unknown): void {
  if (typeof leaseMs !== 'number' || !Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new WebhookVerificationError('invalid_options', `leaseMs must be a number of milliseconds > 0, got ${String(leaseMs)}`);
  }
}
