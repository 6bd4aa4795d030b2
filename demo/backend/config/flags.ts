import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { MODEL_NAMES } from '../../../src/contract/agents-file.js';
import { AGENT_ID_PATTERN, SIGNED_PARAMS_LIMITS, WEBHOOK_SECRET_PATTERN } from '../../../src/contract/protocol.js';

// The backend's flags, one entry each: the parser, the usage text, the defaults, the option schema and the
// merge with an agents file are all read from FLAGS, so a flag added here is added everywhere.

/** How one occurrence of a flag's text becomes a value, and how a value is written back as it is typed. */
export interface Kind<T> {
  parse(text: string): T;
  format(value: T): string;
}

/** Any text gives a number (`abc` gives NaN), so a bad value is refused by the schema, which names the option. */
const integer: Kind<number> = { parse: Number, format: String };
const text: Kind<string> = { parse: (value) => value, format: (value) => value };
const integers: Kind<number[]> = {
  parse: (value) =>
    value
      .split(',')
      .filter((part) => part.trim() !== '')
      .map(Number),
  format: (value) => value.join(','),
};

/**
 * What an absent flag means: a fixed value (`says` words it where the value would not), a fresh value per
 * agent, a value derived from the other options once resolved, or nothing (`says` tells what happens instead).
 */
export type FlagDefault<T> =
  | { value: T; says?: string }
  | { generate: () => T; says: string }
  | { derive: (resolved: Readonly<Record<string, unknown>>) => T; says: string }
  | { says: string };

/**
 * How a flag meets an agents file. `backend`: the backend's own setting, the same with or without a file.
 * `agent`: a setting of the agents the flags define; a file sets it per agent, so giving both is an error.
 * `fallback`: what an agent that names none gets, file agents included. `file`: names the file.
 */
export type Merge = 'backend' | 'agent' | 'fallback' | 'file';

interface FlagSpec<S extends z.ZodMiniType, M extends Merge, D extends FlagDefault<z.output<S>>> {
  /** The command-line name, without `--`. */
  name: string;
  /** Older names still accepted; the current name wins when both are given. */
  aliases?: readonly string[];
  /** The value's placeholder in the usage text. */
  value: string;
  /** What the flag means, for the usage text. */
  help: string;
  /** Checks the option's value, from a flag or from code. */
  schema: S;
  default: D;
  merge: M;
}

export type Flag<
  S extends z.ZodMiniType = z.ZodMiniType,
  M extends Merge = Merge,
  D extends FlagDefault<z.output<S>> = FlagDefault<z.output<S>>,
> = FlagSpec<S, M, D> & {
  aliases: readonly string[];
  /** Repeatable flags are given once per item, and `kind` reads each item. */
  repeatable: boolean;
  kind: Kind<unknown>;
};

type Item<T> = T extends readonly (infer I)[] ? I : never;

function flag<S extends z.ZodMiniType, M extends Merge, D extends FlagDefault<z.output<S>>>(
  spec: FlagSpec<S, M, D> & { kind: Kind<z.output<S>> },
): Flag<S, M, D> {
  return { aliases: [], ...spec, repeatable: false, kind: spec.kind as Kind<unknown> };
}

function repeatableFlag<S extends z.ZodMiniType, M extends Merge, D extends FlagDefault<z.output<S>>>(
  spec: FlagSpec<S, M, D> & { kind: Kind<Item<z.output<S>>> },
): Flag<S, M, D> {
  return { aliases: [], ...spec, repeatable: true, kind: spec.kind as Kind<unknown> };
}

const nonNegative = z.int().check(z.gte(0));
const positive = z.int().check(z.gte(1));
const nonEmpty = z.string().check(z.minLength(1));

