import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookEvent } from 'aicado-embed/server';

export interface StoredAnswer {
  webhook_id: string;
  query_id: string;
  agent_id: string;
  user_id: string | null;
  session_id: string | null;
  input: string;
  output: string;
  params: Record<string, unknown>;
  verified_params: Record<string, unknown> | null;
  received_at: string;
}

/** The host app's own table: each answer tied to the user and session the page said it was for. */
export class AnswerStore {
  private readonly db: Database.Database;
  /** Ids being handled now, with the end of their lease. */
  private readonly leases = new Map<string, number>();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'host.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS answers (
      webhook_id TEXT PRIMARY KEY, query_id TEXT NOT NULL, user_id TEXT, session_id TEXT,
      input TEXT NOT NULL, output TEXT NOT NULL, params TEXT NOT NULL, verified_params TEXT, received_at TEXT NOT NULL,
      agent_id TEXT NOT NULL DEFAULT '')`);
    // A table from before answers named their agent.
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(answers)').all();
    if (!columns.some((column) => column.name === 'agent_id'))
      this.db.exec(`ALTER TABLE answers ADD COLUMN agent_id TEXT NOT NULL DEFAULT ''`);
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
    return this.db.prepare('SELECT 1 FROM answers WHERE webhook_id = ?').get(webhookId) !== undefined;
  }

  add(): void {
    // `save` already wrote the row under its webhook id.
  }

  /** Stores an answer, or a rating shown as a row of its own (the params are the rated query's). */
  save(webhookId: string, event: WebhookEvent): StoredAnswer {
    const { data } = event;
    const text = (value: unknown) => (value === undefined || value === null ? null : String(value));
    const [input, output] =
      event.type === 'query.feedback'
        ? [`(rating of ${event.data.query_id})`, `rated: ${event.data.rating ?? 'rating taken back'}`]
        : [event.data.input, event.data.status === 'stopped' ? `(stopped) ${event.data.output}` : event.data.output];
    const row: StoredAnswer = {
      webhook_id: webhookId,
      query_id: data.query_id,
      agent_id: data.agent_id,
      user_id: text(data.verified_params?.user_id ?? data.params.user_id),
      session_id: text(data.params.session_id),
      input,
      output,
      params: data.params,
      verified_params: data.verified_params ?? null,
      received_at: new Date().toISOString(),
    };
    this.db
      .prepare(`INSERT OR IGNORE INTO answers (webhook_id, query_id, agent_id, user_id, session_id, input, output, params, verified_params, received_at)
         VALUES (@webhook_id, @query_id, @agent_id, @user_id, @session_id, @input, @output, @params, @verified_params, @received_at)`)
      .run({ ...row, params: JSON.stringify(row.params), verified_params: row.verified_params && JSON.stringify(row.verified_params) });
    return row;
  }

  latest(limit = 50): StoredAnswer[] {
    const rows = this.db.prepare('SELECT * FROM answers ORDER BY received_at DESC LIMIT ?').all(limit) as Record<string, string | null>[];
    return rows.map((row) => ({
      ...(row as unknown as StoredAnswer),
      params: JSON.parse(row.params ?? '{}') as Record<string, unknown>,
      verified_params: row.verified_params ? (JSON.parse(row.verified_params) as Record<string, unknown>) : null,
    }));
  }

  close(): void {
    this.db.close();
  }
}
