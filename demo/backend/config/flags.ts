import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { MODEL_NAMES } from '../../../src/contract/agents-file.js';
import { AGENT_ID_PATTERN, CONVERSATION_LIMITS, SIGNED_PARAMS_LIMITS, WEBHOOK_SECRET_PATTERN } from '../../../src/contract/protocol.js';
import { type Flag, flag, integer, integers, type Kind, type Merge, decimal, repeatableFlag, text } from './flag.js';

// The backend's flags, one entry each: the parser, the usage text, the defaults, the option schema and the
// merge with an agents file are all read from FLAGS, so a flag added here is added everywhere.

const nonNegative = z.int().check(z.gte(0));
const positive = z.int().check(z.gte(1));
const nonEmpty = z.string().check(z.minLength(1));

/** Keyed by the option's name in code; in usage order. */
export const FLAGS = {
  port: flag({
    name: 'port',
    value: '<n>',
    help: 'port, 0 for an ephemeral one',
    allowed: 'a whole number from 0 to 65535 (0 picks a free one)',
    kind: integer,
    schema: z.int().check(z.gte(0), z.lte(65_535)),
    default: { value: 8787 },
    merge: 'backend',
  }),
  host: flag({
    name: 'host',
    value: '<host>',
    help: 'interface to listen on',
    allowed: 'a host name or address, such as 127.0.0.1 or 0.0.0.0',
    kind: text,
    schema: nonEmpty,
    default: { value: '127.0.0.1' },
    merge: 'backend',
  }),
  agentsFile: flag({
    name: 'agents-file',
    value: '<file>',
    help: "agents.json: each agent's webhook URL, secrets, origins, model and declared params",
    allowed: 'the path of an agents file',
    kind: text,
    schema: nonEmpty,
    default: { says: 'none, one agent per --agent' },
    merge: 'file',
  }),
  agents: repeatableFlag({
    name: 'agent',
    value: '<id>',
    help: 'agent id to serve',
    allowed: '1 to 64 letters, digits, _ or -',
    kind: text,
    schema: z.array(z.string().check(z.regex(AGENT_ID_PATTERN))).check(z.minLength(1)),
    default: { value: ['demo'] },
    merge: 'agent',
  }),
  webhookUrl: flag({
    name: 'webhook-url',
    value: '<url>',
    help: 'where webhooks are POSTed',
    allowed: 'an http:// or https:// URL, such as http://localhost:3000/webhooks',
    kind: text,
    schema: z.url({ protocol: /^https?$/ }),
    default: { value: 'http://127.0.0.1:3000/webhooks' },
    merge: 'agent',
  }),
  webhookSecret: flag({
    name: 'webhook-secret',
    value: '<whsec_…>',
    help: 'webhook signing secret',
    allowed: 'whsec_ followed by base64 text (letters, digits, + and /, up to two = at the end)',
    kind: text,
    schema: z.string().check(z.regex(WEBHOOK_SECRET_PATTERN)),
    default: { generate: () => `whsec_${randomBytes(24).toString('base64')}`, says: 'generated and printed' },
    merge: 'agent',
  }),
  signingSecret: flag({
    name: 'signing-secret',
    value: '<s>',
    help: 'secret for signed params',
    allowed: 'any text of at least 16 characters',
    kind: text,
    schema: z.string().check(z.minLength(16)),
    default: { generate: () => randomBytes(32).toString('base64url'), says: 'generated and printed' },
    merge: 'agent',
  }),
  signedParamsMaxLifetimeSeconds: flag({
    name: 'signed-params-max-lifetime',
    value: '<s>',
    help: 'longest signed-params token lifetime, exp - iat, in seconds',
    allowed: 'a whole number of seconds, 1 or more',
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
    allowed: 'an origin, such as https://shop.example or http://localhost:5173',
    kind: text,
    schema: z.array(nonEmpty),
    default: { value: [], says: 'loopback origins on any port' },
    merge: 'fallback',
  }),
  dataDir: flag({
    name: 'data-dir',
    value: '<dir>',
    help: 'SQLite data directory',
    allowed: 'the path of a directory',
    kind: text,
    schema: nonEmpty,
    default: { value: '.data/backend' },
    merge: 'backend',
  }),
  model: flag({
    name: 'model',
    value: MODEL_NAMES.join('|'),
    help: 'openai reads AICADO_LLM_BASE_URL, AICADO_LLM_API_KEY, AICADO_LLM_MODEL',
    allowed: MODEL_NAMES.join(' or '),
    kind: text as Kind<(typeof MODEL_NAMES)[number]>, // any text; the schema refuses other names
    schema: z.enum(MODEL_NAMES),
    default: { value: 'echo' as const }, // kept a literal, so it checks against the enum
    merge: 'fallback',
  }),
  retrySchedule: flag({
    name: 'retry-schedule',
    value: '<ms,…>',
    help: 'waits between delivery attempts',
    allowed: 'whole numbers of milliseconds, 0 or more, separated by commas, such as 1000,5000,30000',
    kind: integers,
    schema: z.array(nonNegative),
    default: { value: [1000, 5000, 30_000, 120_000, 600_000] },
    merge: 'backend',
  }),
  deliveryTimeoutMs: flag({
    name: 'delivery-timeout-ms',
    value: '<n>',
    help: 'timeout of one delivery attempt',
    allowed: 'a whole number, 1 or more',
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
    allowed: 'a whole number from 1 to 4096',
    kind: integer,
    schema: z.int().check(z.gte(1), z.lte(4096)),
    default: { value: 256 },
    merge: 'backend',
  }),
  firstTokenDelayMs: flag({
    name: 'first-token-delay-ms',
    value: '<n>',
    help: 'echo: wait before the first delta, after a status event',
    allowed: 'a whole number, 0 or more',
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
    allowed: 'a whole number, 0 or more',
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
    allowed: 'a whole number, 1 or more',
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
    allowed: 'a whole number, 1 or more',
    kind: integer,
    schema: positive,
    default: { value: 30_000 },
    merge: 'backend',
  }),
  headersTimeoutMs: flag({
    name: 'headers-timeout-ms',
    value: '<n>',
    help: 'time to receive request headers, at most --request-timeout-ms',
    allowed: 'a whole number, 1 or more',
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
    allowed: 'a whole number, 1 or more',
    kind: integer,
    schema: positive,
    default: { value: 512 },
    merge: 'backend',
  }),
  // So one client cannot take every connection. The machine's own address (127.0.0.1, ::1) is exempt: it
  // is the developer, or a proxy in front whose visitors all share it.
  maxConnectionsPerAddress: flag({
    name: 'max-connections-per-address',
    value: '<n>',
    help: 'connections one client address may hold open, 0 = no cap; loopback exempt',
    allowed: 'a whole number, 0 or more',
    kind: integer,
    schema: nonNegative,
    default: { derive: (resolved) => Math.ceil(Number(resolved.maxConnections) / 2), says: 'half of --max-connections' },
    merge: 'backend',
  }),
  // Fractions are allowed, so a test can end conversations within a second (0.01 is 600 ms); a week at most.
  conversationIdleMinutes: flag({
    name: 'conversation-idle-minutes',
    value: '<min>',
    help: 'a conversation with no query for this long ends (conversation.ended, reason idle); fractions allowed',
    allowed: 'a number of minutes above 0 and at most 10080 (a week), such as 30 or 0.5',
    kind: decimal,
    schema: z.number().check(z.gt(0), z.lte(7 * 24 * 60)),
    default: { value: CONVERSATION_LIMITS.defaultIdleMinutes },
    merge: 'backend',
  }),
  rateLimit: flag({
    name: 'rate-limit',
    value: '<n>',
    help: 'queries per conversation per minute, 0 = off',
    allowed: 'a whole number, 0 or more',
    kind: integer,
    schema: nonNegative,
    default: { value: 30 },
    merge: 'backend',
  }),
  rateLimitPerAddress: flag({
    name: 'rate-limit-per-address',
    value: '<n>',
    help: 'queries per client address per minute, 0 = off',
    allowed: 'a whole number, 0 or more',
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
