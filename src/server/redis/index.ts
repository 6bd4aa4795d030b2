export { createRedisDedupeStore } from './redis-store.js';
export type { RedisDedupeStoreOptions } from './redis-store.js';
export type { IoRedisClient, NodeRedisClient } from './redis-clients.js';
export type { ClaimResult, WebhookDedupeStore } from '../dedupe-store.js';
