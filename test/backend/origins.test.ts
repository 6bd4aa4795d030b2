import { describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../demo/backend/config/index.js';
import { listDeliveries, postQuery, queryBody, readSse, sleep, startReceiver, startTestBackend } from './helpers.js';

async function refusal(response: Response) {
  return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
}

describe('browser origins', () => {
  it('refuses a disallowed origin with a 403 the page can read: CORS on the error, no model run, no webhook', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url, allowedOrigins: ['http://localhost:5173'] });
    const evil = 'http://shop.example';

    // The preflight passes, so the browser sends the request and the page can read why it was refused.
    const preflight = await fetch(`${backend.url}/v1/agents/demo/queries`, {
      method: 'OPTIONS',
      headers: { origin: evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, idempotency-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(evil);

    const body = queryBody();
    const response = await postQuery(backend, body, { headers: { origin: evil } });
    expect(response.headers.get('access-control-allow-origin')).toBe(evil);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/origin/i);
    const { status, body: error } = await refusal(response);
    expect(status).toBe(403);
    expect(error).toEqual({ error: { code: 'origin_not_allowed', message: expect.stringContaining(`--allowed-origin ${evil}`) } });
    expect(error.error.message).toContain(evil);

    // Nothing ran: the same query_id from an allowed origin runs it fresh, and only then is there a webhook.
    await sleep(50);
    expect(await listDeliveries(backend)).toEqual([]);
    const allowed = await readSse(await postQuery(backend, body, { headers: { origin: 'http://localhost:5173' } }));
    expect(allowed.filter((event) => event.event === 'delta').length).toBeGreaterThan(1);
    await receiver.waitForCount(1);
  });

  it('logs a refused origin at most once a minute per origin', async () => {
    const backend = await startTestBackend({ allowedOrigins: ['http://localhost:5173'] });
    const refusedLines = () => backend.logs.filter((line) => line.includes('refused'));
    for (let i = 0; i < 3; i++) await (await postQuery(backend, queryBody(), { headers: { origin: 'http://a.example' } })).arrayBuffer();
    await (await postQuery(backend, queryBody(), { headers: { origin: 'http://b.example' } })).arrayBuffer();
    expect(refusedLines()).toHaveLength(2);
    expect(refusedLines()[0]).toContain('http://a.example');
    expect(refusedLines()[0]).toContain('--allowed-origin http://a.example');
    expect(refusedLines()[1]).toContain('http://b.example');

    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      await (await postQuery(backend, queryBody(), { headers: { origin: 'http://a.example' } })).arrayBuffer();
    } finally {
      vi.useRealTimers();
    }
    expect(refusedLines()).toHaveLength(3);
  });

  it('with no allowed origin given, allows loopback origins on any port, and nothing else', async () => {
    expect(resolveConfig({}, {}).allowedOrigins).toEqual([]);
    const backend = await startTestBackend();
    const loopback = ['http://localhost:5173', 'http://127.0.0.1:9999', 'http://[::1]:3000', 'https://localhost:8443', 'http://localhost'];
    for (const origin of loopback) {
      const response = await postQuery(backend, queryBody(), { headers: { origin }, accept: 'application/json' });
      expect(response.status, origin).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      await response.arrayBuffer();
    }
    const foreign = [
      'http://example.com',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io',
      'http://evil.example:5173',
      'null',
      'file://',
    ];
    for (const origin of foreign) {
      const response = await postQuery(backend, queryBody(), { headers: { origin }, accept: 'application/json' });
      expect((await refusal(response)).status, origin).toBe(403);
    }
  });
});
