import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../src/contract/protocol.js';
import { postQuery, queryBody, readSse, startTestBackend } from './helpers.js';

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe('query API errors', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    const backend = await startTestBackend();
    const response = await postQuery(backend, '{"query_id": "q_', {});
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_json');
  });

  it('answers a body that fails the schema with 400 invalid_request naming the field', async () => {
    const backend = await startTestBackend();
    const response = await postQuery(backend, queryBody({ conversation_id: 42 }));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('conversation_id');

    const tooLong = await postQuery(backend, queryBody({ input: 'x'.repeat(QUERY_LIMITS.maxInputLength + 1) }));
    expect(tooLong.status).toBe(400);
    expect((await errorOf(tooLong)).message).toContain('input');
  });

  it('answers a non-JSON content type with 415', async () => {
    const backend = await startTestBackend();
    const response = await fetch(`${backend.url}/v1/agents/demo/queries`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(queryBody()),
    });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe('unsupported_media_type');
  });

  it('answers a body over 64 KiB with 413, whether declared or streamed', async () => {
    const backend = await startTestBackend();
    const big = JSON.stringify(queryBody({ context: { page_url: 'x'.repeat(QUERY_LIMITS.maxBodyBytes) } }));
    const declared = await postQuery(backend, big);
    expect(declared.status).toBe(413);
    expect((await errorOf(declared)).code).toBe('body_too_large');

    // Chunked, without content-length: the limit is enforced while reading.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = new URL(backend.url);
      const req = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/agents/demo/queries', headers: { 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(8 * 1024));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(streamed.body).toContain('body_too_large');

    const health = await fetch(`${backend.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
  });

  it('answers an unknown agent with 404 unknown_agent and an unknown route with 404', async () => {
    const backend = await startTestBackend({ agents: ['demo', 'support'] });
    const unknown = await postQuery(backend, queryBody(), { agent: 'nope' });
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('unknown_agent');

    const support = await postQuery(backend, queryBody(), { agent: 'support', accept: 'application/json' });
    expect(support.status).toBe(200);

    const route = await fetch(`${backend.url}/v2/whatever`);
    expect(route.status).toBe(404);
    expect((await errorOf(route)).code).toBe('not_found');

    const method = await fetch(`${backend.url}/v1/agents/demo/queries`);
    expect(method.status).toBe(405);
  });

  it('refuses a disallowed Origin with a 403 the page can read; allows listed origins and preflights', async () => {
    const backend = await startTestBackend({ allowedOrigins: ['http://localhost:5173'] });
    const refused = await postQuery(backend, queryBody(), { headers: { origin: 'http://evil.example' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://evil.example');
    expect((await errorOf(refused)).code).toBe('origin_not_allowed');

    const preflight = await fetch(`${backend.url}/v1/agents/demo/queries`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('vary')).toMatch(/origin/i);

    const allowed = await postQuery(backend, queryBody(), { headers: { origin: 'http://localhost:5173' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect((await readSse(allowed)).at(-1)?.event).toBe('done');

    const serverToServer = await postQuery(backend, queryBody());
    expect(serverToServer.status).toBe(200);
    await serverToServer.text();
  });

  it('limits queries per conversation with 429 and retry-after, but never limits a replay', async () => {
    const backend = await startTestBackend({ rateLimit: 2 });
    const conversation = { conversation_id: 'c_ratelimited1' };
    const first = queryBody(conversation);
    for (const body of [first, queryBody(conversation)]) {
      expect((await postQuery(backend, body, { accept: 'application/json' })).status).toBe(200);
    }
    const limited = await postQuery(backend, queryBody(conversation), { accept: 'application/json' });
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe('rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect((await postQuery(backend, first, { accept: 'application/json' })).status).toBe(200);
    expect((await postQuery(backend, queryBody(), { accept: 'application/json' })).status).toBe(200);
  });
});
