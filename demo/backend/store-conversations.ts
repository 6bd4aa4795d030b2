import type Database from 'better-sqlite3';
import type { AnswerStatus, EndReason, Rating } from '../../src/contract/protocol.js';

/** An outbox row of a conversation's event: it belongs to the conversation, not to one query. */
export interface ConversationDelivery {
  id: string;
  agent_id: string;
  conversation_id: string;
  type: string;
  body: string;
  created_at: number;
}

/** A stored query as one turn of a transcript; times are epoch milliseconds, JSON columns as text. */
export interface StoredTurn {
  query_id: string;
  input: string;
  output: string;
  status: AnswerStatus;
  created_at: number;
  rating: Rating;
  params: string;
  verified_params: string | null;
}

/**
 * A conversation's turns as read for its transcript: all of them in `first`, or, for a conversation too
 * long for any transcript to hold whole, its first and last `perEnd` turns with the ones between unread.
 */
export interface StoredTurns {
  first: StoredTurn[];
  last: StoredTurn[];
}

/** A conversation at the moment it ends or is handed off, with what its events carry. */
export interface EndingConversation {
  startedAt: number;
  turns: StoredTurns;
  /** The last turn's params, or undefined when it had no query. */
  lastTurn: StoredTurn | undefined;
}

/** What a hand-off request finds: `open` ends it now; `ended` was ended before for another reason. */
export type HandoffFinding = 'open' | 'ended';

type Prepare = <P extends unknown[], R>(sql: string) => Database.Statement<P, R>;

const TURN_COLUMNS = `q.query_id, q.input, q.output, q.status, q.created_at, r.rating, q.params, q.verified_params`;

/**
 * The conversations table: a row per conversation from its first query, its idle clock, and its end,
 * which one conditional UPDATE sets (`WHERE ended_at IS NULL`), so concurrent ends, an end racing the idle
 * timer, or two processes sharing the file, commit exactly one `conversation.ended`. Every method that
 * writes runs inside the caller's transaction or its own, its outbox rows with it.
 */
export class ConversationStore {
  constructor(
    private readonly db: Database.Database,
    private readonly prepare: Prepare,
    /** Most turns read from each end of a long conversation: more than any bounded transcript holds. */
    private readonly turnsPerEnd: number,
  ) {}

  /**
   * Records a query of the conversation at `at` (inside the query's transaction): a new conversation gets
   * its row, and true is returned so the caller commits `conversation.started`; an open one's idle clock
   * restarts. An ended one is left ended (a query that was already running when it ended).
   */
  recordQuery(agentId: string, conversationId: string, at: number): boolean {
    if (this.insert(agentId, conversationId, at)) return true;
    this.prepare<[Record<string, string | number>], unknown>(
      `UPDATE conversations SET last_query_at = MAX(last_query_at, @at)
       WHERE agent_id = @agentId AND conversation_id = @conversationId AND ended_at IS NULL`,
    ).run({ agentId, conversationId, at });
    return false;
  }

  /** Whether the conversation has ended (a conversation never seen has not). */
  isEnded(agentId: string, conversationId: string): boolean {
    const row = this.prepare<[string, string], { ended: number }>(
      'SELECT ended_at IS NOT NULL AS ended FROM conversations WHERE agent_id = ? AND conversation_id = ?',
    ).get(agentId, conversationId);
    return row?.ended === 1;
  }

  /**
   * Ends an open conversation and commits the rows `events` makes of it, in one transaction. `idleSince`
   * (for an idle end) also requires its last query to be no later, so a query that just came keeps it open.
   * Returns 'ended', or why not: it had ended already, or it never had a query ('unknown').
   */
  end(
    agentId: string,
    conversationId: string,
    reason: EndReason,
    endedAt: number,
    events: (ending: EndingConversation) => ConversationDelivery[],
    idleSince?: number,
  ): 'ended' | 'already' | 'unknown' {
    return this.db.transaction((): 'ended' | 'already' | 'unknown' => {
      const ended = this.prepare<[Record<string, string | number | null>], { started_at: number }>(
        `UPDATE conversations SET ended_at = @endedAt, end_reason = @reason
         WHERE agent_id = @agentId AND conversation_id = @conversationId AND ended_at IS NULL
           AND (@idleSince IS NULL OR last_query_at <= @idleSince)
         RETURNING started_at`,
      ).get({ agentId, conversationId, reason, endedAt, idleSince: idleSince ?? null });
      if (!ended) return this.exists(agentId, conversationId) ? 'already' : 'unknown';
      this.insertDeliveries(events(this.ending(agentId, conversationId, ended.started_at)));
      return 'ended';
    })();
  }

