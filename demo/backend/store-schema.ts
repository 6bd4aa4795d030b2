import type Database from 'better-sqlite3';

/**
 * The backend's tables. `user_version` numbers the schema so an older data directory is upgraded in
 * place on start, its pending webhooks kept: version 1 had one delivery per query and answers without
 * status, sources or ratings; version 2 had deliveries without their agent (listing one agent's read
 * every agent's rows) and without a replay count; version 3 had no conversations, and every delivery
 * belonged to a query.
 */
export const SCHEMA_VERSION = 4;

const QUERIES = `
CREATE TABLE IF NOT EXISTS queries (
  query_id        TEXT PRIMARY KEY,
  agent_id        TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  fingerprint     TEXT NOT NULL,
  input           TEXT NOT NULL,
  params          TEXT NOT NULL,
  output          TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'stopped')),
  sources         TEXT NOT NULL DEFAULT '[]',
  verified_params TEXT
);`;
// A conversation's turns, in order, for its transcript.
const QUERIES_INDEXES = `
CREATE INDEX IF NOT EXISTS queries_of_conversation ON queries (agent_id, conversation_id, created_at);`;

// One row per conversation that had a query (or a hand-off): when it started, its last query (the idle
// clock), and its end, set once by a conditional UPDATE so that one end wins however many race.
// A conversation of a data directory from before version 4 gets its row with its next query.
const CONVERSATIONS = `
CREATE TABLE IF NOT EXISTS conversations (
  agent_id        TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  started_at      INTEGER NOT NULL,
  last_query_at   INTEGER NOT NULL,
  ended_at        INTEGER,
  end_reason      TEXT CHECK (end_reason IN ('idle', 'reset', 'user_switched', 'handoff')),
  handoff_at      INTEGER,
  PRIMARY KEY (agent_id, conversation_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conversations_open ON conversations (last_query_at) WHERE ended_at IS NULL;`;

// A query has one `query.completed` delivery (the partial index) and any number of `query.feedback` ones;
// a conversation one `conversation.started`, `conversation.ended` and `handoff.requested` at most. Events
// of a conversation (those and `form.submitted`) have no query_id. `agent_id` and `conversation_id` are
// copied when the row is written, so one agent's rows are found by an index (`deliveries_of_agent` orders
// them by rowid too, the listing's order) without reading the others'.
const DELIVERIES_TABLE = `
CREATE TABLE IF NOT EXISTS deliveries (
  id              TEXT PRIMARY KEY,
  query_id        TEXT REFERENCES queries (query_id),
  agent_id        TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  type            TEXT NOT NULL DEFAULT 'query.completed',
  body            TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'stopped')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  in_flight       INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  next_attempt_at INTEGER,
  delivered_at    INTEGER,
  created_at      INTEGER NOT NULL,
  replays         INTEGER NOT NULL DEFAULT 0
);`;
const DELIVERIES_INDEXES = `
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_one_completion ON deliveries (query_id) WHERE type = 'query.completed';
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_once_per_conversation ON deliveries (agent_id, conversation_id, type)
  WHERE type IN ('conversation.started', 'conversation.ended', 'handoff.requested');
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, in_flight, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_of_query ON deliveries (query_id);
CREATE INDEX IF NOT EXISTS deliveries_of_agent ON deliveries (agent_id);`;

// The current rating of each rated answer: a repeated rating is recognised and sends nothing.
const RATINGS = `
CREATE TABLE IF NOT EXISTS ratings (
  query_id   TEXT PRIMARY KEY REFERENCES queries (query_id),
  rating     TEXT CHECK (rating IN ('up', 'down')),
  updated_at INTEGER NOT NULL
);`;

/** Creates the tables, or upgrades those of an older version, in one transaction. */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version >= SCHEMA_VERSION) return;
  const exists = (table: string) => db.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').get('table', table) !== undefined;
  db.transaction(() => {
    if (exists('queries')) {
      const columns = new Set(columnsOf(db, 'queries'));
      if (!columns.has('status'))
        db.exec(`ALTER TABLE queries ADD COLUMN status TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'stopped'))`);
      if (!columns.has('sources')) db.exec(`ALTER TABLE queries ADD COLUMN sources TEXT NOT NULL DEFAULT '[]'`);
      if (!columns.has('verified_params')) db.exec('ALTER TABLE queries ADD COLUMN verified_params TEXT');
    } else db.exec(QUERIES);
    db.exec(QUERIES_INDEXES);
    if (exists('deliveries')) {
      // Rebuilt rather than altered (version 1 made query_id UNIQUE and version 3 NOT NULL, which SQLite
      // cannot drop, and a NOT NULL column cannot be added): rows and their order kept, each given its
      // query's agent and conversation (every older row belongs to a query).
      const kept = columnsOf(db, 'deliveries').filter((column) => COPIED_COLUMNS.includes(column));
      const ofQuery = (column: string) => `(SELECT ${column} FROM queries WHERE queries.query_id = deliveries_old.query_id)`;
      db.exec('ALTER TABLE deliveries RENAME TO deliveries_old');
      db.exec(DELIVERIES_TABLE);
      db.exec(`INSERT INTO deliveries (rowid, agent_id, conversation_id, ${kept.join(', ')})
               SELECT rowid, ${ofQuery('agent_id')}, ${ofQuery('conversation_id')}, ${kept.join(', ')}
               FROM deliveries_old;
               DROP TABLE deliveries_old;`);
    } else db.exec(DELIVERIES_TABLE);
    db.exec(DELIVERIES_INDEXES);
    db.exec(RATINGS);
    db.exec(CONVERSATIONS);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** The columns of an older deliveries table that the current one keeps as they are. */
const COPIED_COLUMNS = [
  'id',
  'query_id',
  'type',
  'body',
  'status',
  'attempts',
  'in_flight',
  'last_error',
  'next_attempt_at',
  'delivered_at',
  'created_at',
  'replays',
];

function columnsOf(db: Database.Database, table: string): string[] {
  return db
    .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
    .all()
    .map((column) => column.name);
}
