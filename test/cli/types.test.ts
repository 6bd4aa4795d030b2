import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from '@typescript/typescript6';
import { afterAll, describe, expect, it } from 'vitest';
import type { PublicDefinition } from '../../src/contract/agent-definition.js';
import { generateParamsType, typeNameFor } from '../../src/cli/params-type.js';
import { startReceiver, startTestBackend } from '../backend/helpers.js';

// `npx aicado-embed types` as shipped (dist/cli.js), held to the definitions it reads: the generated
// file compiles under strict TypeScript against the published declarations, `init<Generated>()` refuses
// what the definition refuses, and each member is the declared param with its type and description.
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const DEMO_AGENTS = JSON.parse(readFileSync(join(ROOT, 'demo/agents.json'), 'utf8')) as {
  agents: Record<string, { name: string; params: PublicDefinition['params'] }>;
};
const dir = mkdtempSync(join(ROOT, 'test/types/.tmp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [CLI, ...args], { cwd: ROOT }).catch(
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

async function compile(files: Record<string, string>): Promise<string> {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: '../tsconfig.json', include: Object.keys(files).map((name) => `./${name}`) }),
  );
  try {
    await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: ROOT });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

/** Each member of the generated interface: name, optional, type text and JSDoc text. */
function membersOf(code: string, typeName: string) {
  const source = ts.createSourceFile('generated.d.ts', code, ts.ScriptTarget.ES2022, true);
  const declaration = source.statements.find(
    (node): node is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(node) && node.name.text === typeName,
  );
  if (!declaration) throw new Error(`no interface ${typeName} in:\n${code}`);
  return declaration.members.filter(ts.isPropertySignature).map((member) => ({
    name: ts.isStringLiteral(member.name) ? member.name.text : member.name.getText(source),
    optional: member.questionToken !== undefined,
    type: member.type?.getText(source),
    doc: ts
      .getJSDocCommentsAndTags(member)
      .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
      .join('\n'),
  }));
}

