import { vi } from 'vitest';

export interface RecordedRequest {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | { deltas: string[]; output?: string } | Error;

/** Stubs `fetch` with a scripted query API; each request takes the next reply (the last one repeats). */
export function stubQueryApi(...replies: Reply[]) {
  const requests: RecordedRequest[] = [];
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
  vi.stubGlobal('fetch', fetchMock);
  return { requests, fetchMock };
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
