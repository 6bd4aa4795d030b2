import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordedRequest } from './support.js';
import { base, startedAgents } from './started-agents.js';

const encoder = new TextEncoder();
// The lazy part (panel, transport) loads once per page; loaded here so fake timers never hold its import.
beforeAll(() => import('../../src/on-intent/index.js'));
const start = startedAgents();

/** A query API whose stream is written by `script`, one chunk at a time, as the test advances time. */
function stubStreamingApi(script: (write: (text: string) => void, close: () => void, request: RecordedRequest) => void) {
  const requests: RecordedRequest[] = [];
  const state = { cancelled: 0, readToClose: 0 };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const request = { url, headers: {}, body: JSON.parse(String(init.body)) as Record<string, unknown> };
      requests.push(request);
      let closed = false;
      const chunks: string[] = [];
      let wake: (() => void) | undefined;
      const body = new ReadableStream<Uint8Array>(
        {
          // Like a real fetch, aborting the request errors its body.
          start(controller) {
            init.signal?.addEventListener('abort', () => {
              controller.error(new DOMException('The operation was aborted', 'AbortError'));
              wake?.();
            });
          },
          async pull(controller) {
            if (init.signal?.aborted) return;
            while (!chunks.length && !closed && !init.signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
            if (init.signal?.aborted) return;
            if (chunks.length) controller.enqueue(encoder.encode(chunks.shift()!));
            else {
              state.readToClose++;
              controller.close();
            }
          },
          cancel() {
            state.cancelled++;
          },
        },
        new CountQueuingStrategy({ highWaterMark: 0 }),
      );
      script(
        (text) => {
          chunks.push(text);
          wake?.();
        },
        () => {
          closed = true;
          wake?.();
        },
        request,
      );
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }),
  );
  return { requests, state };
}

const sse = (event: string, data: object) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

describe('a slow model', () => {
  it('heartbeats alone keep a query alive past the idle timeout: one request, no retry, no error', async () => {
    vi.useFakeTimers();
    const { requests } = stubStreamingApi((write, close, request) => {
      // 45 s to the first token, with the server's heartbeat every 10 s.
      for (let s = 10; s < 45; s += 10) setTimeout(() => write(': keep-alive\n\n'), s * 1000);
      setTimeout(() => {
        write(sse('delta', { text: 'late answer' }));
        write(sse('done', { query_id: request.body.query_id, output: 'late answer' }));
        close();
      }, 45_000);
    });
    const agent = start({ ...base });
    const errors: string[] = [];
    agent.on('error', (e) => errors.push(e.error.code));
    const answer = agent.send('think hard');
    await vi.advanceTimersByTimeAsync(46_000);
    await expect(answer).resolves.toMatchObject({ output: 'late answer' });
    expect(requests).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});

describe('the answer stream', () => {
  it('is read to its close after done, never cancelled (the browser would report the request as aborted)', async () => {
    const { state } = stubStreamingApi((write, close, request) => {
      write(sse('delta', { text: 'hi' }));
      write(sse('done', { query_id: request.body.query_id, output: 'hi' }));
      setTimeout(close, 5);
    });
    const agent = start({ ...base });
    await agent.send('hello');
    await vi.waitFor(() => expect(state.readToClose).toBe(1));
    expect(state.cancelled).toBe(0);
  });
});
