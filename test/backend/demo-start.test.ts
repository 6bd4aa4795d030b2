import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isPortFree } from '../../demo/backend/config/index.js';
import { freePort } from '../support/free-port.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `demo/host/start.ts --check-ports`, the check `npm run demo` can make before its build. */
async function checkPorts(host: number, backend: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/host/start.ts', '--check-ports'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(host), BACKEND_PORT: String(backend), DATA_DIR: mkdtempSync(join(tmpdir(), 'aicado-demo-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

/** Holds the port on loopback for the test (or nothing, when another process holds it already). */
async function hold(port: number): Promise<number> {
  const server: Server = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (bound) onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return bound ? (server.address() as AddressInfo).port : port;
}

describe('npm run demo: its ports', () => {
  it('exits 0 with nothing printed, nothing started, when both ports are free', async () => {
    const [host, backend] = await Promise.all([freePort(), freePort()]);
    expect(await checkPorts(host, backend)).toEqual({ code: 0, output: '' });
  }, 30_000);

  it.each([
    ['PORT', 'host'],
    ['BACKEND_PORT', 'backend'],
  ] as const)(
    '%s taken: suggests a port it bound free just now, skipping the next one taken and the demo’s other port',
    async (variable, which) => {
      const taken = await hold(0);
      await hold(taken + 1);
      const other = taken + 2;
      const { code, output } = await checkPorts(which === 'host' ? taken : other, which === 'host' ? other : taken);
      expect(code).toBe(1);
      const suggested = Number(new RegExp(`e\\.g\\. ${variable}=(\\d+) npm run demo \\(free just now\\)`).exec(output)?.[1]);
      expect(output.trim().split('\n'), output).toEqual([
        `Port ${taken} is already in use: start the demo with another one, e.g. ${variable}=${suggested} npm run demo (free just now)`,
      ]);
      expect(suggested).toBeGreaterThan(other);
      expect(await isPortFree(suggested, '127.0.0.1')).toBe(true);
    },
    30_000,
  );
});
