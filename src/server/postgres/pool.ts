import { WebhookVerificationError } from '../errors.js';

// The parts of `pg` the store uses, described here so that neither this module nor its published types need
// `pg` installed: a `pg` Pool (or a pool with its API, e.g. @neondatabase/serverless's) fits them.

/** The result of a query, as far as the store reads it. */
export interface PostgresQueryResult {
  rows: unknown[];
  rowCount?: number | null;
}

/** A client checked out of the pool (`pg`'s `PoolClient`): the connection one transaction runs on. */
export interface PostgresPoolClient {
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
  /** Returns the client to the pool; with an error, the pool discards it (its connection is broken). */
  release(error?: Error | boolean): void;
  /** Where a checked-out `pg` client reports a connection lost between queries (unheard, it would crash the process). */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/** A `pg` Pool: one-off queries, and a client of its own for each transaction. */
export interface PostgresPool {
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
  connect(): Promise<PostgresPoolClient>;
}

/** Refuses anything but a Pool-like object, when the store is made rather than on the first webhook. */
export function checkPool(pool: unknown): PostgresPool {
  const candidate = pool as Partial<Record<'query' | 'connect' | 'escapeIdentifier' | 'totalCount', unknown>> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.query !== 'function' ||
    typeof candidate.connect !== 'function'
  ) {
    throw new WebhookVerificationError(
      'invalid_options',
      `createPostgresDedupeStore expects a pg Pool (an object with query() and connect(), e.g. new pg.Pool({ connectionString })), got ${describe(pool)}`,
    );
  }
  // A pg Client has query() and connect() too, but one connection cannot hold a transaction per delivery.
  if (typeof candidate.escapeIdentifier === 'function' && !('totalCount' in candidate)) {
    throw new WebhookVerificationError(
      'invalid_options',
      'createPostgresDedupeStore expects a pg Pool, got a pg Client: each delivery needs a connection of its own (new pg.Pool({ connectionString }))',
    );
  }
  return pool as PostgresPool;
}

/** A checked-out client, refused when `connect()` resolved with something else (a Client's connect resolves with nothing). */
export function checkClient(client: unknown): PostgresPoolClient {
  const candidate = client as Partial<Record<'query' | 'release', unknown>> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.query !== 'function' ||
    typeof candidate.release !== 'function'
  ) {
    throw new WebhookVerificationError(
      'invalid_options',
      `The pool's connect() must resolve with a client that has query() and release() (a pg Pool's does), got ${describe(client)}`,
    );
  }
  return client as PostgresPoolClient;
}

const describe = (value: unknown): string =>
  value === null ? 'null' : typeof value === 'object' ? `an object with keys [${Object.keys(value).slice(0, 8).join(', ')}]` : typeof value;

/**
 * Runs `work` between BEGIN and its own COMMIT or ROLLBACK on a client of its own; when `work` throws, rolls
 * back and rethrows the same error. A connection that was lost or failed to roll back is discarded by the pool.
 */
export async function withTransaction<T>(pool: PostgresPool, work: (client: PostgresPoolClient) => Promise<T>): Promise<T> {
  const client = checkClient(await pool.connect());
  let broken: Error | undefined;
  const onConnectionError = (error: Error) => {
    broken = error;
  };
  client.on?.('error', onConnectionError);
  try {
    await client.query('BEGIN');
    return await work(client);
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.removeListener?.('error', onConnectionError);
    client.release(broken);
  }
}
