import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PublicDefinitionSchema, publicDefinitionOf } from '../../src/contract/agent-definition.js';
import { parseAgentsFile } from '../../src/contract/agents-file.js';
import { FORM_LIMITS } from '../../src/contract/protocol.js';
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

  it('accepts asked params and a consent, and serves them as declared', () => {
    const params = {
      email: {
        type: 'string',
        description: 'Where we reply',
        required: true,
        ask: { label: 'Your email', input: 'email', placeholder: 'you@example.com' },
      },
      company: { type: 'string', description: 'Company', ask: { label: 'Company' } },
      plan: { type: 'string', description: 'Plan', enum: ['free', 'pro'], ask: { label: 'Plan', input: 'select' } },
      seats: { type: 'number', description: 'Seats', ask: { label: 'Seats', input: 'number' } },
      news: { type: 'boolean', description: 'Newsletter', ask: { label: 'Send me news', input: 'checkbox' } },
      tier: { type: 'number', description: 'Tier', enum: [1, 2], ask: { label: 'Tier' } },
    };
    const consent = { text: 'I agree that my answers are stored.', version: '2025-01' };
    const [agent] = parseAgentsFile(file({ shop: { webhookUrl: HOOK, params, consent } }), 'agents.json');
    expect(agent!.consent).toEqual(consent);
    const served = publicDefinitionOf(agent!);
    expect(served).toEqual({ agent_id: 'shop', name: 'shop', params, consent });
    expect(PublicDefinitionSchema.safeParse(served).success).toBe(true);
    // No consent defined: none served (not `consent: undefined`).
    expect('consent' in publicDefinitionOf(parseAgentsFile(file({ shop: { webhookUrl: HOOK } }), 'agents.json')[0]!)).toBe(false);
  });

  it('refuses an ask the input kind cannot hold, an unknown or missing field of ask or consent, naming the agent and the field', () => {
    const asked = (param: object) => file({ shop: { webhookUrl: HOOK, params: { p: { description: 'x', ...param } } } });
    const cases: [object, string][] = [
      [
        { type: 'boolean', ask: { label: 'L', input: 'text' } },
        '"agents.shop.params.p.ask.input" cannot be "text" for a boolean param; use checkbox',
      ],
      [
        { type: 'string', ask: { label: 'L', input: 'select' } },
        '"agents.shop.params.p.ask.input" cannot be "select" for a string param; use text, email, tel or url',
      ],
      [
        { type: 'string', ask: { label: 'L', input: 'number' } },
        '"agents.shop.params.p.ask.input" cannot be "number" for a string param; use text, email, tel or url',
      ],
      [
        { type: 'number', ask: { label: 'L', input: 'checkbox' } },
        '"agents.shop.params.p.ask.input" cannot be "checkbox" for a number param; use number',
      ],
      [
        { type: 'string', enum: ['a', 'b'], ask: { label: 'L', input: 'text' } },
        '"agents.shop.params.p.ask.input" cannot be "text" for a param with an enum',
      ],
      [
        { type: 'number', enum: [1], ask: { label: 'L', input: 'number' } },
        '"agents.shop.params.p.ask.input" cannot be "number" for a param with an enum',
      ],
      [
        { type: 'string', ask: { label: 'L', input: 'date' } },
        '"agents.shop.params.p.ask.input" must be one of "text", "email", "tel", "url", "number", "select", "checkbox"',
      ],
      [{ type: 'string', ask: { lable: 'Email' } }, '"agents.shop.params.p.ask" has unknown key(s) lable'],
      [{ type: 'string', ask: { label: '  ' } }, '"agents.shop.params.p.ask.label" must not be blank'],
      [
        { type: 'string', ask: { label: 'x'.repeat(FORM_LIMITS.maxLabelLength + 1) } },
        '"agents.shop.params.p.ask.label" must be at most 100 characters long',
      ],
      [{ type: 'string', ask: 'Your email' }, '"agents.shop.params.p.ask" must be an object'],
      [{ type: 'boolean', ask: { label: 'L', placeholder: 'x' } }, '"agents.shop.params.p.ask.placeholder" is not shown on a checkbox'],
    ];
    for (const [param, part] of cases) expect(problemOf(asked(param))).toContain(part);

    const withConsent = (consent: unknown) => file({ shop: { webhookUrl: HOOK, consent } });
    expect(problemOf(withConsent({ text: 'I agree' }))).toContain('"agents.shop.consent.version" is required');
    expect(problemOf(withConsent({ text: 'I agree', version: 'v 2' }))).toContain(
      '"agents.shop.consent.version" must be printable ASCII without spaces',
    );
    expect(problemOf(withConsent({ text: '', version: '1' }))).toContain('"agents.shop.consent.text" must not be blank');
    expect(problemOf(withConsent({ text: 'I agree', version: '1', required: true }))).toContain(
      '"agents.shop.consent" has unknown key(s) required',
    );
    expect(problemOf(withConsent({ text: 'x'.repeat(FORM_LIMITS.maxConsentTextLength + 1), version: '1' }))).toContain(
      '"agents.shop.consent.text" must be at most 1000 characters long',
    );
    // An asked param is still a declared param: a restricted or undeclarable name is refused as before.
    const named = (name: string) =>
      file({ shop: { webhookUrl: HOOK, params: { [name]: { type: 'string', description: 'x', ask: { label: 'L' } } } } });
    expect(problemOf(named('U_ID'))).toMatch(/"agents\.shop\.params\.U_ID" cannot be declared: "U_ID" is restricted by Aicado/);
    expect(problemOf(named('toString'))).toMatch(/"agents\.shop\.params\.toString" cannot be declared/);
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
