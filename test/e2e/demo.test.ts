import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT } from './support/backend.js';
import { launchBrowser, recordConsole } from './support/browser.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let demo: ReturnType<typeof spawn>;
let url = '';

beforeAll(async () => {
  const [port, backendPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'aicado-demo-'));
  demo = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'demo/host/start.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), BACKEND_PORT: String(backendPort), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output}`)), 20_000);
    demo.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/\S+) in your browser/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
});

afterAll(async () => {
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGTERM');
    await exited;
  }
});

it('npm run demo: a question asked in the bubble lands, verified, in the host app\'s SQLite and on the page', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const log = recordConsole(page);
    await page.goto(url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const input = page.locator('aicado-embed[data-mode=bubble] textarea');
    await input.fill('Is the demo real?');
    await input.press('Enter');
    await page.locator('#answers td', { hasText: 'Is the demo real?' }).first().waitFor({ timeout: 15_000 });
    const stored = (await (await fetch(`${url}/api/answers`)).json()) as { user_id: string; session_id: string; input: string; params: unknown }[];
    expect(stored[0]).toMatchObject({ user_id: 'u_42', session_id: 'sess_demo_1', input: 'Is the demo real?', params: { user_id: 'u_42', session_id: 'sess_demo_1', plan: 'pro' } });
    expect(await page.locator('#chat aicado-embed').count()).toBe(1);
    expect(log.errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
