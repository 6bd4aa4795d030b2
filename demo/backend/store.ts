import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'stopped';

/** A completed query, as stored for idempotent replays. */
export interface StoredQuery {
  query_id: string;
  agent_id: string;
  fingerprint: string;
  output: string;
}

export interface NewQuery extends StoredQuery {
  conversation_id: string;
  input: string;
  params: string;
  created_at: number;
}

export interface NewDelivery {
  id: string;
  query_id: string;
  body: string;
  created_at: number;
}

/** One webhook delivery; times are epoch milliseconds. */
export interface DeliveryRow {
  id: string;
  query_id: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
}

/** How an attempt ended, as the outbox records it. */
export type AttemptOutcome =
  | { status: 'delivered'; at: number }
  | { status: 'pending'; error: string; nextAttemptAt: number }
  | { status: 'dead' | 'stopped'; error: string };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queries (
  query_id        TEXT PRIMARY KEY,
  agent_id        TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  fingerprint     TEXT NOT NULL,
  input           TEXT NOT NULL,
  params          TEXT NOT NULL,
  output          TEXT NOT NULL,
  created_at      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  id              TEXT PRIMARY KEY,
  query_id        TEXT NOT NULL UNIQUE REFERENCES queries (query_id),
  body            TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'stopped')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  in_flight       INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  next_attempt_at INTEGER,
  delivered_at    INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, in_flight, next_attempt_at);
`;

const DELIVERY_COLUMNS = 'id, query_id, body, status, attempts, last_error, next_attempt_at, delivered_at, created_at';

/** The backend's durable state in one SQLite file (WAL): completed queries and the webhook outbox. */
export class BackendStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'backend.sqlite'));
    this.db.pragma('journal_mode = WAL');
    // NORMAL survives a killed process (the WAL is already written); only an OS crash could lose the last commit.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    // Attempts that were running when the previous process died never finished: make them due again.
    this.db.prepare('UPDATE deliveries SET in_flight = 0 WHERE in_flight = 1').run();
  }

  getQuery(queryId: string): StoredQuery | undefined {
    return this.statement<[string], StoredQuery>('SELECT query_id, agent_id, fingerprint, output FROM queries WHERE query_id = ?').get(queryId);
  }

  /** Writes the query result and its outbox row in one transaction: both exist, or neither. */
  completeQuery(query: NewQuery, delivery: NewDelivery): void {
    const insertQuery = this.statement<[NewQuery], unknown>(
      `INSERT INTO queries (query_id, agent_id, conversation_id, fingerprint, input, params, output, created_at)
       VALUES (@query_id, @agent_id, @conversation_id, @fingerprint, @input, @params, @output, @created_at)`,
    );
    const insertDelivery = this.statement<[NewDelivery], unknown>(
      `INSERT INTO deliveries (id, query_id, body, status, next_attempt_at, created_at)
       VALUES (@id, @query_id, @body, 'pending', @created_at, @created_at)`,
    );
    this.db.transaction(() => {
      insertQuery.run(query);
      insertDelivery.run(delivery);
    })();
  }

  listDeliveries(filter: { queryId?: string; status?: string } = {}): DeliveryRow[] {
    return this.db
      .prepare<[{ queryId: string | null; status: string | null }], DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM deliveries
         WHERE (@queryId IS NULL OR query_id = @queryId) AND (@status IS NULL OR status = @status)
         ORDER BY created_at, rowid`,
      )
      .all({ queryId: filter.queryId ?? null, status: filter.status ?? null });
  }

  /**
   * Claims up to `limit` pending rows whose time has come and that no attempt is working on, oldest due
   * first, in one statement: a row is returned to one caller only.
   */
  claimDueDeliveries(now: number, limit: number): DeliveryRow[] {
    return this.statement<[number, number], DeliveryRow>(
      `UPDATE deliveries SET in_flight = 1
       WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND in_flight = 0 AND next_attempt_at <= ?
                    ORDER BY next_attempt_at LIMIT ?)
       RETURNING ${DELIVERY_COLUMNS}`,
    ).all(now, limit);
  }

  /** When the next idle pending row becomes due, or undefined when none is waiting. */
  nextDueAt(): number | undefined {
    const row = this.statement<[], { next: number | null }>(
      `SELECT MIN(next_attempt_at) AS next FROM deliveries WHERE status = 'pending' AND in_flight = 0`,
    ).get();
    return row?.next ?? undefined;
  }

  /** Gives a claimed row back without counting an attempt (the backend is shutting down). */
  releaseDelivery(id: string): void {
    this.statement<[string], unknown>('UPDATE deliveries SET in_flight = 0 WHERE id = ?').run(id);
  }

  recordAttempt(id: string, outcome: AttemptOutcome): void {
    const row = {
      id,
      status: outcome.status,
      last_error: outcome.status === 'delivered' ? null : outcome.error,
      next_attempt_at: outcome.status === 'pending' ? outcome.nextAttemptAt : null,
      delivered_at: outcome.status === 'delivered' ? outcome.at : null,
    };
    this.statement<[typeof row], unknown>(
      `UPDATE deliveries SET status = @status, attempts = attempts + 1, in_flight = 0, last_error = @last_error,
       next_attempt_at = @next_attempt_at, delivered_at = @delivered_at WHERE id = @id`,
    ).run(row);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Prepares each statement once: the outbox runs a few per delivery, thousands of times a second. */
  private statement<P extends unknown[], R>(sql: string): Database.Statement<P, R> {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared as unknown as Database.Statement<P, R>;
  }
}