/** Keyed by the option's name in code; in usage order. */
export const FLAGS = {
  port: flag({
    name: 'port',
    value: '<n>',
    help: 'port, 0 for an ephemeral one',
    kind: integer,
    schema: z.int().check(z.gte(0), z.lte(65_535)),
    default: { value: 8787 },
    merge: 'backend',
  }),
  host: flag({
    name: 'host',
    value: '<host>',
    help: 'interface to listen on',
    kind: text,
    schema: nonEmpty,
    default: { value: '127.0.0.1' },
    merge: 'backend',
  }),
  agentsFile: flag({
    name: 'agents-file',
    value: '<file>',
    help: "agents.json: each agent's webhook URL, secrets, origins, model and declared params",
    kind: text,
    schema: nonEmpty,
    default: { says: 'none, one agent per --agent' },
    merge: 'file',
  }),
  agents: repeatableFlag({
    name: 'agent',
    value: '<id>',
    help: 'agent id to serve',
    kind: text,
    schema: z.array(z.string().check(z.regex(AGENT_ID_PATTERN))).check(z.minLength(1)),
    default: { value: ['demo'] },
    merge: 'agent',
  }),
  webhookUrl: flag({
    name: 'webhook-url',
    value: '<url>',
    help: 'where webhooks are POSTed',
    kind: text,
    schema: z.url({ protocol: /^https?$/ }),
    default: { value: 'http://127.0.0.1:3000/webhooks' },
    merge: 'agent',
  }),
  webhookSecret: flag({
    name: 'webhook-secret',
    value: '<whsec_…>',
    help: 'webhook signing secret',
    kind: text,
    schema: z.string().check(z.regex(WEBHOOK_SECRET_PATTERN)),
    default: { generate: () => `whsec_${randomBytes(24).toString('base64')}`, says: 'generated and printed' },
    merge: 'agent',
  }),
  signingSecret: flag({
    name: 'signing-secret',
    value: '<s>',
    help: 'secret for signed params',
    kind: text,
    schema: z.string().check(z.minLength(16)),
    default: { generate: () => randomBytes(32).toString('base64url'), says: 'generated' },
    merge: 'agent',
  }),
  signedParamsMaxLifetimeSeconds: flag({
    name: 'signed-params-max-lifetime',
    value: '<s>',
    help: 'longest signed-params token lifetime, exp - iat, in seconds',
    kind: integer,
    schema: positive,
    default: { value: SIGNED_PARAMS_LIMITS.maxLifetimeSeconds },
    merge: 'backend',
  }),
  // Also the rule of routes of no agent. None listed: any loopback origin (localhost, 127.0.0.1, [::1]) on
  // any port, for local development.
  allowedOrigins: repeatableFlag({
    name: 'allowed-origin',
    value: '<origin>',
    help: 'browser origin allowed',
    kind: text,
    schema: z.array(nonEmpty),
    default: { value: [], says: 'loopback origins on any port' },
    merge: 'fallback',
  }),
  dataDir: flag({
    name: 'data-dir',
    value: '<dir>',
    help: 'SQLite data directory',
    kind: text,
    schema: nonEmpty,
    default: { value: '.data/backend' },
    merge: 'backend',
  }),
  model: flag({
    name: 'model',
    value: MODEL_NAMES.join('|'),
    help: 'openai reads AICADO_LLM_BASE_URL, AICADO_LLM_API_KEY, AICADO_LLM_MODEL',
    kind: text as Kind<(typeof MODEL_NAMES)[number]>, // any text; the schema refuses other names
    schema: z.enum(MODEL_NAMES),
    default: { value: 'echo' as const }, // kept a literal, so it checks against the enum
    merge: 'fallback',
  }),
  retrySchedule: flag({
    name: 'retry-schedule',
    value: '<ms,…>',
    help: 'waits between delivery attempts',
    kind: integers,
    schema: z.array(nonNegative),
    default: { value: [1000, 5000, 30_000, 120_000, 600_000] },
    merge: 'backend',
  }),
  deliveryTimeoutMs: flag({
    name: 'delivery-timeout-ms',
    value: '<n>',
    help: 'timeout of one delivery attempt',
    kind: integer,
    schema: positive,
    default: { value: 15_000 },
    merge: 'backend',
  }),
  // Enough in flight, each on its own connection, that delivery keeps pace with commits even while the
  // backend is saturated.
  deliveryConcurrency: flag({
    name: 'delivery-concurrency',
    value: '<n>',
    help: 'delivery attempts in flight at once',
    kind: integer,
    schema: z.int().check(z.gte(1), z.lte(4096)),
    default: { value: 256 },
    merge: 'backend',
  }),
  firstTokenDelayMs: flag({
    name: 'first-token-delay-ms',
    value: '<n>',
    help: 'echo: wait before the first delta, after a status event',
    kind: integer,
    schema: nonNegative,
    default: { value: 0 },
    merge: 'backend',
  }),
  deltaDelayMs: flag({
    name: 'delta-delay-ms',
    aliases: ['echo-delay-ms'],
    value: '<n>',
    help: 'echo: wait between deltas',
    kind: integer,
    schema: nonNegative,
    default: { value: 20 },
    merge: 'backend',
  }),
  // A third of the SDK's 30 s idle watchdog, so timer drift on a busy process never lets it fire.
  heartbeatMs: flag({
    name: 'heartbeat-ms',
    value: '<n>',
    help: 'keep-alive comment interval on streams, waiting duplicates included',
    kind: integer,
    schema: positive,
    default: { value: 10_000 },
    merge: 'backend',
  }),
  // A response, a stream included, may take longer than the request it answers.
  requestTimeoutMs: flag({
    name: 'request-timeout-ms',
    value: '<n>',
    help: 'time to receive a whole request, headers and body',
    kind: integer,
    schema: positive,
    default: { value: 30_000 },
    merge: 'backend',
  }),
  headersTimeoutMs: flag({
    name: 'headers-timeout-ms',
    value: '<n>',
    help: 'time to receive request headers, at most --request-timeout-ms',
    kind: integer,
    schema: positive,
    default: { value: 10_000 },
    merge: 'backend',
  }),
  // New connections beyond it are dropped, so slow clients cannot exhaust descriptors; with 256 delivery
  // connections it stays under the common limit of 1,024 file descriptors.
  maxConnections: flag({
    name: 'max-connections',
    value: '<n>',
    help: 'connections open at once',
    kind: integer,
    schema: positive,
    default: { value: 512 },
    merge: 'backend',
  }),
  rateLimit: flag({
    name: 'rate-limit',
    value: '<n>',
    help: 'queries per conversation per minute, 0 = off',
    kind: integer,
    schema: nonNegative,
    default: { value: 30 },
    merge: 'backend',
  }),
  rateLimitPerAddress: flag({
    name: 'rate-limit-per-address',
    value: '<n>',
    help: 'queries per client address per minute, 0 = off',
    kind: integer,
    schema: nonNegative,
    default: { derive: (resolved) => 10 * Number(resolved.rateLimit), says: '10 × --rate-limit' },
    merge: 'backend',
  }),
};

