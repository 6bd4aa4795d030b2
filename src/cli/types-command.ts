import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PublicDefinitionSchema, parseJsonText, publicDefinitionOf, type PublicDefinition } from '../contract/agent-definition.js';
import { parseAgentsFile } from '../contract/agents-file.js';
import { agentPath } from '../contract/protocol.js';
import { describeIssues } from '../contract/zod-issues.js';
import { generateParamsType, typeNameFor } from './params-type.js';

export const TYPES_USAGE = `Usage: aicado-embed types (--api-base <url> | --agents-file <file>) --agent <id> [--out <file.d.ts>] [--name <TypeName>]

  Writes a TypeScript type of the agent's declared params, documented with their descriptions, for
  init<TypeName>(): from the API's public definition (GET {api-base}/v1/agents/{id}) or an agents.json.

  --api-base <url>      base URL of the Aicado API, e.g. https://api.aicado.ai
  --agents-file <file>  an agents.json, as the reference backend reads it
  --agent <id>          the agent's id
  --out <file>          where to write (default: standard output)
  --name <TypeName>     the type's name (default: from the id, demo-inline → DemoInlineParams)
`;

/** C0, DEL and C1: characters a terminal may act on (`ESC]0;…BEL` retitles it, `ESC[2J` clears it). */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text safe to print, with each control character written as its `\uXXXX` escape: inert in a terminal,
 * and in generated code the same character inside a string literal and plain text in a comment. A
 * message stays one line, so a server cannot forge another; code keeps its newlines and tabs.
 */
export function terminalSafe(text: string, { multiline = false } = {}): string {
  const escaped = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return text.replace(multiline ? CONTROLS_BUT_LINES : CONTROLS, escaped);
}

/** A wrong invocation: the CLI prints it with the usage and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const FETCH_TIMEOUT_MS = 10_000;
const MAX_DEFINITION_BYTES = 256 * 1024;

/** `aicado-embed types …`: resolves with what to print on standard error (a short report), if anything. */
export async function runTypesCommand(args: readonly string[], print: (text: string) => void): Promise<string | undefined> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        'api-base': { type: 'string' },
        'agents-file': { type: 'string' },
        agent: { type: 'string' },
        out: { type: 'string' },
        name: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { 'api-base': apiBase, 'agents-file': file, agent, out, name } = values;
  if (!agent) throw new UsageError('--agent <id> is required');
  if ((apiBase === undefined) === (file === undefined))
    throw new UsageError('give exactly one of --api-base <url> and --agents-file <file>');

  const definition = apiBase !== undefined ? await fetchDefinition(apiBase, agent) : definitionFromFile(file as string, agent);
  const source = apiBase !== undefined ? apiBase.replace(/\/+$/, '') + agentPath(agent) : (file as string);
  // The definition may come from a server: its names and descriptions reach the terminal or a file someone cats.
  const code = terminalSafe(generateParamsType(definition, name ?? typeNameFor(agent), source), { multiline: true });
  if (out === undefined) {
    print(code);
    return undefined;
  }
  writeFileSync(out, code);
  return `wrote ${out}: ${name ?? typeNameFor(agent)} with ${Object.keys(definition.params).length} declared param(s) of agent "${agent}"`;
}

function definitionFromFile(file: string, agentId: string): PublicDefinition {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const agents = parseAgentsFile(text, file);
  const agent = agents.find((candidate) => candidate.id === agentId);
  if (!agent) throw new Error(`${file} defines no agent "${agentId}"; it defines: ${agents.map((candidate) => candidate.id).join(', ')}`);
  return publicDefinitionOf(agent);
}

async function fetchDefinition(apiBase: string, agentId: string): Promise<PublicDefinition> {
  if (!/^https?:\/\/\S+$/.test(apiBase)) throw new UsageError(`--api-base must be an http(s) URL, got ${JSON.stringify(apiBase)}`);
  const url = apiBase.replace(/\/+$/, '') + agentPath(agentId);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`Could not fetch ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const text = await readBounded(response, url);
  if (!response.ok) {
    const apiError = (safeJson(text) as { error?: { message?: unknown } } | undefined)?.error?.message;
    throw new Error(`${url} answered ${response.status}${typeof apiError === 'string' ? `: ${apiError}` : ''}`);
  }
  const parsed = PublicDefinitionSchema.safeParse(parseJsonText(text, `The answer of ${url}`));
  if (!parsed.success) throw new Error(`${url} answered with no agent definition: ${describeIssues(parsed.error.issues, 'the body')}`);
  return parsed.data;
}

/** The body as text, refusing one larger than any definition can be. */
async function readBounded(response: Response, url: string): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_DEFINITION_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`${url} answered with more than ${MAX_DEFINITION_BYTES} bytes; an agent definition is smaller`);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
