import { expect, vi } from 'vitest';

export interface RecordedRequest {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | { deltas: string[]; output?: string } | Error;

let definitionReply: Reply = { status: 404, body: { error: { code: 'unknown_agent', message: 'no definition in this test' } } };

/** What the next stubbed API answers to `GET /v1/agents/{id}` (the agent's definition); a 404 unless set. */
export function stubDefinition(reply: Reply): void {
  definitionReply = reply;
}

/**
 * Stubs `fetch` with a scripted query API; each query takes the next reply (the last one repeats). A GET
 * (the agent's definition, asked for after the launcher has painted) gets the `stubDefinition` reply and
 * is recorded apart, in `definitionRequests`, so `requests` and `fetchMock` see queries only; so is a
 * conversation's `…/end` or `…/handoff` (in `conversationRequests`, with its init, answered by `conversationReply`, default 200 `{}`).
 */
export function stubQueryApi(...replies: Reply[]) {
  const requests: RecordedRequest[] = [];
  const conversationRequests: (RecordedRequest & { init: RequestInit })[] = [];
  const conversation = { reply: { status: 200, body: {} } as { status: number; body: unknown } };
  const definitionRequests: { url: string; init: RequestInit | undefined }[] = [];
  const definition = definitionReply;
  definitionReply = { status: 404, body: { error: { code: 'unknown_agent', message: 'no definition in this test' } } };
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    const headers = Object.fromEntries(Object.entries(init.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    requests.push({ url, headers, body });
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
    if (reply instanceof Error) throw reply;
    if ('deltas' in reply) {
      const output = reply.output ?? reply.deltas.join('');
      const events = [
        ...reply.deltas.map((text) => `event: delta\ndata: ${JSON.stringify({ text })}\n\n`),
        `event: done\ndata: ${JSON.stringify({ query_id: body.query_id, output })}\n\n`,
      ];
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const event of events) controller.enqueue(new TextEncoder().encode(event));
          controller.close();
        },
      });
      return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }
    return new Response(JSON.stringify(reply.body ?? {}), {
      status: reply.status,
      headers: { 'content-type': 'application/json', ...reply.headers },
    });
  });
  const dispatch = async (url: string, init?: RequestInit) => {
    if (/\/conversations\/[^/]+\/(end|handoff)$/.test(url)) {
      conversationRequests.push({ url, headers: {}, body: JSON.parse(String(init?.body)) as Record<string, unknown>, init: init ?? {} });
      const { status, body } = conversation.reply;
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }
    if ((init?.method ?? 'GET') !== 'GET') return fetchMock(url, init as RequestInit);
    definitionRequests.push({ url, init });
    if (definition instanceof Error) throw definition;
    if ('deltas' in definition) throw new Error('a definition reply is a status and a body');
    return new Response(JSON.stringify(definition.body ?? {}), {
      status: definition.status,
      headers: { 'content-type': 'application/json', ...definition.headers },
    });
  };
  vi.stubGlobal('fetch', vi.fn(dispatch));
  return { requests, fetchMock, definitionRequests, conversationRequests, conversation };
}

/** The panel arrives with the lazy part (a dynamic import) after init: waits until it is rendered. */
export async function panelMounted(agentId = 'demo'): Promise<ShadowRoot> {
  let root: ShadowRoot | undefined;
  await vi.waitFor(() => {
    root = document.querySelector(`aicado-embed[data-agent-id="${agentId}"]`)?.shadowRoot ?? undefined;
    if (!root?.querySelector('section.panel')) throw new Error('the panel is not mounted yet');
  });
  return root!;
}

export interface LiveStream {
  request: RecordedRequest;
  /** Sends one Server-Sent Event on the open answer stream. */
  send(event: string, data: unknown): void;
  close(): void;
  /** Drops the connection, as a network failure would. */
  drop(): void;
}

type ActionReply = { status: number; body?: unknown } | Error;

/**
 * Stubs `fetch` with a query API whose answer streams stay open until the test writes to them, and whose
 * action requests (`…/stop`, `…/feedback`) are answered by `action` (default: 200 `{}`).
 */
export function liveQueryApi(action: (request: RecordedRequest) => ActionReply | Promise<ActionReply> = () => ({ status: 200, body: {} })) {
  const streams: LiveStream[] = [];
  const actions: RecordedRequest[] = [];
  const encoder = new TextEncoder();
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    const headers = Object.fromEntries(Object.entries(init.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const request = { url, headers, body: JSON.parse(String(init.body)) as Record<string, unknown> };
    if (/\/(stop|feedback)$/.test(url)) {
      actions.push(request);
      const reply = await action(request);
      if (reply instanceof Error) throw reply;
      return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status, headers: { 'content-type': 'application/json' } });
    }
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let open = true;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const end = (error?: unknown) => {
      if (!open) return;
      open = false;
      if (error) controller.error(error);
      else controller.close();
    };
    init.signal?.addEventListener('abort', () => end(new DOMException('The operation was aborted', 'AbortError')));
    streams.push({
      request,
      send: (event, data) => open && controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)),
      close: () => end(),
      drop: () => end(new TypeError('network error')),
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    streams,
    actions,
    fetchMock,
    /** The `n`th answer stream (0-based), once its request has been made. */
    stream: async (n = 0): Promise<LiveStream> => {
      await vi.waitFor(() => expect(streams.length).toBeGreaterThan(n));
      return streams[n] as LiveStream;
    },
  };
}

/** The script tag's queue function, as the page sees it. */
export type AicadoQueue = ((method: string, ...args: unknown[]) => unknown) & { q?: unknown[][]; loaded?: boolean };
/** The page's `window.Aicado`. */
export const scriptTagWindow = window as unknown as { Aicado?: AicadoQueue };

/** The snippet a host page pastes before the bundle. */
export function installStub(): AicadoQueue {
  const stub = ((...args: unknown[]) => void (stub.q ??= []).push(args)) as AicadoQueue;
  scriptTagWindow.Aicado = stub;
  return stub;
}

/** Runs the single-file script-tag bundle's entry again, as a fresh page load would. */
export async function loadBundle(): Promise<void> {
  vi.resetModules();
  await import('../../src/script-tag-single.js');
}