describe('aicado-embed types', () => {
  it('writes, for each demo agent, the declared params with their types and descriptions, from the file and from the API alike', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({
      agentEntries: Object.fromEntries(
        Object.entries(DEMO_AGENTS.agents).map(([id, entry]) => [id, { ...entry, webhookUrl: receiver.url }]),
      ),
    });
    for (const [id, agent] of Object.entries(DEMO_AGENTS.agents)) {
      const typeName = typeNameFor(id);
      const fromFile = await run(['types', '--agents-file', 'demo/agents.json', '--agent', id]);
      const fromApi = await run(['types', '--api-base', backend.url, '--agent', id]);
      expect(fromFile.stderr).toBe('');
      const withoutSource = (code: string) => code.replace(/, read from .*\./, '');
      expect(withoutSource(fromApi.stdout)).toBe(withoutSource(fromFile.stdout));
      expect(fromApi.stdout).toContain(`read from ${backend.url}/v1/agents/${id}.`);

      const members = membersOf(fromFile.stdout, typeName);
      expect(members.map((member) => member.name)).toEqual(Object.keys(agent.params));
      for (const member of members) {
        const param = agent.params[member.name]!;
        expect(member.optional).toBe(!param.required);
        expect(member.type).toBe(param.enum ? param.enum.map((value) => JSON.stringify(value)).join(' | ') : param.type);
        expect(member.doc).toContain(param.description);
        if (param.maxLength) expect(member.doc).toContain(`At most ${param.maxLength} characters.`);
      }
    }
  }, 60_000);

  it('the output compiles under strict TypeScript, and init<Generated>() refuses an undeclared key, a wrong type and a missing required param', async () => {
    const outDemo = join(dir, 'demo-params.d.ts');
    const outInline = join(dir, 'inline-params.d.ts');
    const written = await run(['types', '--agents-file', 'demo/agents.json', '--agent', 'demo', '--out', outDemo]);
    expect(written.stderr).toContain('wrote');
    await run(['types', '--agents-file', 'demo/agents.json', '--agent', 'demo-inline', '--out', outInline, '--name', 'InlineParams']);
    const output = await compile({
      'demo-params.d.ts': readFileSync(outDemo, 'utf8'),
      'inline-params.d.ts': readFileSync(outInline, 'utf8'),
      'case.ts': `import { init } from 'aicado-embed';
import type { DemoParams } from './demo-params.js';
import type { InlineParams } from './inline-params.js';

const demo = init<DemoParams>({ agentId: 'demo', params: { user_id: 'u_42', session_id: 's_1', plan: 'pro' } });
demo.setParams({ plan: 'free' });
demo.setParams({ session_id: undefined });
init<InlineParams>({ agentId: 'demo-inline', params: { user_id: 'u_7', cart_items: 2, beta: true } });

// @ts-expect-error user_Id is not declared (a typo of user_id)
init<DemoParams>({ agentId: 'demo', params: { user_id: 'u_42', user_Id: 'u_42' } });
// @ts-expect-error user_id is declared a string
init<DemoParams>({ agentId: 'demo', params: { user_id: 42 } });
// @ts-expect-error plan is "free" | "pro"
init<DemoParams>({ agentId: 'demo', params: { user_id: 'u_42', plan: 'gold' } });
init<DemoParams>({ agentId: 'demo', params: { plan: 'pro' } });
// @ts-expect-error user_id is required by the demo-inline agent
init<InlineParams>({ agentId: 'demo-inline', params: { plan: 'pro' } });
// @ts-expect-error user_Id is not declared
demo.setParams({ user_Id: 'u_42' });
// @ts-expect-error cart_items is a number
init<InlineParams>({ agentId: 'demo-inline', params: { user_id: 'u_7', cart_items: '2' } });
`,
    });
    expect(output).toBe('');
  }, 60_000);

  it('quotes keys that are not identifiers, keeps descriptions inside their comments, and types an open agent as any params', () => {
    const code = generateParamsType(
      {
        agent_id: '7-eleven',
        name: 'Shop */ x',
        params: {
          'order-id': { type: 'string', description: 'Ends a comment */ here\nand has two lines' },
          size: { type: 'number', description: 'Size', enum: [1, 2.5, -3], required: true },
          ok: { type: 'boolean', description: 'OK' },
        },
      },
      typeNameFor('7-eleven'),
      'test',
    );
    expect(typeNameFor('7-eleven')).toBe('Agent7ElevenParams');
    expect(typeNameFor('demo-inline')).toBe('DemoInlineParams');
    const members = membersOf(code, 'Agent7ElevenParams');
    expect(members).toEqual([
      { name: 'order-id', optional: true, type: 'string', doc: 'Ends a comment *\\/ here\nand has two lines' },
      { name: 'size', optional: false, type: '1 | 2.5 | -3', doc: 'Size\n\nRequired: a query without it is refused.' },
      { name: 'ok', optional: true, type: 'boolean', doc: 'OK' },
    ]);
    expect(ts.transpileModule(code, { reportDiagnostics: true }).diagnostics).toEqual([]);
    expect(generateParamsType({ agent_id: 'open', name: 'open', params: {} }, 'OpenParams', 'test')).toContain(
      'export type OpenParams = Record<string, string | number | boolean | null>;',
    );
    expect(() => generateParamsType({ agent_id: 'a', name: 'a', params: {} }, 'not valid', 'test')).toThrow(
      /--name must be a TypeScript identifier/,
    );
  });

  it('explains a wrong invocation (exit 2) and an unreachable or unknown agent (exit 1)', async () => {
    const usage = await run(['types', '--agent', 'demo']);
    expect(usage).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('give exactly one of --api-base <url> and --agents-file <file>'),
    });
    expect(await run(['typo'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "typo"') });
    expect(await run(['types', '--agents-file', 'demo/agents.json', '--agent', 'nope'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('defines no agent "nope"; it defines: demo, demo-inline'),
    });
    const backend = await startTestBackend({ agentEntries: { shop: { webhookUrl: 'http://127.0.0.1:9/unused' } } });
    expect(await run(['types', '--api-base', backend.url, '--agent', 'nope'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('answered 404: No agent "nope"; this backend serves: shop'),
    });
    expect(await run(['types', '--api-base', 'http://127.0.0.1:1', '--agent', 'demo'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Could not fetch'),
    });
  }, 30_000);
});
