import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');

export interface BackendProcess {
  url: string;
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  /** Ends the process (SIGTERM, or SIGKILL for a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface BackendOptions {
  webhookUrl: string;
  webhookSecret: string;
  allowedOrigins?: string[];
  dataDir?: string;
  port?: number;
  extra?: string[];
}

/** Starts the reference backend exactly as `npm run backend` does, as its own process. */
export async function startBackend(options: BackendOptions): Promise<BackendProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'aicado-backend-'));
  const args = [
    '--import', 'tsx', join(ROOT, 'demo/backend/cli.ts'),
    '--port', String(options.port ?? 0),
    '--host', '127.0.0.1',
    '--agent', 'demo',
    '--webhook-url', options.webhookUrl,
    '--webhook-secret', options.webhookSecret,
    '--data-dir', dataDir,
    '--echo-delay-ms', '5',
    ...(options.allowedOrigins ?? []).flatMap((origin) => ['--allowed-origin', origin]),
    ...(options.extra ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /aicado backend listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    dataDir,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
