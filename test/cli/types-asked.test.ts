import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from '@typescript/typescript6';
import { afterAll, describe, expect, it } from 'vitest';
import { generateParamsType } from '../../src/cli/params-type.js';
import { runTypesCommand } from '../../src/cli/types-command.js';
import type { PublicDefinition } from '../../src/contract/agent-definition.js';

// `aicado-embed types` for an agent whose definition asks the visitor for params: each asked param says
// so in its JSDoc and stays optional, a required one too (the page need not know what the form asks).
const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'defn-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHOP: PublicDefinition = {
  agent_id: 'shop',
  name: 'Shop',
  params: {
    email: { type: 'string', description: 'Where we reply', required: true, ask: { label: 'Your email', input: 'email' } },
    company: { type: 'string', description: 'Company', maxLength: 80, ask: { label: 'Company "Inc" */' } },
    plan: { type: 'string', description: 'Plan', enum: ['free', 'pro'], ask: { label: 'Plan' } },
    user_id: { type: 'string', description: 'Who', required: true },
  },
  consent: { text: 'I agree', version: '2025-01' },
};

/** Each member of the interface `typeName`: name, optional and JSDoc text. */
function membersOf(code: string, typeName: string) {
  const source = ts.createSourceFile('generated.ts', code, ts.ScriptTarget.ES2022, true);
  const declaration = source.statements.find(
    (node): node is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(node) && node.name.text === typeName,
  );
  if (!declaration) throw new Error(`no interface ${typeName} in:\n${code}`);
  return declaration.members.filter(ts.isPropertySignature).map((member) => ({
    name: member.name.getText(source),
    optional: member.questionToken !== undefined,
    doc: ts
      .getJSDocCommentsAndTags(member)
      .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
      .join('\n'),
  }));
}

/** Type-checks `files` (in `dir`) under the repository's strict options, `aicado-embed` being its source. */
function diagnosticsOf(files: Record<string, string>): string[] {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, join(ROOT, 'tsconfig.json'));
  const program = ts.createProgram(
    Object.keys(files).map((name) => join(dir, name)),
    options,
  );
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName.startsWith(dir))
    .map((diagnostic) => `${diagnostic.file?.fileName}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
}

describe('aicado-embed types and asked params', () => {
  it('marks each asked param with its label and keeps it optional, even when required', () => {
    const members = membersOf(generateParamsType(SHOP, 'ShopParams', 'test'), 'ShopParams');
    expect(members).toEqual([
      {
        name: 'email',
        optional: true,
        doc: 'Where we reply\n\nAsked in the pre-chat form ("Your email"); the page may set it.\nRequired: the form asks for it when the page leaves it unset; a query without it is refused.',
      },
      {
        name: 'company',
        optional: true,
        doc: 'Company\n\nAt most 80 characters.\nAsked in the pre-chat form ("Company \\"Inc\\" *\\/"); the page may set it.',
      },
      { name: 'plan', optional: true, doc: 'Plan\n\nAsked in the pre-chat form ("Plan"); the page may set it.' },
      { name: 'user_id', optional: false, doc: 'Who\n\nRequired: a query without it is refused.' },
    ]);
  });

  it('reads ask from an agents file, and the output compiles: the page may leave an asked param out, not give it a wrong value', async () => {
    const file = join(dir, 'agents.json');
    const { consent: _consent, agent_id: _id, ...definition } = SHOP;
    writeFileSync(file, JSON.stringify({ agents: { shop: { ...definition, webhookUrl: 'http://127.0.0.1:9/x', consent: SHOP.consent } } }));
    let code = '';
    await runTypesCommand(['--agents-file', file, '--agent', 'shop'], (text) => {
      code += text;
    });
    expect(code.replace(/, read from .*\./, '')).toBe(generateParamsType(SHOP, 'ShopParams', 'test').replace(/, read from .*\./, ''));
    expect(
      diagnosticsOf({
        'shop-params.ts': code,
        'case.ts': `import { init } from 'aicado-embed';
import type { ShopParams } from './shop-params.js';

const shop = init<ShopParams>({ agentId: 'shop', params: { user_id: 'u_1', plan: 'pro' } });
shop.setParams({ email: 'ada@example.com', company: 'Acme' });
// @ts-expect-error plan is "free" | "pro", asked or not
shop.setParams({ plan: 'gold' });
// @ts-expect-error email is a string
shop.setParams({ email: 42 });
// @ts-expect-error user_id is required and not asked
init<ShopParams>({ agentId: 'shop', params: { plan: 'pro' } });
`,
      }),
    ).toEqual([]);
  }, 60_000);

  it('refuses an agents file whose ask its param cannot hold, naming the agent and field', async () => {
    const file = join(dir, 'bad-agents.json');
    writeFileSync(
      file,
      JSON.stringify({
        agents: {
          shop: {
            webhookUrl: 'http://127.0.0.1:9/x',
            params: { seats: { type: 'number', description: 'Seats', ask: { label: 'Seats', input: 'text' } } },
          },
        },
      }),
    );
    await expect(runTypesCommand(['--agents-file', file, '--agent', 'shop'], () => undefined)).rejects.toThrow(
      '"agents.shop.params.seats.ask.input" cannot be "text" for a number param; use number',
    );
  });
});
