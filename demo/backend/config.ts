import { ownDefined } from '../../src/contract/own-defined.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import type { DeclaredParams } from '../../src/contract/agent-definition.js';
import { MODEL_NAMES, parseAgentsFile, type AgentEntry, type FileAgent, type ModelName } from '../../src/contract/agents-file.js';
import { AGENT_ID_PATTERN, SIGNED_PARAMS_LIMITS, WEBHOOK_SECRET_PATTERN } from '../../src/contract/protocol.js';
import { describeIssues } from '../../src/contract/zod-issues.js';

export type { ModelName };

/** One agent the backend serves: its own webhook endpoint, secrets, origins, model and declared params. */
export interface AgentConfig {
  id: string;
  name: string;
  webhookUrl: string;
  webhookSecret: string;
  /** True when no secret was given and one was generated (the CLI prints it). */
  webhookSecretGenerated: boolean;
  signingSecret: string;
  allowedOrigins: readonly string[];
  model: ModelName;
  /** Declared custom params; none declared means any param valid under the shared rules. */
  params: DeclaredParams;
}

/** Connection to an OpenAI-compatible chat endpoint, for `--model openai`. */
export interface LlmConfig {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
}

/** The normalised configuration every part of the backend receives. */
export interface BackendConfig {
  port: number;
  host: string;
  /**
   * The agents served: from `--agents-file` (or `agentEntries`), else one per `--agent`, all sharing the
   * one-agent flags (`--webhook-url`, `--webhook-secret`, `--signing-secret`, `--allowed-origin`, `--model`).
   */
  agents: readonly AgentConfig[];
  /** Longest lifetime (exp - iat) of a signed-params token accepted, in seconds. */
  signedParamsMaxLifetimeSeconds: number;
  /** Browser origins allowed on routes of no agent, and the default of agents that name none. */
  allowedOrigins: readonly string[];
  dataDir: string;
  llm: LlmConfig | undefined;
  retrySchedule: readonly number[];
  deliveryTimeoutMs: number;
  /** Delivery attempts in flight at once (each on its own connection). */
  deliveryConcurrency: number;
  /** Echo model pacing: wait before the first delta (a `status` event is sent first), and between deltas. */
  firstTokenDelayMs: number;
  deltaDelayMs: number;
  /** Interval of the `: keep-alive` comments on an open stream, waiting duplicates included. */
  heartbeatMs: number;
  /** Time to receive a whole request (headers and body); a response, a stream included, may take longer. */
  requestTimeoutMs: number;
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Connections open at once; new ones beyond it are dropped, so slow clients cannot exhaust descriptors. */
  maxConnections: number;
  /** Queries per conversation per minute; 0 disables the limit. */
  rateLimit: number;
  /** Queries per client address per minute (default ten times `rateLimit`); 0 disables the limit. */
  rateLimitPerAddress: number;
  log: (message: string) => void;
}

/** The backend's options: the flags' names, in camel case. */
export type BackendOptions = Partial<Omit<BackendConfig, 'agents' | 'llm'>> & {
  llm?: LlmConfig;
  /** Agent ids served with the one-agent flags below (`--agent`, repeatable). */
  agents?: readonly string[];
  webhookUrl?: string;
  webhookSecret?: string;
  signingSecret?: string;
  /** The default model, for flag-defined agents and file agents that name none. */
  model?: ModelName;
  /** Path of an agents file (`--agents-file`): the agents, each with its own endpoint and declared params. */
  agentsFile?: string;
  /** The same as `agents` of an agents file, given in code. */
  agentEntries?: Readonly<Record<string, AgentEntry>>;
};

/** Flags that describe the one agent of the shorthand; an agents file says them per agent. */
const PER_AGENT_OPTIONS = ['agents', 'webhookUrl', 'webhookSecret', 'signingSecret'] as const;

