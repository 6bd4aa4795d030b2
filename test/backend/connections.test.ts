import { connect, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseFlags, resolveConfig } from '../../demo/backend/config/index.js';
import { postQuery, queryBody, readSse, startTestBackend, waitUntil } from './helpers.js';

interface SlowClient {
  socket: Socket;
  openedAt: number;
  closedAt: number | undefined;
}

/** Opens a connection that sends the start of a request and then (almost) nothing more. */
function slowClient(url: string, part: 'headers' | 'body'): Promise<SlowClient> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const client: SlowClient = { socket, openedAt: Date.now(), closedAt: undefined };
    onTestFinished(() => void socket.destroy());
    socket.on('error', () => undefined); // a reset by the server is what some tests wait for
    socket.on('close', () => (client.closedAt ??= Date.now()));
    socket.once('connect', () => {
      const head =
        part === 'body'
          ? 'POST /v1/agents/demo/queries HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 60000\r\n\r\n{"query_id":'
          : 'POST /v1/agents/demo/queries HTTP/1.1\r\nhost: x\r\ncontent-';
      socket.write(head);
      // A byte now and then, as a slow-loris client does to look alive.
      const drip = setInterval(() => socket.writable && socket.write(part === 'body' ? ' ' : 'x'), 100);
      socket.once('close', () => clearInterval(drip));
      resolve(client);
    });
    socket.once('error', reject);
  });
}

describe('connections', () => {
  it('has request and header timeouts and a connection cap, configurable and checked', () => {
    const config = resolveConfig({}, {});
    expect(config.requestTimeoutMs).toBeLessThanOrEqual(30_000);
    expect(config.headersTimeoutMs).toBeLessThanOrEqual(config.requestTimeoutMs);
    expect(config.maxConnections).toBeGreaterThan(0);
    const flags = parseFlags(['--request-timeout-ms', '800', '--headers-timeout-ms', '400', '--max-connections', '20']);
    expect(resolveConfig(flags, {})).toMatchObject({ requestTimeoutMs: 800, headersTimeoutMs: 400, maxConnections: 20 });
    expect(() => resolveConfig({ requestTimeoutMs: 100, headersTimeoutMs: 200 }, {})).toThrow(/headersTimeoutMs/);
  });

  it('closes slow-body and slow-header connections on time, caps how many are open, and stays healthy', async () => {
    const backend = await startTestBackend({ requestTimeoutMs: 600, headersTimeoutMs: 300, maxConnections: 20 });
    const bodies = await Promise.all(Array.from({ length: 15 }, () => slowClient(backend.url, 'body')));
    const heads = await Promise.all(Array.from({ length: 15 }, () => slowClient(backend.url, 'headers')));
    const clients = [...bodies, ...heads];

    // Over the cap (20 open at most), the newest connections are dropped right away.
    await waitUntil(
      () => clients.filter((client) => client.closedAt !== undefined).length >= 10,
      2000,
      'connections over the cap to be dropped',
    );
    expect(
      clients.filter((client) => client.closedAt !== undefined && client.closedAt - client.openedAt < 250).length,
    ).toBeGreaterThanOrEqual(10);

    // Every slow connection is closed by the server: headers after ~300 ms, bodies after ~600 ms.
    await waitUntil(() => clients.every((client) => client.closedAt !== undefined), 5000, 'every slow connection to be closed');
    for (const client of clients) expect(client.closedAt! - client.openedAt).toBeLessThan(2500);
    expect((await fetch(`${backend.url}/healthz`)).status).toBe(200);
    expect(backend.logs.join('\n')).toMatch(/connection cap/);
  });

  it('does not cut a slow stream: the request timeout covers only the request', async () => {
    const backend = await startTestBackend({ requestTimeoutMs: 300, headersTimeoutMs: 200, firstTokenDelayMs: 700, heartbeatMs: 100 });
    const events = await readSse(await postQuery(backend, queryBody()));
    expect(events.at(-1)?.event).toBe('done');
  });
});
