export { createPostgresDedupeStore } from './store.js';
export type { PostgresDedupeStoreOptions } from './store.js';
export type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from './pool.js';
export type { ClaimResult, WebhookDedupeStore } from '../dedupe-store.js';
