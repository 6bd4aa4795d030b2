import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PublicDefinitionSchema, publicDefinitionOf } from '../../src/contract/agent-definition.js';
import { parseAgentsFile } from '../../src/contract/agents-file.js';
import { parseFlags, resolveConfig } from '../../demo/backend/config/index.js';
import { ROOT_DIR, tempDir } from './helpers.js';

const HOOK = 'http://127.0.0.1:4000/hooks';
const file = (agents: unknown) => JSON.stringify({ agents });
const problemOf = (text: string) => {
  try {
    parseAgentsFile(text, 'agents.json');
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('agents file', () => {
  it('demo/agents.json defines two agents, each with its own webhook URL and secrets', () => {
    const agents = parseAgentsFile(readFileSync(join(ROOT_DIR, 'demo/agents.json'), 'utf8'), 'demo/agents.json');
    expect(agents.map((agent) => agent.id)).toEqual(['demo', 'demo-inline']);
    const [demo, inline] = agents;
    expect(demo!.webhookUrl).not.toBe(inline!.webhookUrl);
    expect(demo!.webhookSecret).not.toBe(inline!.webhookSecret);
    expect(demo!.signingSecret).not.toBe(inline!.signingSecret);
    // What the API serves of each passes the public schema the SDK's guard is held to.
    for (const agent of agents) expect(PublicDefinitionSchema.safeParse(publicDefinitionOf(agent)).success).toBe(true);
  });

  it('refuses a restricted or malformed declared name, naming the agent and the field', () => {
    const declared = (name: string) => file({ shop: { webhookUrl: HOOK, params: { [name]: { type: 'string', description: 'x' } } } });
    expect(problemOf(declared('U_ID'))).toMatch(/"agents\.shop\.params\.U_ID" cannot be declared: "U_ID" is restricted by Aicado/);
    expect(problemOf(declared('uId'))).toMatch(/agents\.shop\.params\.uId" cannot be declared: .*reads as "u_id"/);
    expect(problemOf(declared('1st'))).toMatch(/agents\.shop\.params\.1st" cannot be declared: "1st" is not a valid key/);
    expect(problemOf(declared('constructor'))).toMatch(/agents\.shop\.params\.constructor" cannot be declared/);
    expect(
      problemOf('{"agents":{"shop":{"webhookUrl":"http://x.test","params":{"__proto__":{"type":"string","description":"x"}}}}}'),
    ).toMatch(/__proto__/);
  });

  it('explains every bad field at once: types, enums, maxLength, unknown keys, ids, URLs and secrets', () => {
    const message = problemOf(
      file({
        shop: {
          webhookUrl: 'ftp://x',
          webhookSecret: 'plain',
          params: {
            plan: { type: 'string', description: 'p', enum: ['free', 1] },
            beta: { type: 'boolean', description: 'b', enum: [true] },
            seats: { type: 'number', description: 's', maxLength: 3 },
            code: { type: 'string', description: 'c', maxlength: 3 },
            kind: { type: 'date', description: 'k' },
            note: { type: 'string' },
          },
        },
        'bad id': { webhookUrl: HOOK },
      }),
    );
    for (const part of [
      '"agents.shop.webhookUrl"',
      '"agents.shop.webhookSecret"',
      '"agents.shop.params.plan.enum" must hold only string values',
      '"agents.shop.params.beta.enum" is not allowed for a boolean',
      '"agents.shop.params.seats.maxLength" applies to strings only',
      '"agents.shop.params.code" has unknown key(s) maxlength',
      '"agents.shop.params.kind.type" must be one of "string", "number", "boolean"',
      '"agents.shop.params.note.description" is required',
      '"agents.bad id" is not a valid agent id',
    ]) {
      expect(message).toContain(part);
    }
    expect(problemOf('{"agents":{}}')).toContain('"agents" must define at least one agent');
    expect(problemOf('{"agents":')).toMatch(/agents\.json is not valid JSON/);
    expect(problemOf(file({ shop: { webhookUrl: HOOK, extra: 1 } }))).toContain('"agents.shop" has unknown key(s) extra');
  });

  it('--agents-file gives each agent its own settings; --model and --allowed-origin are the defaults of those that name none', () => {
    const path = join(tempDir(), 'agents.json');
    writeFileSync(
      path,
      file({ a: { webhookUrl: HOOK, model: 'echo', allowedOrigins: ['https://a.test'] }, b: { webhookUrl: `${HOOK}/b` } }),
    );
    const config = resolveConfig(parseFlags(['--agents-file', path, '--allowed-origin', 'https://shop.test', '--model', 'echo']), {});
    expect(config.agents.map(({ id, webhookUrl, allowedOrigins, model }) => ({ id, webhookUrl, allowedOrigins, model }))).toEqual([
      { id: 'a', webhookUrl: HOOK, allowedOrigins: ['https://a.test'], model: 'echo' },
      { id: 'b', webhookUrl: `${HOOK}/b`, allowedOrigins: ['https://shop.test'], model: 'echo' },
    ]);
    expect(config.agents[0]!.webhookSecret).not.toBe(config.agents[1]!.webhookSecret);
    expect(config.agents.every((agent) => agent.webhookSecretGenerated)).toBe(true);
  });

  it('refuses the one-agent flags beside an agents file, and a file that cannot be read', () => {
    const path = join(tempDir(), 'agents.json');
    writeFileSync(path, file({ a: { webhookUrl: HOOK } }));
    expect(() => resolveConfig(parseFlags(['--agents-file', path, '--webhook-url', HOOK, '--agent', 'x']), {})).toThrow(
      /agents, webhookUrl cannot be combined with an agents file/,
    );
    expect(() => resolveConfig({ agentsFile: join(tempDir(), 'missing.json') }, {})).toThrow(/Cannot read the agents file .*missing\.json/);
    writeFileSync(path, file({ a: { webhookUrl: HOOK, model: 'gpt' } }));
    expect(() => resolveConfig({ agentsFile: path }, {})).toThrow(
      /agents\.json is invalid: "agents\.a\.model" must be one of "echo", "openai"/,
    );
  });
});
