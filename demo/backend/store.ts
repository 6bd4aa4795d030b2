import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AnswerStatus, Rating } from '../../src/contract/protocol.js';
import { migrate } from './store-schema.js';
import { type ConversationDelivery, ConversationStore } from './store-conversations.js';
import { TURNS_READ_PER_END } from './transcript.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'stopped';

/** An answered query, as stored for idempotent replays, stops and ratings; JSON columns as text. */
export interface StoredQuery {
  query_id: string;
  agent_id: string;
  conversation_id: string;
  fingerprint: string;
  output: string;
  status: AnswerStatus;
  sources: string;
  params: string;
  verified_params: string | null;
}

export interface NewQuery extends StoredQuery {
  input: string;
  created_at: number;
}

export interface NewDelivery {
  id: string;
  query_id: string;
  type: string;
  body: string;
  created_at: number;
}

/**
 * What a query's commit adds when its conversation is followed: `conversation.started` when this query
 * starts it, then `form.submitted` when the query follows the pre-chat form, both before its `query.completed`.
 */
export interface QueryLifecycle {
  started: () => ConversationDelivery;
  form?: ConversationDelivery | undefined;
}

/** One webhook delivery; times are epoch milliseconds. */
export interface DeliveryRow {
  id: string;
  /** The query it is about; null for an event of the whole conversation. */
  query_id: string | null;
  conversation_id: string;
  /** The agent of the query it belongs to: each attempt goes to that agent's URL, signed with its secret. */
  agent_id: string;
  type: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
  /** Times an operator sent it again; each replay starts `attempts` from 0. */
  replays: number;
}

export interface DeliveryFilter {
  /** Only the deliveries of these agents. */
  agentIds: readonly string[];
  queryId?: string | undefined;
  status?: DeliveryStatus | undefined;
  afterRowid: number;
  limit: number;
}

/** How an attempt ended, as the outbox records it. */
export type AttemptOutcome =
  | { status: 'delivered'; at: number }
  | { status: 'pending'; error: string; nextAttemptAt: number }
  | { status: 'dead' | 'stopped'; error: string };

const DELIVERY_COLUMNS =
  'id, query_id, agent_id, conversation_id, type, body, status, attempts, last_error, next_attempt_at, delivered_at, created_at, replays';

/**
 * The statement of `listDeliveries` for a token of `agentCount` agents (exported for its query-plan test).
 * INDEXED BY, because for several agents the planner may prefer walking the whole table in rowid order
 * to sorting their rows, which reads every other agent's rows again.
 */
export function listDeliveriesSql(agentCount: number): string {
  const agents = agentCount === 1 ? 'agent_id = @agent' : 'agent_id IN (SELECT value FROM json_each(@agents))';
  return `SELECT rowid, ${DELIVERY_COLUMNS} FROM deliveries INDEXED BY deliveries_of_agent
    WHERE ${agents} AND rowid > @after AND (@queryId IS NULL OR query_id = @queryId) AND (@status IS NULL OR status = @status)
    ORDER BY rowid LIMIT @limit`;
}

/** What `replayDelivery` found: the row made due again, or why not. */
export type ReplayResult = { replayed: DeliveryRow } | { refused: 'unknown' | 'pending' };

