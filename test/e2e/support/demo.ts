import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './backend.js';

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface DemoProcess {
  child: ChildProcess;
  ports: { host: number; backend: number };
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Spawns `demo/host/start.ts` (what `npm run demo` runs after the build) on the given or free ports. */
export async function spawnDemo(ports: Partial<DemoProcess['ports']> = {}): Promise<DemoProcess> {
  const host = ports.host ?? (await freePort());
  const backend = ports.backend ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'demo/host/start.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(host), BACKEND_PORT: String(backend), DATA_DIR: mkdtempSync(join(tmpdir(), 'aicado-demo-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    ports: { host, backend },
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Spawns the demo and waits for the URL it tells the reader to open. */
export async function startDemo(): Promise<DemoProcess & { url: string }> {
  const demo = await spawnDemo();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = /Open (http:\/\/\S+) in your browser/.exec(demo.output());
    if (match?.[1]) return { ...demo, url: match[1] };
    if (demo.child.exitCode !== null || Date.now() > deadline) {
      await demo.stop();
      throw new Error(`demo did not start:\n${demo.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
