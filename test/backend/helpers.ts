import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onTestFinished } from 'vitest';
import type { BackendOptions } from '../../demo/backend/config/index.js';
import { DELIVERIES_PATH } from '../../demo/backend/protocol.js';
import { startBackend, type RunningBackend } from '../../demo/backend/server.js';
import { type ConversationAction, conversationActionPath, type WebhookEventType } from '../../src/contract/protocol.js';
import type { WebhookEvent } from '../../src/contract/webhook-events.js';
import { verifyWebhook } from '../../src/server/index.js';
import { typeOf } from '../support/webhook-events.js';

/** The repository root. */
export const ROOT_DIR = resolve(import.meta.dirname, '../..');

export interface TestBackend extends RunningBackend {
  dataDir: string;
  logs: string[];
}

/** A fresh temp directory, removed when the test ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aicado-backend-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a backend on an ephemeral loopback port with fast test knobs; closed when the test ends. */
export async function startTestBackend(options: BackendOptions = {}): Promise<TestBackend> {
  const logs: string[] = [];
  const dataDir = options.dataDir ?? tempDir();
  const backend = await startBackend({
    port: 0,
    host: '127.0.0.1',
    deltaDelayMs: 2,
    retrySchedule: [20, 20],
    deliveryTimeoutMs: 2000,
    // Agents defined in a file or as entries have their own webhook URLs; the flags' one would clash.
    ...(options.agentsFile || options.agentEntries ? {} : { webhookUrl: 'http://127.0.0.1:9/unused' }),
    log: (line) => logs.push(line),
    ...options,
    dataDir,
  });
  onTestFinished(() => backend.close());
  return { ...backend, dataDir, logs };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface ReceiverReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (to exercise the delivery timeout). */
  hang?: boolean;
}

