import { WebhookVerificationError } from '../errors.js';

/** The part of a node-redis client (v5 or later, `createClient()` or `createCluster()`) the store uses. */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  sendCommand(...args: never[]): unknown;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The part of an ioredis client (`new Redis()` or `new Redis.Cluster()`) the store uses. */
export interface IoRedisClient {
  readonly status: string;
  call(...args: never[]): unknown;
  eval(script: string, numberOfKeys: number, ...keysAndArguments: string[]): Promise<unknown>;
}

/** Runs a Lua script on one key, whichever of the two clients the app has. */
export type RunScript = (script: string, key: string, args: string[]) => Promise<unknown>;

/** Tells the two clients apart by their methods: ioredis has `call`, node-redis `sendCommand` and `isOpen`. */
export function scriptRunnerOf(client: unknown): RunScript {
  const candidate = client as Partial<Record<'call' | 'sendCommand' | 'eval' | 'isOpen' | 'status', unknown>> | null;
  if (typeof candidate?.eval === 'function') {
    if (typeof candidate.call === 'function' && typeof candidate.status === 'string') {
      const ioredis = client as IoRedisClient;
      return (script, key, args) => ioredis.eval(script, 1, key, ...args);
    }
    if (typeof candidate.sendCommand === 'function' && typeof candidate.isOpen === 'boolean') {
      const nodeRedis = client as NodeRedisClient;
      return (script, key, args) => nodeRedis.eval(script, { keys: [key], arguments: args });
    }
  }
  throw new WebhookVerificationError(
    'invalid_options',
    'createRedisDedupeStore takes a node-redis client (v5 or later: createClient() from "redis") or an ioredis client ' +
      `(new Redis() from "ioredis"), got ${client === null ? 'null' : typeof client === 'object' ? 'an object that is neither' : typeof client}`,
  );
}
