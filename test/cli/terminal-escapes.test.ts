import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';

// `aicado-embed types --api-base` against a hostile API on loopback: whatever the server says, in an
// error message, a key name, a description or a body that is not JSON, reaches the terminal with its
// control characters escaped, so it cannot retitle the window, clear the screen or forge a line.
const ROOT = resolve(import.meta.dirname, '../..');
/** C0 but newline and tab, DEL and C1: what a terminal may act on. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\u009b31m\u007f\r';

/** The CLI from source (the built file may be older than this tree). */
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: ROOT, timeout: 20_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

/** A loopback server that answers every request with `status` and `body`. */
async function hostileApi(status: number, body: string): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  onTestFinished(() => new Promise<void>((done) => server.close(() => done())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('aicado-embed types against a hostile --api-base', () => {
  it.each([
    ['an error message', 404, JSON.stringify({ error: { code: 'unknown_agent', message: `gone${HOSTILE}\nwrote forged.d.ts` } })],
    ['a body that is not JSON', 200, `${HOSTILE}not json`],
    ['a key name', 200, JSON.stringify({ agent_id: 'shop', name: 'Shop', params: { [`k${HOSTILE}`]: 1 } })],
    [
      'a description',
      200,
      JSON.stringify({ agent_id: 'shop', name: `Shop${HOSTILE}`, params: { plan: { type: 'string', description: `a${HOSTILE}` } } }),
    ],
  ])('escapes the control characters of %s', async (_what, status, body) => {
    const apiBase = await hostileApi(status, body);
    const { stdout, stderr } = await run(['types', '--api-base', apiBase, '--agent', 'shop']);
    expect(`${stdout}${stderr}`).toMatch(/pwned/);
    expect(stderr).not.toMatch(CONTROL);
    expect(stdout).not.toMatch(CONTROL);
    expect(`${stdout}${stderr}`).toContain('\\u001b]0;pwned\\u0007');
    expect(stderr.trimEnd()).not.toContain('\n'); // one message, one line: no forged second one
  });
});
