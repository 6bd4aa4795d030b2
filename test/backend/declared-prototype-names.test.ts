import { describe, expect, it } from 'vitest';
import { DeclaredParamsInputSchema } from '../../src/contract/agent-definition.js';
import { parseAgentsFile } from '../../src/contract/agents-file.js';
import { checkParamKey } from '../../src/contract/params.js';
import { postQuery, queryBody, startTestBackend } from './helpers.js';

// Names of Object.prototype's members cannot be declared, nor sent: an interface declaring `toString:
// string` is one no object satisfies, so `aicado-embed types` must never be given one.
const MEMBER_NAMES = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];
const agentsFileDeclaring = (name: string) =>
  `{"agents":{"shop":{"webhookUrl":"http://127.0.0.1:4000/hooks","params":{${JSON.stringify(name)}:{"type":"string","description":"x"}}}}}`;
const sameMessageAs = (name: string) => checkParamKey('constructor')!.message.replace('"constructor"', `"${name}"`);

describe('declared names of Object.prototype', () => {
  it.each(MEMBER_NAMES)('the definition schema and the agents file refuse %s, naming the agent and the field', (name) => {
    // `__proto__` never reaches the schema's check (a record drops it); the agents file refuses it as JSON.
    if (name === '__proto__') return;
    const parsed = DeclaredParamsInputSchema.safeParse({ [name]: { type: 'string', description: 'x' } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message)).toContain(`cannot be declared: ${sameMessageAs(name)}`);
    expect(() => parseAgentsFile(agentsFileDeclaring(name), 'agents.json')).toThrow(
      `"agents.shop.params.${name}" cannot be declared: ${sameMessageAs(name)}`,
    );
  });

  it('the query endpoint refuses a page param named toString or valueOf with invalid_params', async () => {
    const backend = await startTestBackend();
    const response = await postQuery(backend, queryBody({ params: { user_id: 'u_1', toString: 'x', valueOf: 1 } }), {
      accept: 'application/json',
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; issues: { key: string; code: string }[] } };
    expect(error.code).toBe('invalid_params');
    expect(error.issues.map(({ key, code }) => ({ key, code }))).toEqual([
      { key: 'toString', code: 'invalid_key' },
      { key: 'valueOf', code: 'invalid_key' },
    ]);
  });
});
