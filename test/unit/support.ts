import { vi } from 'vitest';

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
 * is recorded apart, in `definitionRequests`, so `requests` and `fetchMock` see queries only.
 */
export function stubQueryApi(...replies: Reply[]) {
  const requests: RecordedRequest[] = [];
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
      const events = [...reply.deltas.map((text) => `event: delta\ndata: ${JSON.stringify({ text })}\n\n`), `event: done\ndata: ${JSON.stringify({ query_id: body.query_id, output })}\n\n`];
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const event of events) controller.enqueue(new TextEncoder().encode(event));
          controller.close();
        },
      });
      return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }
    return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status, headers: { 'content-type': 'application/json', ...reply.headers } });
  });
  const dispatch = async (url: string, init?: RequestInit) => {
    if ((init?.method ?? 'GET') !== 'GET') return fetchMock(url, init as RequestInit);
    definitionRequests.push({ url, init });
    if (definition instanceof Error) throw definition;
    if ('deltas' in definition) throw new Error('a definition reply is a status and a body');
    return new Response(JSON.stringify(definition.body ?? {}), { status: definition.status, headers: { 'content-type': 'application/json', ...definition.headers } });
  };
  vi.stubGlobal('fetch', vi.fn(dispatch));
  return { requests, fetchMock, definitionRequests };
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
