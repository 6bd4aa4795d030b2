import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DELIVERIES_PAGE, DELIVERIES_PATH } from '../demo/backend/protocol.js';
import { HEADERS, JSON_TYPE, queriesPath } from '../src/contract/protocol.js';

// The pieces of `npm run bench:backend`: the backend and a loopback webhook receiver that dedupes by
// webhook-id, each as its own process, and a load generator that retries like the SDK (same query_id).

export interface BackendProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/** Starts `demo/backend/cli.ts` as `npm run backend` does and waits for its "listening" line. */
export async function startBackendProcess(root: string, args: readonly string[]): Promise<BackendProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/backend/cli.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not start in 30 s:\n${output}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      const match = /aicado backend listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(() => reject(new Error(`backend exited before listening:\n${output}`)));
  });
  return { url, child, exited };
}

/** Resident set size of a process in MB (ps works on Linux and macOS). */
export function rssMb(pid: number): number {
  return (
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    ) / 1024
  );
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc on Linux or ps elsewhere. */
export function cpuSeconds(pid: number): number {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised name, are utime and stime in clock ticks (100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    const [h = 0, m = 0, sec = 0] = execFileSync('ps', ['-o', 'time=', '-p', String(pid)])
      .toString()
      .trim()
      .split(':')
      .map(Number);
    return h * 3600 + m * 60 + sec;
  }
}

export interface ReceiverStats {
  attempts: number;
  /** webhook-id → when it first arrived and when its event was committed (the event's created_at). */
  first: Map<string, { receivedAt: number; committedAt: number }>;
}

export interface Receiver {
  url: string;
  stats(): Promise<ReceiverStats>;
  /** How many distinct webhook-ids have arrived. */
  distinct(): Promise<number>;
  close(): Promise<void>;
}

/** Starts the loopback webhook receiver (bench/backend-receiver.ts) as its own process. */
export async function startReceiver(root: string): Promise<Receiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/backend-receiver.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /receiver listening on (http:\/\/\S+)/.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then(() => reject(new Error('the bench receiver exited before listening')));
  });
  return {
    url: `${base}/webhooks`,
    async stats() {
      const body = (await (await fetch(`${base}/stats`)).json()) as { attempts: number; first: [string, [number, number]][] };
      return {
        attempts: body.attempts,
        first: new Map(body.first.map(([id, [receivedAt, committedAt]]) => [id, { receivedAt, committedAt }])),
      };
    },
    async distinct() {
      return ((await (await fetch(`${base}/count`)).json()) as { distinct: number }).distinct;
    },
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A port that was free a moment ago, so a restarted backend can come back on the same URL. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs one JSON query; resolves with the HTTP status, or rejects on a network error. */
export function postJsonQuery(baseUrl: string, queryId: string, conversationId: string, input: string): Promise<number> {
  const body = JSON.stringify({ query_id: queryId, conversation_id: conversationId, input, params: { user_id: conversationId.slice(2) } });
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${queriesPath('demo')}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': JSON_TYPE,
          accept: JSON_TYPE,
          [HEADERS.idempotencyKey]: queryId,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Every delivery row, following the pages of `GET /v1/deliveries` with the webhook secret. */
export async function allDeliveries(baseUrl: string, secret: string): Promise<{ id: string; status: string; type: string }[]> {
  const rows: { id: string; status: string; type: string }[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const search = new URLSearchParams({ limit: String(DELIVERIES_PAGE.maxLimit), ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${baseUrl}${DELIVERIES_PATH}?${search}`, { headers: { authorization: `Bearer ${secret}` } });
    if (!response.ok) throw new Error(`GET ${DELIVERIES_PATH} answered ${response.status}`);
    const page = (await response.json()) as { deliveries: { id: string; status: string; type: string }[]; next_cursor: string | null };
    rows.push(...page.deliveries);
    cursor = page.next_cursor;
  }
  return rows;
}

/** The value at quantile `q` (0..1) of numbers, or NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
