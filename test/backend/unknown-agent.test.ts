import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startTestBackend } from './helpers.js';

// A remote caller is simulated by connecting from 127.0.0.2: only 127.0.0.1 and ::1 count as the
// developer's own machine, so the rest of 127.0.0.0/8 stands in for any other address.
function get404(url: string, method: string, path: string, { from = '127.0.0.1', headers = {} as Record<string, string> } = {}) {
  return new Promise<{ status: number; message: string }>((resolve, reject) => {
    const body = method === 'POST' ? '{}' : '';
    const req = request(
      `${url}${path}`,
      { method, localAddress: from, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, message: (JSON.parse(text) as { error: { message: string } }).error.message }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const ROUTES = [
  ['GET', '/v1/agents/nope'],
  ['POST', '/v1/agents/nope/queries'],
  ['POST', '/v1/agents/nope/queries/q_12345678/stop'],
] as const;

describe('an unknown agent', () => {
  it.each(ROUTES)('is only named unknown to a remote caller of %s %s', async (method, path) => {
    const backend = await startTestBackend({
      agentEntries: { secret1: { webhookUrl: 'http://127.0.0.1:9/h' }, secret2: { webhookUrl: 'http://127.0.0.1:9/h' } },
    });
    const remote = await get404(backend.url, method, path, { from: '127.0.0.2' });
    expect(remote).toEqual({ status: 404, message: 'No agent "nope"' });
    // A proxy on this machine passes on others' requests: what it forwards is not the developer's own.
    const proxied = await get404(backend.url, method, path, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied).toEqual({ status: 404, message: 'No agent "nope"' });
    const local = await get404(backend.url, method, path);
    expect(local).toEqual({ status: 404, message: 'No agent "nope"; this backend serves: secret1, secret2' });
  });
});
