import type { ClaimResult, WebhookDedupeStore } from '../dedupe-store.js';
import { WebhookVerificationError } from '../errors.js';
import { type IoRedisClient, type NodeRedisClient, scriptRunnerOf } from './redis-clients.js';

export interface RedisDedupeStoreOptions {
  /** Put before each `webhook-id` to make its key; default `aicado:webhook:`. */
  prefix?: string;
  /** How long a handled id is remembered, in seconds; default 7 days, longer than Aicado's retry schedule. */
  ttlSeconds?: number;
}

const DEFAULTS = Object.freeze({ prefix: 'aicado:webhook:', ttlSeconds: 7 * 24 * 3600 });

/** A key holds a claim's token while its lease lasts, then `done` for `ttlSeconds` once handled. */
const DONE = 'done';

// Each script reads and writes one key in one step, so no other instance acts between the two.
const CLAIM = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'claimed' end
if redis.call('GET', KEYS[1]) == '${DONE}' then return 'done' end
return 'busy'`;
const COMPLETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], '${DONE}', 'EX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

/**
 * A dedupe store shared by every instance of the receiver, on the node-redis (v5 or later) or ioredis
 * client the app already has. A claim is `SET key token NX PX leaseMs`; complete and release act only
 * while the key still holds this store's token, so a process whose lease ended cannot touch the claim
 * another delivery took since.
 */
export function createRedisDedupeStore(client: NodeRedisClient | IoRedisClient, options: RedisDedupeStoreOptions = {}): WebhookDedupeStore {
  const run = scriptRunnerOf(client);
  const { prefix, ttlSeconds } = { ...DEFAULTS, ...definedOnly(options) };
  if (typeof prefix !== 'string') {
    throw new WebhookVerificationError('invalid_options', `prefix must be a string (default "${DEFAULTS.prefix}"), got ${typeof prefix}`);
  }
  if (typeof ttlSeconds !== 'number' || !Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new WebhookVerificationError(
      'invalid_options',
      `ttlSeconds must be a whole number of seconds ≥ 1 (default ${DEFAULTS.ttlSeconds}, 7 days), got ${String(ttlSeconds)}`,
    );
  }
  /** The token of each claim this store holds, by id. */
  const tokens = new Map<string, string>();

  return {
    async claim(id, leaseMs) {
      const token = crypto.randomUUID();
      const result = String(await run(CLAIM, prefix + id, [token, String(leaseMs)])) as ClaimResult;
      if (result === 'claimed') tokens.set(id, token);
      return result;
    },
    async complete(id) {
      const token = tokens.get(id);
      if (token === undefined) return;
      tokens.delete(id);
      await run(COMPLETE, prefix + id, [token, String(ttlSeconds)]);
    },
    async release(id) {
      const token = tokens.get(id);
      if (token === undefined) return;
      tokens.delete(id);
      await run(RELEASE, prefix + id, [token]);
    },
  };
}

function definedOnly(options: unknown): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) {
    throw new WebhookVerificationError('invalid_options', `createRedisDedupeStore's options must be an object, got ${String(options)}`);
  }
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
