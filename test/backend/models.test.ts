import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { echoAnswer, splitIntoChunks } from '../../demo/backend/models/echo.js';
import { listDeliveries, postQuery, queryBody, readSse, startTestBackend } from './helpers.js';

/** A fake OpenAI-compatible endpoint on loopback; `fail` answers 500 to the first n calls. */
async function startFakeLlm(options: { fail?: number } = {}) {
  const calls: {
    authorization: string | undefined;
    body: { model: string; stream: boolean; messages: { role: string; content: string }[] };
  }[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      calls.push({ authorization: req.headers.authorization, body: JSON.parse(text) });
      if (calls.length <= (options.fail ?? 0)) {
        res.writeHead(500).end('overloaded');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of ['Your order ', 'ships ', 'today.']) {
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: piece } }] })}\n\n`);
      }
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, calls };
}

describe('echo model', () => {
  it('splits into chunks that concatenate to the exact text', () => {
    const text = '  You said: "a  b\n c"\n- x: 1 ';
    const chunks = splitIntoChunks(text, 2);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(text);
  });

  it('repeats the input verbatim and lists params as JSON', () => {
    const answer = echoAnswer({
      agentId: 'demo',
      input: 'Say "hi"',
      params: { user_id: 'u_42', n: 3, ok: false, none: null },
      context: {},
    });
    expect(answer).toBe('You said: "Say "hi""\nParams received:\n- user_id: "u_42"\n- n: 3\n- ok: false\n- none: null');
    expect(echoAnswer({ agentId: 'demo', input: 'x', params: {}, context: {} })).toContain('No params');
  });
});

describe('openai model', () => {
  it('streams an OpenAI-compatible endpoint as deltas, with the params in the prompt', async () => {
    const llm = await startFakeLlm();
    const backend = await startTestBackend({ model: 'openai', llm: { baseUrl: llm.baseUrl, apiKey: 'sk-test', model: 'tiny' } });
    const events = await readSse(await postQuery(backend, queryBody()));
    expect(events).toEqual([
      { event: 'delta', data: { text: 'Your order ' } },
      { event: 'delta', data: { text: 'ships ' } },
      { event: 'delta', data: { text: 'today.' } },
      { event: 'done', data: { query_id: expect.any(String), output: 'Your order ships today.', status: 'completed', sources: [] } },
    ]);
    const [call] = llm.calls;
    expect(call?.authorization).toBe('Bearer sk-test');
    expect(call?.body.model).toBe('tiny');
    expect(call?.body.stream).toBe(true);
    expect(call?.body.messages.at(-1)).toEqual({ role: 'user', content: 'Where is my order?' });
    expect(call?.body.messages[0]?.content).toContain('"user_id":"u_42"');
  });

  it('reports a failing model as an error event, stores nothing, and runs again on retry', async () => {
    const llm = await startFakeLlm({ fail: 1 });
    const backend = await startTestBackend({ model: 'openai', llm: { baseUrl: llm.baseUrl, apiKey: undefined, model: 'tiny' } });
    const body = queryBody();
    const failed = await readSse(await postQuery(backend, body));
    expect(failed).toEqual([{ event: 'error', data: { code: 'model_error', message: expect.any(String), status: 502 } }]);
    expect(await listDeliveries(backend)).toEqual([]);
    expect(backend.logs.join('\n')).toContain('HTTP 500');

    const json = await postQuery(backend, body, { accept: 'application/json' });
    expect(await json.json()).toEqual({ query_id: body.query_id, output: 'Your order ships today.', status: 'completed', sources: [] });
    expect(llm.calls[1]?.authorization).toBeUndefined();
    expect((await listDeliveries(backend)).map((delivery) => delivery.type)).toEqual(['conversation.started', 'query.completed']);
  });

  it('answers 502 JSON when the model fails for a JSON client', async () => {
    const llm = await startFakeLlm({ fail: 1 });
    const backend = await startTestBackend({ model: 'openai', llm: { baseUrl: llm.baseUrl, apiKey: undefined, model: 'tiny' } });
    const response = await postQuery(backend, queryBody(), { accept: 'application/json' });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('model_error');
  });
});