  /**
   * Records a hand-off once per conversation and commits the rows `events` makes of it, in one
   * transaction: an open conversation is ended by it (`reason: 'handoff'`), one with no query yet gets a
   * row that starts and ends now, and one ended before (idle, reset) keeps its end. Returns false when
   * the conversation was handed off already.
   */
  handoff(
    agentId: string,
    conversationId: string,
    at: number,
    events: (ending: EndingConversation, found: HandoffFinding) => ConversationDelivery[],
  ): boolean {
    return this.db.transaction((): boolean => {
      this.insert(agentId, conversationId, at);
      const found = this.prepare<[Record<string, string | number>], { started_at: number; was_open: number }>(
        `UPDATE conversations SET handoff_at = @at, ended_at = COALESCE(ended_at, @at), end_reason = COALESCE(end_reason, 'handoff')
         WHERE agent_id = @agentId AND conversation_id = @conversationId AND handoff_at IS NULL
         RETURNING started_at, end_reason = 'handoff' AND ended_at = @at AS was_open`,
      ).get({ agentId, conversationId, at });
      if (!found) return false;
      this.insertDeliveries(events(this.ending(agentId, conversationId, found.started_at), found.was_open ? 'open' : 'ended'));
      return true;
    })();
  }

  /** Open conversations whose last query was at or before `since`, oldest first. */
  idleSince(since: number, limit: number): { agent_id: string; conversation_id: string; last_query_at: number }[] {
    return this.prepare<[number, number], { agent_id: string; conversation_id: string; last_query_at: number }>(
      `SELECT agent_id, conversation_id, last_query_at FROM conversations WHERE ended_at IS NULL AND last_query_at <= ?
       ORDER BY last_query_at LIMIT ?`,
    ).all(since, limit);
  }

  /** The last query of the open conversation that has waited longest, or undefined when none is open. */
  oldestOpenQueryAt(): number | undefined {
    const row = this.prepare<[], { oldest: number | null }>(
      'SELECT MIN(last_query_at) AS oldest FROM conversations WHERE ended_at IS NULL',
    ).get();
    return row?.oldest ?? undefined;
  }

  /** Commits outbox rows of conversation events, in the order given (the listing's and the outbox's). */
  insertDeliveries(deliveries: readonly ConversationDelivery[]): void {
    const insert = this.prepare<[ConversationDelivery], unknown>(
      `INSERT INTO deliveries (id, query_id, agent_id, conversation_id, type, body, status, next_attempt_at, created_at)
       VALUES (@id, NULL, @agent_id, @conversation_id, @type, @body, 'pending', @created_at, @created_at)`,
    );
    for (const delivery of deliveries) insert.run(delivery);
  }

  /** Adds the conversation's row, started at `at`; false when it had one. */
  private insert(agentId: string, conversationId: string, at: number): boolean {
    const inserted = this.prepare<[Record<string, string | number>], unknown>(
      `INSERT INTO conversations (agent_id, conversation_id, started_at, last_query_at) VALUES (@agentId, @conversationId, @at, @at)
       ON CONFLICT (agent_id, conversation_id) DO NOTHING`,
    ).run({ agentId, conversationId, at });
    return inserted.changes === 1;
  }

  private exists(agentId: string, conversationId: string): boolean {
    return (
      this.prepare<[string, string], unknown>('SELECT 1 FROM conversations WHERE agent_id = ? AND conversation_id = ?').get(
        agentId,
        conversationId,
      ) !== undefined
    );
  }

  private ending(agentId: string, conversationId: string, startedAt: number): EndingConversation {
    const of = { agentId, conversationId, limit: this.turnsPerEnd };
    const first = this.prepare<[typeof of], StoredTurn>(
      `SELECT ${TURN_COLUMNS} FROM queries q LEFT JOIN ratings r ON r.query_id = q.query_id
       WHERE q.agent_id = @agentId AND q.conversation_id = @conversationId ORDER BY q.created_at, q.rowid LIMIT @limit`,
    ).all(of);
    if (first.length < this.turnsPerEnd) return { startedAt, turns: { first, last: [] }, lastTurn: first.at(-1) };
    // Read from the end too; when the two reads overlap, the whole conversation was read.
    const last = this.prepare<[typeof of], StoredTurn>(
      `SELECT ${TURN_COLUMNS} FROM queries q LEFT JOIN ratings r ON r.query_id = q.query_id
       WHERE q.agent_id = @agentId AND q.conversation_id = @conversationId ORDER BY q.created_at DESC, q.rowid DESC LIMIT @limit`,
    )
      .all(of)
      .reverse();
    const seen = new Set(first.map((turn) => turn.query_id));
    const unseen = last.filter((turn) => !seen.has(turn.query_id));
    const whole = unseen.length < last.length;
    return {
      startedAt,
      turns: whole ? { first: [...first, ...unseen], last: [] } : { first, last },
      lastTurn: last.at(-1),
    };
  }
}
