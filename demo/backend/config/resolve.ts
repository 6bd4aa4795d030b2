import { closeSync, openSync, readSync } from 'node:fs';
import * as z from 'zod/mini';
import type { ConsentDefinition, DeclaredParams } from '../../../src/contract/agent-definition.js';
import {
  MAX_AGENTS_FILE_BYTES,
  parseAgentsFile,
  type AgentEntry,
  type FileAgent,
  type ModelName,
} from '../../../src/contract/agents-file.js';
import { ownDefined } from '../../../src/contract/own-defined.js';
import { describeIssues } from '../../../src/contract/zod-issues.js';
import { withDefaults } from './defaults.js';
import { FLAG_ENTRIES, FLAGS, type FlagValues, type KeysMerged, keysMerged } from './flags.js';

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
  /** True when no signing secret was given and one was generated (the CLI prints it). */
  signingSecretGenerated: boolean;
  allowedOrigins: readonly string[];
  model: ModelName;
  /** Declared custom params; none declared means any param valid under the shared rules. */
  params: DeclaredParams;
  /** What the pre-chat form asks the visitor to tick, when defined. */
  consent?: ConsentDefinition;
}

/** Connection to an OpenAI-compatible chat endpoint, for `--model openai`. */
export interface LlmConfig {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
}

/**
 * The normalised configuration every part of the backend receives: the value of every flag that is not
 * about the agents themselves (see `FLAGS`), and the agents, from `--agents-file` (or `agentEntries`),
 * else one per `--agent`, all sharing the one-agent flags.
 */
export type BackendConfig = Pick<FlagValues, KeysMerged<'backend' | 'fallback'>> & {
  agents: readonly AgentConfig[];
  llm: LlmConfig | undefined;
  log: (message: string) => void;
};

/** The backend's options: the flags' values under their names in `FLAGS`, and what only code can give. */
export type BackendOptions = Partial<FlagValues> & {
  llm?: LlmConfig;
  log?: (message: string) => void;
  /** The same as `agents` of an agents file, given in code. */
  agentEntries?: Readonly<Record<string, AgentEntry>>;
};

type Given = Partial<FlagValues> & { agentEntries?: Record<string, unknown> };

const OptionsSchema = z.object({
  ...Object.fromEntries(FLAG_ENTRIES.map(([key, entry]) => [key, z.optional(entry.schema)])),
  // Checked below with the agents file's own schema, so its errors name the agent and the field.
  agentEntries: z.optional(z.record(z.string(), z.unknown())),
});

/** Spreads the defaults under the given options, validates them and generates missing secrets. */
export function resolveConfig(options: BackendOptions = {}, env: Record<string, string | undefined> = process.env): BackendConfig {
  const { log, llm, ...rest } = options;
  const parsed = OptionsSchema.safeParse(ownDefined(rest));
  if (!parsed.success) throw new Error(`Invalid backend options: ${describeIssues(parsed.error.issues, 'options')}`);
  const given = ownDefined(parsed.data) as Given;
  const resolved = withDefaults(given);
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new Error(
      `Invalid backend options: headersTimeoutMs (${resolved.headersTimeoutMs}) must not exceed requestTimeoutMs (${resolved.requestTimeoutMs})`,
    );
  }
  const fallback = { allowedOrigins: resolved.allowedOrigins, model: resolved.model };
  const { webhookUrl, webhookSecret, signingSecret } = resolved;
  const agents = (
    agentsFromFile(given) ??
    [...new Set(resolved.agents)].map((id) => ({ id, name: id, webhookUrl, webhookSecret, signingSecret, params: {} }))
  ).map((agent) => agentConfig(agent, fallback));
  const kept = [...keysMerged('backend'), ...keysMerged('fallback')].map((key) => [key, frozen(resolved[key])]);
  return Object.freeze({
    ...(Object.fromEntries(kept) as Pick<FlagValues, KeysMerged<'backend' | 'fallback'>>),
    agents: Object.freeze(agents),
    llm: agents.some((agent) => agent.model === 'openai') ? (llm ?? llmFromEnv(env)) : undefined,
    log: log ?? ((message: string) => console.error(message)),
  });
}

function frozen<T>(value: T): T {
  return Array.isArray(value) ? (Object.freeze([...value]) as T) : value;
}

/** The agents of `--agents-file` or `agentEntries`, or undefined when the one-agent flags define them. */
function agentsFromFile({ agentsFile: file, agentEntries: entries, ...given }: Given): FileAgent[] | undefined {
  if (file === undefined && entries === undefined) return undefined;
  if (file !== undefined && entries !== undefined) throw new Error('Invalid backend options: give agentsFile or agentEntries, not both');
  const clashing = keysMerged('agent').filter((key) => given[key] !== undefined);
  if (clashing.length) {
    throw new Error(`Invalid backend options: ${clashing.join(', ')} cannot be combined with an agents file, which sets them per agent`);
  }
  if (file === undefined) return parseAgentsFile(JSON.stringify({ agents: entries }), 'agentEntries');
  return parseAgentsFile(readAgentsFileText(file), file);
}

/**
 * The file's text, refused once it is known to exceed the limit in bytes: at most one byte more is
 * read, so neither multi-byte text nor a file with no size to stat (a pipe, /dev/zero) gets through.
 */
function readAgentsFileText(file: string): string {
  const bytes = Buffer.alloc(MAX_AGENTS_FILE_BYTES + 1);
  let size = 0;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    for (let read = 1; read > 0 && size < bytes.length; size += read) read = readSync(fd, bytes, size, bytes.length - size, null);
  } catch (error) {
    throw new Error(`Cannot read the agents file ${file}: ${(error as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (size > MAX_AGENTS_FILE_BYTES) throw new Error(`${file}: the file is larger than ${MAX_AGENTS_FILE_BYTES} bytes`);
  return bytes.toString('utf8', 0, size);
}

function agentConfig(agent: FileAgent, fallback: Pick<FlagValues, 'allowedOrigins' | 'model'>): AgentConfig {
  return Object.freeze({
    id: agent.id,
    name: agent.name,
    webhookUrl: agent.webhookUrl,
    webhookSecret: agent.webhookSecret ?? FLAGS.webhookSecret.default.generate(),
    webhookSecretGenerated: agent.webhookSecret === undefined,
    signingSecret: agent.signingSecret ?? FLAGS.signingSecret.default.generate(),
    signingSecretGenerated: agent.signingSecret === undefined,
    allowedOrigins: Object.freeze([...(agent.allowedOrigins ?? fallback.allowedOrigins)]),
    model: agent.model ?? fallback.model,
    params: agent.params,
    ...(agent.consent && { consent: Object.freeze({ ...agent.consent }) }),
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