export const DEFAULTS = Object.freeze({
  port: 8787,
  host: '127.0.0.1',
  agents: Object.freeze(['demo']),
  webhookUrl: 'http://127.0.0.1:3000/webhooks',
  // None listed: any loopback origin (localhost, 127.0.0.1, [::1]) on any port, for local development.
  allowedOrigins: Object.freeze([] as string[]),
  dataDir: '.data/backend',
  model: 'echo' as ModelName,
  retrySchedule: Object.freeze([1000, 5000, 30_000, 120_000, 600_000]),
  deliveryTimeoutMs: 15_000,
  // Enough in flight that delivery keeps pace with commits even while the backend is saturated (at 64
  // the outbox fell seconds behind a backend answering as fast as it could).
  deliveryConcurrency: 256,
  signedParamsMaxLifetimeSeconds: SIGNED_PARAMS_LIMITS.maxLifetimeSeconds,
  firstTokenDelayMs: 0,
  deltaDelayMs: 20,
  // A third of the SDK's 30 s idle watchdog, so timer drift on a busy process never lets it fire.
  heartbeatMs: 10_000,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  // With 256 delivery connections, still under the common 1,024 file descriptors.
  maxConnections: 512,
  rateLimit: 30,
});

const nonNegativeInt = z.int().check(z.gte(0));

const BackendOptionsSchema = z.object({
  port: z.optional(z.int().check(z.gte(0), z.lte(65_535))),
  host: z.optional(z.string().check(z.minLength(1))),
  agents: z.optional(z.array(z.string().check(z.regex(AGENT_ID_PATTERN))).check(z.minLength(1))),
  webhookUrl: z.optional(z.url({ protocol: /^https?$/ })),
  webhookSecret: z.optional(z.string().check(z.regex(WEBHOOK_SECRET_PATTERN))),
  signingSecret: z.optional(z.string().check(z.minLength(16))),
  signedParamsMaxLifetimeSeconds: z.optional(z.int().check(z.gte(1))),
  allowedOrigins: z.optional(z.array(z.string().check(z.minLength(1)))),
  dataDir: z.optional(z.string().check(z.minLength(1))),
  model: z.optional(z.enum(MODEL_NAMES)),
  agentsFile: z.optional(z.string().check(z.minLength(1))),
  // Checked below with the agents file's own schema, so its errors name the agent and the field.
  agentEntries: z.optional(z.record(z.string(), z.unknown())),
  retrySchedule: z.optional(z.array(nonNegativeInt)),
  deliveryTimeoutMs: z.optional(z.int().check(z.gte(1))),
  deliveryConcurrency: z.optional(z.int().check(z.gte(1), z.lte(4096))),
  firstTokenDelayMs: z.optional(nonNegativeInt),
  deltaDelayMs: z.optional(nonNegativeInt),
  heartbeatMs: z.optional(z.int().check(z.gte(1))),
  requestTimeoutMs: z.optional(z.int().check(z.gte(1))),
  headersTimeoutMs: z.optional(z.int().check(z.gte(1))),
  maxConnections: z.optional(z.int().check(z.gte(1))),
  rateLimit: z.optional(nonNegativeInt),
  rateLimitPerAddress: z.optional(nonNegativeInt),
});

/** Spreads the defaults under the given options, validates them and generates missing secrets. */
export function resolveConfig(options: BackendOptions = {}, env: Record<string, string | undefined> = process.env): BackendConfig {
  const { log, llm, ...rest } = options;
  const parsed = BackendOptionsSchema.safeParse(ownDefined(rest));
  if (!parsed.success) throw new Error(`Invalid backend options: ${describeIssues(parsed.error.issues, 'options')}`);
  const given = ownDefined(parsed.data);
  const merged = { ...DEFAULTS, rateLimitPerAddress: 10 * (given.rateLimit ?? DEFAULTS.rateLimit), ...given };
  if (merged.headersTimeoutMs > merged.requestTimeoutMs) {
    throw new Error(
      `Invalid backend options: headersTimeoutMs (${merged.headersTimeoutMs}) must not exceed requestTimeoutMs (${merged.requestTimeoutMs})`,
    );
  }
  const { agentsFile, agentEntries, webhookUrl, webhookSecret, signingSecret, model, ...shared } = merged;
  const allowedOrigins = Object.freeze([...merged.allowedOrigins]);
  const fileAgents = agentsFromFile(given, agentsFile, agentEntries);
  const agents = fileAgents
    ? fileAgents.map((agent) => agentConfig(agent, { allowedOrigins, model }))
    : [...new Set(merged.agents)].map((id) =>
        agentConfig({ id, name: id, webhookUrl, webhookSecret, signingSecret, params: {} }, { allowedOrigins, model }),
      );
  return Object.freeze({
    ...shared,
    agents: Object.freeze(agents),
    allowedOrigins,
    retrySchedule: Object.freeze([...merged.retrySchedule]),
    llm: agents.some((agent) => agent.model === 'openai') ? (llm ?? llmFromEnv(env)) : undefined,
    log: log ?? ((message: string) => console.error(message)),
  });
}

