import { connect, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseFlags, resolveConfig } from '../../demo/backend/config/index.js';
import { postQuery, queryBody, startTestBackend, waitUntil } from './helpers.js';

// One client must not hold every connection or stream of the backend. Bounded and on loopback: a
// "remote" client connects from 127.0.0.2, since 127.0.0.1 and ::1 (the developer's own machine, or
// a proxy on it) are exempt from the per-address cap.

interface Stalled {
  socket: Socket;
  closedAt: number | undefined;
}

/** A connection that sends a query's headers and one byte of its body, then nothing. */
function stalledBody(url: string, from: string): Promise<Stalled> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ port: Number(port), host: hostname, localAddress: from });
    const stalled: Stalled = { socket, closedAt: undefined };
    onTestFinished(() => void socket.destroy());
    socket.on('error', () => undefined); // a drop or reset by the server is what these tests wait for
    socket.on('close', () => (stalled.closedAt ??= Date.now()));
    socket.once('connect', () => {
      socket.write('POST /v1/agents/demo/queries HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{');
      resolve(stalled);
    });
    socket.once('close', () => resolve(stalled));
  });
}

describe('connection fairness', () => {
  it('caps the connections of one address, by default at half of --max-connections, configurable', () => {
    expect(resolveConfig({ maxConnections: 60 }, {}).maxConnectionsPerAddress).toBe(30);
    expect(resolveConfig(parseFlags(['--max-connections-per-address', '7']), {}).maxConnectionsPerAddress).toBe(7);
  });

  it('keeps /healthz answering while one address holds stalled requests on every connection it can', async () => {
    const backend = await startTestBackend({ maxConnections: 60 });
    const stalled = await Promise.all(Array.from({ length: 60 }, () => stalledBody(backend.url, '127.0.0.2')));
    await waitUntil(
      () => stalled.filter((client) => client.closedAt !== undefined).length >= 30,
      2000,
      'connections over the per-address cap to be dropped',
    );
    const started = Date.now();
    const health = await fetch(`${backend.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(stalled.filter((client) => client.closedAt === undefined).length).toBeLessThanOrEqual(30);
    expect(backend.logs.join('\n')).toMatch(/per-address connection cap reached/);
  });

  it('closes a connection whose body stops coming well before the request timeout', async () => {
    const backend = await startTestBackend({ requestTimeoutMs: 10_000, headersTimeoutMs: 400 });
    const openedAt = Date.now();
    const [local, remote] = await Promise.all([stalledBody(backend.url, '127.0.0.1'), stalledBody(backend.url, '127.0.0.2')]);
    await waitUntil(() => local!.closedAt !== undefined && remote!.closedAt !== undefined, 3000, 'stalled bodies to be closed');
    expect(local!.closedAt! - openedAt).toBeLessThan(1500);
    expect((await fetch(`${backend.url}/healthz`)).status).toBe(200);
  });

  it('counts a request that joins a running query against the rate limit', async () => {
    const backend = await startTestBackend({ rateLimit: 3, rateLimitPerAddress: 5, firstTokenDelayMs: 1500 });
    const body = queryBody();
    const aborts = new AbortController();
    onTestFinished(() => aborts.abort());
    const first = await postQuery(backend, body, { signal: aborts.signal });
    expect(first.status).toBe(200);
    const joined = await Promise.all(Array.from({ length: 10 }, () => postQuery(backend, body, { signal: aborts.signal })));
    const statuses = joined.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(2); // 3 a minute in a conversation
    expect(statuses.filter((status) => status === 429)).toHaveLength(8);
  });
});
