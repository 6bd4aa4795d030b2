import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { init, type AicadoAgent, type InitOptions } from '../../src/index.js';
import { stubQueryApi, type RecordedRequest } from './support.js';

// Faults found by an attack pass over the SDK: slow models, hostile host pages, leaky storage.

const base = { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' as const };
const encoder = new TextEncoder();
let agents: AicadoAgent<never>[] = [];
const start = (options: InitOptions) => {
  const agent = init(options);
  agents.push(agent as AicadoAgent<never>);
  return agent;
};

// The lazy part (panel, transport) loads once per page; loaded here so fake timers never hold its import.
beforeAll(() => import('../../src/on-intent/index.js'));
beforeEach(() => localStorage.clear());
afterEach(() => {
  for (const agent of agents) agent.destroy();
  agents = [];
  vi.unstubAllGlobals();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

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

describe('what the API learns of the page', () => {
  it('sends origin and path only by default; the query string and fragment stay in the page', async () => {
    history.replaceState(null, '', '/reset-password?token=s3cret#code=abc');
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    await start({ ...base }).send('hi');
    expect(requests[0]!.body.context).toMatchObject({ page_url: `${location.origin}/reset-password` });
    expect(JSON.stringify(requests[0]!.body)).not.toContain('s3cret');
  });

  it("sends the full address with context: { pageUrl: 'full' }", async () => {
    history.replaceState(null, '', '/search?q=shoes');
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    await start({ ...base, context: { pageUrl: 'full' } }).send('hi');
    expect(requests[0]!.body.context).toMatchObject({ page_url: `${location.origin}/search?q=shoes` });
  });
});

describe('a hostile host page', () => {
  const polluted = ['signedParams', 'locale', 'apiBase', 'params'] as const;
  afterEach(() => {
    for (const key of [...polluted, 'user_id']) delete (Object.prototype as Record<string, unknown>)[key];
  });

  it('cannot inject options or a token through Object.prototype', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const proto = Object.prototype as Record<string, unknown>;
    proto.signedParams = 'attacker.token.value';
    proto.locale = 'xx-EVIL';
    proto.apiBase = 'http://evil.test';
    await start({ ...base, locale: undefined }).send('hi');
    expect(requests[0]!.url).toBe('http://api.test/v1/agents/demo/queries');
    expect(requests[0]!.body.signed_params).toBeUndefined();
    expect((requests[0]!.body.context as { locale: string }).locale).not.toBe('xx-EVIL');
  });

  it('cannot swallow a param with a setter on Object.prototype', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const swallowed: unknown[] = [];
    Object.defineProperty(Object.prototype, 'user_id', { set: (value) => swallowed.push(value), get: () => undefined, configurable: true });
    const agent = start({ ...base, params: { user_id: 'u_42', plan: 'pro' } });
    agent.setParams({ plan: 'free' });
    await agent.send('hi');
    expect(requests[0]!.body.params).toEqual({ user_id: 'u_42', plan: 'free' });
    expect(swallowed).toEqual([]);
  });
});

describe('pending queries in storage', () => {
  const key = 'aicado:v1:demo:conversation';
  const stored = () => JSON.parse(localStorage.getItem(key) ?? '{}') as { pending?: { query_id: string; signed_params?: string }[] };

  it('a query that failed for good leaves storage, and no token is ever stored', async () => {
    stubQueryApi({ status: 400, body: { error: { code: 'invalid_request', message: 'no' } } });
    const agent = start({ ...base, storage: 'local', signedParams: 'header.payload.signature' });
    const sent = agent.send('hello');
    expect(stored().pending?.[0]?.signed_params).toBeUndefined();
    await expect(sent).rejects.toMatchObject({ code: 'invalid_request' });
    expect(stored().pending).toEqual([]);
    expect(localStorage.getItem(key)).not.toContain('header.payload.signature');
  });

  it('are checked again when resumed: invalid ones are dropped, never sent', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const pending = [
      { query_id: 'q_restricted01', conversation_id: 'c_storedstored1', input: 'a', params: { a_id: 'x' } },
      { query_id: 'q_toolongtool1', conversation_id: 'c_storedstored1', input: 'x'.repeat(4001), params: {} },
      { query_id: 'q_badconversa1', conversation_id: 'not a conversation', input: 'b', params: {} },
      { query_id: 'q_goodgoodgood', conversation_id: 'c_storedstored1', input: 'fine', params: { user_id: 'u_1' } },
    ];
    const messages = pending.map((r) => ({ id: r.query_id, role: 'agent', text: '', queryId: r.query_id, status: 'retrying' }));
    localStorage.setItem(key, JSON.stringify({ conversationId: 'c_storedstored1', messages, pending }));
    start({ ...base, storage: 'local' });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requests.map((r) => r.body.query_id)).toEqual(['q_goodgoodgood']);
  });
});

describe('a page on an origin the API does not allow', () => {
  it('is final: one request, one console error naming the origin and how to allow it, an error event, a visitor notice; later sends make no request', async () => {
    const { requests } = stubQueryApi({ status: 403, body: { error: { code: 'origin_not_allowed', message: 'Origin not allowed' } } });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const agent = start({ ...base, open: true });
    const errors: string[] = [];
    agent.on('error', (e) => errors.push(e.error.code));
    await expect(agent.send('hello')).rejects.toMatchObject({ code: 'origin_not_allowed' });
    await expect(agent.send('again')).rejects.toMatchObject({ code: 'origin_not_allowed' });
    expect(requests).toHaveLength(1);
    expect(errors).toEqual(['origin_not_allowed', 'origin_not_allowed']);
    expect(logged).toHaveBeenCalledOnce();
    expect(String(logged.mock.calls[0]![0])).toContain(`--allowed-origin ${location.origin}`);
    const shadow = document.querySelector('aicado-embed')!.shadowRoot!;
    await vi.waitFor(() => expect(shadow.textContent).toContain("This chat isn't available on this site."));
    expect(shadow.querySelector('.status.error button')).toBeNull();
  });
});
