import * as z from 'zod/mini';
import { AgentNameSchema, ConsentInputSchema, DeclaredParamsInputSchema, parseJsonText, type DeclaredParams } from './agent-definition.js';
import { AGENT_ID_PATTERN, WEBHOOK_SECRET_PATTERN } from './protocol.js';
import { describeIssues } from './zod-issues.js';

// `agents.json`: the agents a reference backend serves, each with its own webhook endpoint and secrets,
// the params it declares and the consent its pre-chat form asks for. Read by the backend (`--agents-file`) and by `aicado-embed types`.

export const MAX_AGENTS_FILE_BYTES = 1024 * 1024;
export const MODEL_NAMES = ['echo', 'openai'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const AgentEntrySchema = z.strictObject({
  /** Shown in the definition; defaults to the agent id. */
  name: z.optional(AgentNameSchema),
  /** Where this agent's webhooks are POSTed. */
  webhookUrl: z.url({ protocol: /^https?$/ }),
  /** This agent's Standard Webhooks secret; generated (and printed) when absent. */
  webhookSecret: z.optional(z.string().check(z.regex(WEBHOOK_SECRET_PATTERN))),
  /** Verifies this agent's signed-params tokens; generated when absent. */
  signingSecret: z.optional(z.string().check(z.minLength(16))),
  /** Browser origins allowed to call this agent; when absent, the backend's `--allowed-origin` rule. */
  allowedOrigins: z.optional(z.array(z.string().check(z.minLength(1)))),
  /** When absent, the backend's `--model`. */
  model: z.optional(z.enum(MODEL_NAMES)),
  params: z.optional(DeclaredParamsInputSchema),
  /** What the pre-chat form asks the visitor to tick; its version is echoed in the webhooks. */
  consent: z.optional(ConsentInputSchema),
});
export type AgentEntry = z.infer<typeof AgentEntrySchema>;

export const AgentsFileSchema = z.strictObject({
  agents: z
    .record(
      z.string().check(z.regex(AGENT_ID_PATTERN, { error: 'is not a valid agent id: use 1-64 letters, digits, _ or -' })),
      AgentEntrySchema,
    )
    .check(z.refine((agents) => Object.keys(agents).length > 0, { error: 'must define at least one agent' })),
});

/** One agent of a file, its defaults applied where the file is silent about its public part. */
export interface FileAgent extends Omit<AgentEntry, 'name' | 'params'> {
  id: string;
  name: string;
  params: DeclaredParams;
}

/**
 * Parses the text of an agents file; throws an Error whose message names the file, the agent and the
 * field of every problem (`agents.demo.params.user_Id: cannot be declared: …`).
 */
export function parseAgentsFile(text: string, fileName: string): FileAgent[] {
  if (text.length > MAX_AGENTS_FILE_BYTES) throw new Error(`${fileName}: the file is larger than ${MAX_AGENTS_FILE_BYTES} bytes`);
  const json = parseJsonText(text, fileName);
  // With the input kept in each issue, a field of the wrong type reads "must be an object", not "is required".
  const parsed = AgentsFileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new Error(`${fileName} is invalid: ${describeIssues(parsed.error.issues, 'the file')}`);
  return Object.entries(parsed.data.agents).map(([id, entry]) => ({ ...entry, id, name: entry.name ?? id, params: entry.params ?? {} }));
}
