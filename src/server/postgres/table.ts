import { WebhookVerificationError } from '../errors.js';
import type { PostgresPool } from './pool.js';

export const DEFAULT_TABLE = 'aicado_webhook_deliveries';

/** An unquoted SQL identifier, optionally schema-qualified; Postgres keeps the first 63 bytes of each part. */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;

/** `table` checked and quoted for SQL (`"schema"."table"`): it is written into statements, never passed as a value. */
export function quoteTable(table: unknown): string {
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
    throw new WebhookVerificationError(
      'invalid_options',
      `table must be a plain SQL identifier (letters, digits, _ and $, not starting with a digit, ≤ 63 characters), optionally schema-qualified as schema.table; default '${DEFAULT_TABLE}'; got ${typeof table === 'string' ? JSON.stringify(table) : typeof table}`,
    );
  }
  return table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/**
 * One row per `webhook-id`: `claimed` while a delivery holds it (until `lease_until`, by `claim_token`), then
 * `done`. docs/webhooks-and-receivers.md shows the same statement for those who migrate by hand.
 */
export const createTableStatement = (table: string): string =>
  `CREATE TABLE IF NOT EXISTS ${table} (
  id text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('claimed', 'done')),
  lease_until timestamptz,
  claim_token text,
  done_at timestamptz
)`;

/**
 * What CREATE TABLE IF NOT EXISTS answers when another instance creates the same table at the same moment
 * (its name is checked before the other commits): relation (42P07), type (42710) or catalog row (23505) exists.
 */
const CREATED_ELSEWHERE = new Set(['42P07', '42710', '23505']);

/** Creates the table on first use, once per store; a failure (the database down) is tried again on the next use. */
export function tableCreator(pool: PostgresPool, table: string): () => Promise<void> {
  const create = () => pool.query(createTableStatement(table));
  let created: Promise<void> | undefined;
  return () => {
    created ??= create()
      // The other instance has committed by the time this one fails: asked again, the table is there.
      .catch((error: unknown) =>
        CREATED_ELSEWHERE.has((error as { code?: unknown } | null)?.code as string) ? create() : Promise.reject(error),
      )
      .then(
        () => undefined,
        (error: unknown) => {
          created = undefined;
          throw error;
        },
      );
    return created;
  };
}
