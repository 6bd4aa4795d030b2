import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookEvent } from 'aicado-embed/server';

/** One turn of a transcript as the page shows it. */
export interface ShownTurn {
  input: string;
  output: string;
  status: string;
  rating: string | null;
}

/** A webhook as the page shows it: the fields every type has, a few lines of its own, and a transcript if it carries one. */
export interface ReceivedEvent {
  webhook_id: string;
  type: WebhookEvent['type'];
  agent_id: string;
  conversation_id: string;
  /** The query it is about: a `query.completed` or `query.feedback`, else null. */
  query_id: string | null;
  user_id: string | null;
  session_id: string | null;
  /** The event's own time (when Aicado created it), and when this host app stored it. */
  created_at: string;
  received_at: string;
  /** Readable lines with the event's key fields, e.g. `Q: …` and `A: …` of an answer, or an end's reason. */
  lines: string[];
  /** A `conversation.ended` or `handoff.requested` carries the conversation's turns, and whether some were left out. */
  transcript: ShownTurn[] | null;
  truncated: boolean | null;
  params: Record<string, unknown>;
  verified_params: Record<string, unknown> | null;
}

const turns = (count: number) => (count === 1 ? '1 turn' : `${count} turns`);

/** The lines that say what an event is about; a type without a case here does not compile. */
function linesOf(event: WebhookEvent): string[] {
  switch (event.type) {
    case 'query.completed':
      return [`Q: ${event.data.input}`, `A: ${event.data.output}`, `status: ${event.data.status} · query ${event.data.query_id}`];
    case 'query.feedback':
      return [`rating: ${event.data.rating ?? 'taken back'} · query ${event.data.query_id}`];
    case 'conversation.started':
      return [`started_at ${event.data.started_at}`, ...(event.data.context?.page_url ? [`on ${event.data.context.page_url}`] : [])];
    case 'conversation.ended':
      return [
        `reason: ${event.data.reason} · ${turns(event.data.transcript.length)} · truncated: ${event.data.truncated}`,
        `started_at ${event.data.started_at} · ended_at ${event.data.ended_at}`,
      ];
    case 'handoff.requested':
      return [
        `reason: ${event.data.reason ?? '(none given)'} · ${turns(event.data.transcript.length)} · truncated: ${event.data.truncated}`,
      ];
    case 'form.submitted':
      return [
        event.data.consent ? `consent ${event.data.consent.version} accepted_at ${event.data.consent.accepted_at}` : 'no consent asked',
      ];
  }
}

function shown(webhookId: string, event: WebhookEvent, receivedAt: string): ReceivedEvent {
  const { data } = event;
  const text = (value: unknown) => (value === undefined || value === null ? null : String(value));
  const withTranscript = event.type === 'conversation.ended' || event.type === 'handoff.requested' ? event.data : undefined;
  return {
    webhook_id: webhookId,
    type: event.type,
    agent_id: data.agent_id,
    conversation_id: data.conversation_id,
    query_id: 'query_id' in data ? data.query_id : null,
    user_id: text(data.verified_params?.user_id ?? data.params.user_id),
    session_id: text(data.params.session_id),
    created_at: event.created_at,
    received_at: receivedAt,
    lines: linesOf(event),
    transcript:
      withTranscript?.transcript.map(({ input, output, status, rating }) => ({ input, output, status, rating: rating ?? null })) ?? null,
    truncated: withTranscript ? withTranscript.truncated : null,
    params: data.params,
    verified_params: data.verified_params ?? null,
  };
}

/** The host app's own table: every webhook it received, verified, whole, in the order it arrived. */
export class ReceivedEventStore {
  private readonly db: Database.Database;
  /** Ids being handled now, with the end of their lease. */
  private readonly leases = new Map<string, number>();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'host.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS events (
      webhook_id TEXT PRIMARY KEY, type TEXT NOT NULL, event TEXT NOT NULL, received_at TEXT NOT NULL)`);
  }

  /**
   * Dedupe store for the webhook handler (one process): an id with a stored row is done, so a redelivered
   * or replayed `webhook-id` is acknowledged as a duplicate, not stored twice; an id being handled is busy
   * until its lease ends.
   */
  async claim(webhookId: string, leaseMs: number): Promise<'claimed' | 'done' | 'busy'> {
    if (this.has(webhookId)) return 'done';
    const held = this.leases.get(webhookId);
    if (held !== undefined && held > Date.now()) return 'busy';
    this.leases.set(webhookId, Date.now() + leaseMs);
    return 'claimed';
  }

  /** `save` already wrote the row under its webhook id: only the lease is left to drop. */
  async complete(webhookId: string): Promise<void> {
    this.leases.delete(webhookId);
  }

  async release(webhookId: string): Promise<void> {
    this.leases.delete(webhookId);
  }

  // The same store as a dist/ of aicado-embed/server built before claims asks for it (has, then add).
  has(webhookId: string): boolean {
    return this.db.prepare('SELECT 1 FROM events WHERE webhook_id = ?').get(webhookId) !== undefined;
  }

  add(): void {
    // `save` already wrote the row under its webhook id.
  }

  /** Stores a verified event under its webhook id; returns it as the page shows it. */
  save(webhookId: string, event: WebhookEvent): ReceivedEvent {
    const receivedAt = new Date().toISOString();
    this.db
      .prepare('INSERT OR IGNORE INTO events (webhook_id, type, event, received_at) VALUES (?, ?, ?, ?)')
      .run(webhookId, event.type, JSON.stringify(event), receivedAt);
    return shown(webhookId, event, receivedAt);
  }

  /** The newest events first. */
  latest(limit = 50): ReceivedEvent[] {
    const rows = this.db
      .prepare<[number], { webhook_id: string; event: string; received_at: string }>(
        'SELECT webhook_id, event, received_at FROM events ORDER BY received_at DESC, rowid DESC LIMIT ?',
      )
      .all(limit);
    return rows.map((row) => shown(row.webhook_id, JSON.parse(row.event) as WebhookEvent, row.received_at));
  }

  close(): void {
    this.db.close();
  }
}
