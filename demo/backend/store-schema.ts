import type Database from 'better-sqlite3';

/**
 * The backend's tables. `user_version` numbers the schema so an older data directory is upgraded in
 * place on start, its pending webhooks kept: version 1 had one delivery per query and answers without
 * status, sources or ratings.
 */
export const SCHEMA_VERSION = 2;

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

// A query has one `query.completed` delivery (the partial index) and any number of `query.feedback` ones.
const DELIVERIES = `
CREATE TABLE IF NOT EXISTS deliveries (
  id              TEXT PRIMARY KEY,
  query_id        TEXT NOT NULL REFERENCES queries (query_id),
  type            TEXT NOT NULL DEFAULT 'query.completed',
  body            TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'stopped')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  in_flight       INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  next_attempt_at INTEGER,
  delivered_at    INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_one_completion ON deliveries (query_id) WHERE type = 'query.completed';
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, in_flight, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_of_query ON deliveries (query_id);`;

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
      const columns = new Set(
        db
          .prepare<[], { name: string }>('PRAGMA table_info(queries)')
          .all()
          .map((column) => column.name),
      );
      if (!columns.has('status'))
        db.exec(`ALTER TABLE queries ADD COLUMN status TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'stopped'))`);
      if (!columns.has('sources')) db.exec(`ALTER TABLE queries ADD COLUMN sources TEXT NOT NULL DEFAULT '[]'`);
      if (!columns.has('verified_params')) db.exec('ALTER TABLE queries ADD COLUMN verified_params TEXT');
    } else db.exec(QUERIES);
    if (exists('deliveries')) {
      // Version 1 made query_id UNIQUE, which SQLite cannot drop: the table is rebuilt, rows and order kept.
      db.exec('ALTER TABLE deliveries RENAME TO deliveries_v1; DROP INDEX IF EXISTS deliveries_due;');
      db.exec(DELIVERIES);
      db.exec(`INSERT INTO deliveries (rowid, id, query_id, body, status, attempts, in_flight, last_error, next_attempt_at, delivered_at, created_at)
               SELECT rowid, id, query_id, body, status, attempts, in_flight, last_error, next_attempt_at, delivered_at, created_at FROM deliveries_v1;
               DROP TABLE deliveries_v1;`);
    } else db.exec(DELIVERIES);
    db.exec(RATINGS);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
