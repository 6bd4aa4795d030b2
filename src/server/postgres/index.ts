export { createPostgresDedupeStore } from './store.js';
export type { PostgresDedupeStore, PostgresDedupeStoreOptions } from './store.js';
export type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from './pool.js';