type Flags = typeof FLAGS;
export type FlagKey = keyof Flags;
/** The value of each flag's option, as its schema gives it; arrays read-only. */
export type FlagValues = { [K in FlagKey]: Readonly<z.output<Flags[K]['schema']>> };
/** The options whose flag meets an agents file in the given way. */
export type KeysMerged<M extends Merge> = { [K in FlagKey]: Flags[K]['merge'] extends M ? K : never }[FlagKey];
/** The options whose default has the given shape (`{ value }`, `{ derive }`, `{ generate }`). */
export type KeysDefaulted<Shape> = { [K in FlagKey]: Flags[K]['default'] extends Shape ? K : never }[FlagKey];

/** The flags in usage order, each with its option's name. */
export const FLAG_ENTRIES = Object.entries(FLAGS) as [FlagKey, Flag][];

/** The options of a merge kind, in usage order. */
export function keysMerged<M extends Merge>(merge: M): KeysMerged<M>[] {
  return FLAG_ENTRIES.filter(([, entry]) => entry.merge === merge).map(([key]) => key as KeysMerged<M>);
}

/** The fixed defaults, frozen: a flag whose default is generated or derived has none here. */
export const DEFAULTS = Object.freeze(
  Object.fromEntries(
    FLAG_ENTRIES.flatMap(([key, entry]) =>
      'value' in entry.default
        ? [[key, Array.isArray(entry.default.value) ? Object.freeze([...entry.default.value]) : entry.default.value]]
        : [],
    ),
  ),
) as { readonly [K in KeysDefaulted<{ value: unknown }>]: FlagValues[K] };

/** A flag's default as the usage text shows it. */
export function describeDefault(entry: Flag): string {
  const given = entry.default;
  if (!('value' in given) || given.says !== undefined) return `default: ${given.says}`;
  const items = entry.repeatable ? (given.value as unknown[]) : [given.value];
  return `default ${items.map((item) => entry.kind.format(item)).join(', ')}`;
}