/** The agents of `--agents-file` or `agentEntries`, or undefined when the one-agent flags define them. */
function agentsFromFile(
  given: Record<string, unknown>,
  file: string | undefined,
  entries: Record<string, unknown> | undefined,
): FileAgent[] | undefined {
  if (file === undefined && entries === undefined) return undefined;
  if (file !== undefined && entries !== undefined) throw new Error('Invalid backend options: give agentsFile or agentEntries, not both');
  const clashing = PER_AGENT_OPTIONS.filter((key) => given[key] !== undefined);
  if (clashing.length) {
    throw new Error(`Invalid backend options: ${clashing.join(', ')} cannot be combined with an agents file, which sets them per agent`);
  }
  if (file === undefined) return parseAgentsFile(JSON.stringify({ agents: entries }), 'agentEntries');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the agents file ${file}: ${(error as Error).message}`);
  }
  return parseAgentsFile(text, file);
}

function agentConfig(agent: FileAgent, defaults: { allowedOrigins: readonly string[]; model: ModelName }): AgentConfig {
  return Object.freeze({
    id: agent.id,
    name: agent.name,
    webhookUrl: agent.webhookUrl,
    webhookSecret: agent.webhookSecret ?? `whsec_${randomBytes(24).toString('base64')}`,
    webhookSecretGenerated: agent.webhookSecret === undefined,
    signingSecret: agent.signingSecret ?? randomBytes(32).toString('base64url'),
    allowedOrigins: Object.freeze([...(agent.allowedOrigins ?? defaults.allowedOrigins)]),
    model: agent.model ?? defaults.model,
    params: agent.params,
  });
}

function llmFromEnv(env: Record<string, string | undefined>): LlmConfig {
  const baseUrl = env.AICADO_LLM_BASE_URL;
  const model = env.AICADO_LLM_MODEL;
  if (!baseUrl || !model) {
    throw new Error('--model openai needs AICADO_LLM_BASE_URL and AICADO_LLM_MODEL (and usually AICADO_LLM_API_KEY) in the environment');
  }
  return { baseUrl, model, apiKey: env.AICADO_LLM_API_KEY || undefined };
}

export const USAGE = `Usage: npm run backend -- [flags]

  --port <n>                 port, 0 for an ephemeral one        (default ${DEFAULTS.port})
  --host <host>              interface to listen on              (default ${DEFAULTS.host})
  --agents-file <file>       agents.json: each agent's webhook URL, secrets, origins, model and
                             declared params (instead of --agent, --webhook-url, --webhook-secret, --signing-secret)
  --agent <id>               agent id to serve; repeatable       (default ${DEFAULTS.agents.join(', ')})
  --webhook-url <url>        where webhooks are POSTed           (default ${DEFAULTS.webhookUrl})
  --webhook-secret <whsec_>  webhook signing secret              (default: generated and printed)
  --signing-secret <s>       secret for signed params            (default: generated)
  --signed-params-max-lifetime <s>  longest token lifetime, exp - iat (default ${DEFAULTS.signedParamsMaxLifetimeSeconds})
  --allowed-origin <origin>  browser origin allowed; repeatable  (default: loopback origins on any port)
  --data-dir <dir>           SQLite data directory               (default ${DEFAULTS.dataDir})
  --model echo|openai        openai reads AICADO_LLM_BASE_URL, AICADO_LLM_API_KEY, AICADO_LLM_MODEL (default ${DEFAULTS.model})
  --retry-schedule <ms,…>    waits between delivery attempts     (default ${DEFAULTS.retrySchedule.join(',')})
  --delivery-timeout-ms <n>  timeout of one delivery attempt     (default ${DEFAULTS.deliveryTimeoutMs})
  --delivery-concurrency <n> delivery attempts in flight at once (default ${DEFAULTS.deliveryConcurrency})
  --first-token-delay-ms <n> echo: wait before the first delta, after a status event (default ${DEFAULTS.firstTokenDelayMs})
  --delta-delay-ms <n>       echo: wait between deltas; old name --echo-delay-ms (default ${DEFAULTS.deltaDelayMs})
  --heartbeat-ms <n>         keep-alive comment interval on streams (default ${DEFAULTS.heartbeatMs})
  --request-timeout-ms <n>   time to receive a whole request    (default ${DEFAULTS.requestTimeoutMs})
  --headers-timeout-ms <n>   time to receive request headers    (default ${DEFAULTS.headersTimeoutMs})
  --max-connections <n>      connections open at once            (default ${DEFAULTS.maxConnections})
  --rate-limit <n>           queries per conversation per minute, 0 = off (default ${DEFAULTS.rateLimit})
  --rate-limit-per-address <n>  queries per client address per minute, 0 = off (default 10 × --rate-limit)
`;

/** Turns command-line flags into backend options; every flag is optional. */
export function parseFlags(args: readonly string[]): BackendOptions & { help: boolean } {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'agents-file': { type: 'string' },
      agent: { type: 'string', multiple: true },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'signing-secret': { type: 'string' },
      'signed-params-max-lifetime': { type: 'string' },
      'allowed-origin': { type: 'string', multiple: true },
      'data-dir': { type: 'string' },
      model: { type: 'string' },
      'retry-schedule': { type: 'string' },
      'delivery-timeout-ms': { type: 'string' },
      'delivery-concurrency': { type: 'string' },
      'first-token-delay-ms': { type: 'string' },
      'delta-delay-ms': { type: 'string' },
      'echo-delay-ms': { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      'headers-timeout-ms': { type: 'string' },
      'max-connections': { type: 'string' },
      'rate-limit': { type: 'string' },
      'rate-limit-per-address': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return {
    help: values.help ?? false,
    port: toNumber(values.port),
    host: values.host,
    agentsFile: values['agents-file'],
    agents: values.agent,
    webhookUrl: values['webhook-url'],
    webhookSecret: values['webhook-secret'],
    signingSecret: values['signing-secret'],
    signedParamsMaxLifetimeSeconds: toNumber(values['signed-params-max-lifetime']),
    allowedOrigins: values['allowed-origin'],
    dataDir: values['data-dir'],
    model: values.model as ModelName | undefined, // checked by resolveConfig
    retrySchedule: values['retry-schedule']
      ?.split(',')
      .filter((part) => part.trim() !== '')
      .map(Number),
    deliveryTimeoutMs: toNumber(values['delivery-timeout-ms']),
    deliveryConcurrency: toNumber(values['delivery-concurrency']),
    firstTokenDelayMs: toNumber(values['first-token-delay-ms']),
    deltaDelayMs: toNumber(values['delta-delay-ms'] ?? values['echo-delay-ms']),
    heartbeatMs: toNumber(values['heartbeat-ms']),
    requestTimeoutMs: toNumber(values['request-timeout-ms']),
    headersTimeoutMs: toNumber(values['headers-timeout-ms']),
    maxConnections: toNumber(values['max-connections']),
    rateLimit: toNumber(values['rate-limit']),
    rateLimitPerAddress: toNumber(values['rate-limit-per-address']),
  };
}

function toNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