/** The backend's durable state in one SQLite file (WAL): completed queries, conversations and the webhook outbox. */
export class BackendStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** Conversations: their start, idle clock, end and hand-off, with their events. */
  readonly conversations: ConversationStore;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'backend.sqlite'));
    this.db.pragma('journal_mode = WAL');
    // NORMAL survives a killed process (the WAL is already written); only an OS crash could lose the last commit.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    migrate(this.db);
    // Attempts that were running when the previous process died never finished: make them due again.
    this.db.prepare('UPDATE deliveries SET in_flight = 0 WHERE in_flight = 1').run();
    this.conversations = new ConversationStore(this.db, (sql) => this.statement(sql), TURNS_READ_PER_END);
  }

  getQuery(queryId: string): StoredQuery | undefined {
    return this.statement<[string], StoredQuery>(
      'SELECT query_id, agent_id, conversation_id, fingerprint, output, status, sources, params, verified_params FROM queries WHERE query_id = ?',
    ).get(queryId);
  }

  /**
   * Writes the query result and its outbox rows in one transaction: all exist, or none. With `lifecycle`,
   * the query also counts in its conversation (see `QueryLifecycle`); without it, the query alone (tools
   * that fill the outbox directly).
   */
  completeQuery(query: NewQuery, delivery: NewDelivery, lifecycle?: QueryLifecycle): void {
    const insertQuery = this.statement<[NewQuery], unknown>(
      `INSERT INTO queries (query_id, agent_id, conversation_id, fingerprint, input, params, verified_params, output, status, sources, created_at)
       VALUES (@query_id, @agent_id, @conversation_id, @fingerprint, @input, @params, @verified_params, @output, @status, @sources, @created_at)`,
    );
    this.db.transaction(() => {
      insertQuery.run(query);
      if (lifecycle) {
        const started = this.conversations.recordQuery(query.agent_id, query.conversation_id, query.created_at);
        this.conversations.insertDeliveries([...(started ? [lifecycle.started()] : []), ...(lifecycle.form ? [lifecycle.form] : [])]);
      }
      this.insertDelivery(delivery);
    })();
  }

  /**
   * Records a rating and, when it differs from the current one (no rating counts as `null`), its outbox
   * row, in one transaction. Returns false when the rating was already the current one.
   */
  rateQuery(queryId: string, rating: Rating, at: number, delivery: () => NewDelivery): boolean {
    return this.db.transaction(() => {
      const current = this.statement<[string], { rating: Rating }>('SELECT rating FROM ratings WHERE query_id = ?').get(queryId);
      if ((current?.rating ?? null) === rating) return false;
      this.statement<[{ query_id: string; rating: Rating; at: number }], unknown>(
        `INSERT INTO ratings (query_id, rating, updated_at) VALUES (@query_id, @rating, @at)
         ON CONFLICT (query_id) DO UPDATE SET rating = excluded.rating, updated_at = excluded.updated_at`,
      ).run({ query_id: queryId, rating, at });
      this.insertDelivery(delivery());
      return true;
    })();
  }

  // A query event's agent and conversation are its query's, copied from it here, so no caller can give others.
  private insertDelivery(delivery: NewDelivery): void {
    const inserted = this.statement<[NewDelivery], unknown>(
      `INSERT INTO deliveries (id, query_id, agent_id, conversation_id, type, body, status, next_attempt_at, created_at)
       SELECT @id, @query_id, agent_id, conversation_id, @type, @body, 'pending', @created_at, @created_at
       FROM queries WHERE query_id = @query_id`,
    ).run(delivery);
    if (inserted.changes !== 1) throw new Error(`no stored query ${delivery.query_id} for the ${delivery.type} delivery ${delivery.id}`);
  }

  /**
   * One page of deliveries in commit order, after the row `afterRowid` (0: from the start). Read through
   * `deliveries_of_agent`: other agents' rows are never visited. One agent (the usual token) is read in
   * the index's own order; several (agents sharing a secret) are sorted, theirs only.
   */
  listDeliveries(filter: DeliveryFilter): { rows: (DeliveryRow & { rowid: number })[]; more: boolean } {
    const rows = this.statement<[Record<string, string | number | null>], DeliveryRow & { rowid: number }>(
      listDeliveriesSql(filter.agentIds.length),
    ).all({
      after: filter.afterRowid,
      queryId: filter.queryId ?? null,
      status: filter.status ?? null,
      ...(filter.agentIds.length === 1 ? { agent: filter.agentIds[0] ?? null } : { agents: JSON.stringify(filter.agentIds) }),
      limit: filter.limit + 1,
    });
    const more = rows.length > filter.limit;
    return { rows: more ? rows.slice(0, filter.limit) : rows, more };
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

  /**
   * Makes a finished delivery (delivered, dead or stopped) of one of `agentIds` due now, its attempts
   * counted from 0 again and `replays` one more; the row keeps its id, so the receiver sees the same
   * `webhook-id`. A pending row (waiting or in flight) is left alone: its own attempts are not done.
   */
  replayDelivery(id: string, agentIds: readonly string[], now: number): ReplayResult {
    return this.db.transaction((): ReplayResult => {
      const found = this.statement<[string, string], { status: DeliveryStatus }>(
        'SELECT status FROM deliveries WHERE id = ? AND agent_id IN (SELECT value FROM json_each(?))',
      ).get(id, JSON.stringify(agentIds));
      if (!found) return { refused: 'unknown' };
      if (found.status === 'pending') return { refused: 'pending' };
      const replayed = this.statement<[number, string], DeliveryRow>(
        `UPDATE deliveries SET status = 'pending', attempts = 0, replays = replays + 1, in_flight = 0, last_error = NULL,
         next_attempt_at = ?, delivered_at = NULL WHERE id = ? RETURNING ${DELIVERY_COLUMNS}`,
      ).get(now, id);
      return replayed ? { replayed } : { refused: 'unknown' };
    })();
  }

  /** Writes the outcomes of several attempts in one transaction. */
  recordAttempts(outcomes: readonly { id: string; outcome: AttemptOutcome }[]): void {
    const update = this.statement<[Record<string, string | number | null>], unknown>(
      `UPDATE deliveries SET status = @status, attempts = attempts + 1, in_flight = 0, last_error = @last_error,
       next_attempt_at = @next_attempt_at, delivered_at = @delivered_at WHERE id = @id`,
    );
    this.db.transaction(() => {
      for (const { id, outcome } of outcomes) {
        update.run({
          id,
          status: outcome.status,
          last_error: outcome.status === 'delivered' ? null : outcome.error,
          next_attempt_at: outcome.status === 'pending' ? outcome.nextAttemptAt : null,
          delivered_at: outcome.status === 'delivered' ? outcome.at : null,
        });
      }
    })();
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