export interface Receiver {
  url: string;
  /** The webhooks it records: all, or those of the types it was started for. */
  received: ReceivedWebhook[];
  /** Every webhook that came, of any type, in arrival order. */
  all: ReceivedWebhook[];
  /** Most attempts ever in progress at once for one webhook-id. */
  maxConcurrentPerId: number;
  waitForCount(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** For a test about answers: records `query.completed` only. */
export const COMPLETIONS: ReceiverOptions = { types: ['query.completed'] };
/** For a test about answers and their ratings. */
export const QUERY_EVENTS: ReceiverOptions = { types: ['query.completed', 'query.feedback'] };

export interface ReceiverOptions {
  /**
   * Only webhooks of these types are recorded in `received`, counted and answered by `reply`; the others
   * (the lifecycle events around each query, for a test about queries) are answered 200 and kept in `all`.
   */
  types?: readonly WebhookEventType[];
}

/** A webhook endpoint on loopback that records every request and answers as `reply` says (default 200). */
export async function startReceiver(
  replyOrOptions: ((webhook: ReceivedWebhook, index: number) => ReceiverReply) | ReceiverOptions = () => ({ status: 200 }),
  options: ReceiverOptions = {},
): Promise<Receiver> {
  const reply = typeof replyOrOptions === 'function' ? replyOrOptions : (): ReceiverReply => ({ status: 200 });
  const { types } = typeof replyOrOptions === 'function' ? options : replyOrOptions;
  const received: ReceivedWebhook[] = [];
  const all: ReceivedWebhook[] = [];
  const active = new Map<string, number>();
  const receiver = { maxConcurrentPerId: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const webhook = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
      const id = String(req.headers['webhook-id']);
      active.set(id, (active.get(id) ?? 0) + 1);
      receiver.maxConcurrentPerId = Math.max(receiver.maxConcurrentPerId, active.get(id) ?? 0);
      res.once('close', () => active.set(id, (active.get(id) ?? 1) - 1));
      all.push(webhook);
      if (types && !types.includes(typeOf(webhook))) {
        res.writeHead(200).end();
        return;
      }
      received.push(webhook);
      const answer = reply(webhook, received.length - 1);
      if (answer.hang) return;
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  onTestFinished(close);
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    all,
    waitForCount: async (count: number, timeoutMs = 5000) => {
      await waitUntil(
        () => received.length >= count,
        timeoutMs,
        () => `${count} webhook(s), got ${received.length}`,
      );
      return received;
    },
    close,
  });
}

let counter = 0;

/** A valid query body with unique ids; fields may be overridden. */
export function queryBody(overrides: Record<string, unknown> = {}): Record<string, unknown> & { query_id: string } {
  counter++;
  const suffix = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 8)}`;
  return {
    query_id: `q_${suffix}`,
    conversation_id: `c_${suffix}`,
    input: 'Where is my order?',
    params: { user_id: 'u_42' },
    context: { page_url: 'https://shop.example/orders', locale: 'en-US', sdk: 'aicado-embed/0.1.0' },
    ...overrides,
  };
}

export interface PostOptions {
  agent?: string;
  accept?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** POSTs a query as the SDK does (SSE accepted unless `accept` says otherwise). */
export function postQuery(backend: { url: string }, body: unknown, options: PostOptions = {}): Promise<Response> {
  const record = body as { query_id?: unknown };
  return fetch(`${backend.url}/v1/agents/${options.agent ?? 'demo'}/queries`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: options.accept ?? 'text/event-stream',
      ...(typeof record.query_id === 'string' ? { 'idempotency-key': record.query_id } : {}),
      ...options.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** Reads a whole SSE response into its events. */
export async function readSse(response: Response): Promise<SseEvent[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() && !block.startsWith(':'))
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? 'null';
      return { event, data: JSON.parse(data) as unknown };
    });
}

export interface TimedSseEvent extends SseEvent {
  /** When the block arrived (epoch ms); a `: …` comment line is reported as event `heartbeat`. */
  at: number;
}

/**
 * Reads an SSE response as it arrives, timing each event and each heartbeat comment; `onEvent` hears each
 * one as it comes, so a test can act in the middle of a stream.
 */
export async function readTimedSse(
  response: Response,
  onEvent: (event: TimedSseEvent) => void = () => undefined,
): Promise<TimedSseEvent[]> {
  const events: TimedSseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const at = Date.now();
      if (block.startsWith(':')) {
        events.push({ event: 'heartbeat', data: block.slice(1).trim(), at });
      } else {
        const lines = block.split('\n');
        const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? 'null';
        events.push({ event, data: JSON.parse(data) as unknown, at });
      }
      onEvent(events.at(-1) as TimedSseEvent);
    }
  }
  return events;
}

export interface ApiDelivery {
  id: string;
  /** Null for an event of the whole conversation. */
  query_id: string | null;
  conversation_id: string;
  type: WebhookEventType;
  status: 'pending' | 'delivered' | 'dead' | 'stopped';
  attempts: number;
  /** Times it was sent again by `POST /v1/deliveries/{id}/replay`. */
  replays: number;
  last_error: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
}

/**
 * A running backend as the deliveries API needs it: its URL and an agent's webhook secret (the bearer
 * token), by default the first agent's, which lists that agent's deliveries.
 */
export interface BackendRef {
  url: string;
  config: { agents: readonly { webhookSecret: string }[] };
}

/** Every delivery (of one query), following the pages of `GET /v1/deliveries`. */
export async function listDeliveries(backend: BackendRef, queryId?: string): Promise<ApiDelivery[]> {
  const deliveries: ApiDelivery[] = [];
  let cursor: string | null = '';
  for (let page = 0; cursor !== null; page++) {
    if (page > 1000) throw new Error('GET /v1/deliveries never ended its pages');
    const search = new URLSearchParams({ limit: '1000', ...(queryId ? { query_id: queryId } : {}), ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${backend.url}${DELIVERIES_PATH}?${search}`, {
      headers: { authorization: `Bearer ${backend.config.agents[0]?.webhookSecret}` },
    });
    if (response.status !== 200) throw new Error(`GET ${DELIVERIES_PATH} answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { deliveries: ApiDelivery[]; next_cursor: string | null };
    deliveries.push(...body.deliveries);
    cursor = body.next_cursor;
  }
  return deliveries;
}

/** Polls the deliveries until one for `queryId` satisfies `done`. */
export async function waitForDelivery(
  backend: BackendRef,
  queryId: string,
  done: (delivery: ApiDelivery) => boolean,
  timeoutMs = 5000,
): Promise<ApiDelivery> {
  let last: ApiDelivery | undefined;
  await waitUntil(
    async () => {
      last = (await listDeliveries(backend, queryId))[0];
      return last !== undefined && done(last);
    },
    timeoutMs,
    () => `delivery of ${queryId} (last seen: ${JSON.stringify(last)})`,
  );
  return last as ApiDelivery;
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** POSTs a visitor action on one answer (`stop` or `feedback`), as the SDK does. */
export function postAction(
  backend: { url: string },
  queryId: string,
  action: 'stop' | 'feedback',
  body: unknown,
  agent = 'demo',
): Promise<Response> {
  return fetch(`${backend.url}/v1/agents/${agent}/queries/${encodeURIComponent(queryId)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** POSTs an action on a whole conversation (`end` or `handoff`), as the SDK does, to the path the SDK builds. */
export function postConversationAction(
  backend: { url: string },
  conversationId: string,
  action: ConversationAction,
  body: unknown,
  agent = 'demo',
): Promise<Response> {
  return fetch(`${backend.url}${conversationActionPath(agent, conversationId, action)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Every webhook a receiver got, verified with the secret (a bad signature fails the test), in arrival order. */
export function verifiedEvents(receiver: { received: readonly ReceivedWebhook[] }, secret: string): WebhookEvent[] {
  return receiver.received.map((webhook) => verifyWebhook(webhook.body, webhook.headers, secret));
}
