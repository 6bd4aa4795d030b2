import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// What a user reads when the compiler refuses a restricted key: the message must say why.
const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(ROOT, 'test/types/.tmp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function compile(code: string): Promise<string> {
  writeFileSync(join(dir, 'case.ts'), code);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['./case.ts'] }));
  const tsc = join(ROOT, 'node_modules/.bin/tsc');
  try {
    await promisify(execFile)(tsc, ['-p', join(dir, 'tsconfig.json')], { cwd: ROOT });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

describe('compile errors of the params rules (published declarations)', () => {
  it('a restricted key in init, setParams or identify says "restricted"', { timeout: 60_000 }, async () => {
    const output = await compile(`import { init } from 'aicado-embed';
const agent = init({ agentId: 'demo', params: { A_ID: 1 } });
agent.setParams({ at: 1 });
agent.identify({ params: { muser: 'x' } });
`);
    const errors = output.split('\n').filter((line) => line.includes('error TS'));
    expect(errors).toHaveLength(3);
    for (const line of errors) expect(line).toMatch(/restricted by Aicado/);
  });

  it('with init<P>(), a restricted key in setParams or identify names the rule too', { timeout: 60_000 }, async () => {
    const output = await compile(`import { init } from 'aicado-embed';
interface MyParams { user_id: string; plan: 'free' | 'pro' }
const agent = init<MyParams>({ agentId: 'demo', params: { user_id: 'u', plan: 'pro' } });
agent.setParams({ a_id: 'x' });
agent.identify({ params: { a_id: 'x' } });
agent.setParams({ Muser: 'x' });
`);
    const errors = output.split('\n').filter((line) => line.includes('error TS'));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/"a_id\\" is restricted by Aicado/);
    expect(errors[1]).toMatch(/"a_id\\" is restricted by Aicado/);
    expect(errors[2]).toMatch(/"Muser\\" is restricted by Aicado/);
    for (const line of errors) expect(line).not.toMatch(/does not exist in type/);
  });
});
