import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DELIVERIES_PAGE, DELIVERIES_PATH } from '../../../demo/backend/protocol.js';

export const ROOT = resolve(import.meta.dirname, '../../..');

export interface BackendProcess {
  url: string;
  /** The webhook secret it signs with, also the bearer token of `GET /v1/deliveries`. */
  webhookSecret: string;
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  /** Ends the process (SIGTERM, or SIGKILL for a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface BackendOptions {
  webhookUrl?: string;
  /** Of the one agent `demo` (the flags' shorthand), or of an agent of `agentsFile`: the deliveries' bearer token. */
  webhookSecret: string;
  /** Serve the agents of this file (`--agents-file`) instead of `demo` with `webhookUrl`. */
  agentsFile?: string;
  allowedOrigins?: string[];
  dataDir?: string;
  port?: number;
  extra?: string[];
}

/** Starts the reference backend exactly as `npm run backend` does, as its own process. */
export async function startBackend(options: BackendOptions): Promise<BackendProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'aicado-backend-'));
  const args = [
    '--import',
    'tsx',
    join(ROOT, 'demo/backend/cli.ts'),
    '--port',
    String(options.port ?? 0),
    '--host',
    '127.0.0.1',
    ...(options.agentsFile
      ? ['--agents-file', options.agentsFile]
      : ['--agent', 'demo', '--webhook-url', options.webhookUrl ?? '', '--webhook-secret', options.webhookSecret]),
    '--data-dir',
    dataDir,
    '--echo-delay-ms',
    '5',
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
    webhookSecret: options.webhookSecret,
    child,
    dataDir,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Every webhook delivery the backend has (of one query), following the pages of `GET /v1/deliveries`. */
export async function fetchDeliveries<T>(backend: { url: string; webhookSecret: string }, queryId?: string): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null = '';
  for (let page = 0; cursor !== null && page < 1000; page++) {
    const search = new URLSearchParams({
      limit: String(DELIVERIES_PAGE.maxLimit),
      ...(queryId ? { query_id: queryId } : {}),
      ...(cursor ? { cursor } : {}),
    });
    const response = await fetch(`${backend.url}${DELIVERIES_PATH}?${search}`, {
      headers: { authorization: `Bearer ${backend.webhookSecret}` },
    });
    if (response.status !== 200) throw new Error(`GET ${DELIVERIES_PATH} answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { deliveries: T[]; next_cursor: string | null };
    rows.push(...body.deliveries);
    cursor = body.next_cursor;
  }
  return rows;
}
