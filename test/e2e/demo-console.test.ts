// What `npm run demo` tells a newcomer in the terminal: both secrets, the ports and how to use the
// backend from their own dev app; and, when a port is taken, one line naming the variable to change.
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS, JSON_TYPE, queriesPath } from '../../src/contract/protocol.js';
import { signParams } from '../../src/server/index.js';
import { freePort, spawnDemo, startDemo, type DemoProcess } from './support/demo.js';

describe('npm run demo prints what a newcomer needs', () => {
  let demo: DemoProcess & { url: string };
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(async () => {
    await demo?.stop();
  });

  it('both secrets, and the signing secret it prints is the one the backend checks tokens with', async () => {
    const output = demo.output();
    expect(output).toMatch(/webhook secret: whsec_[A-Za-z0-9+/=]+/i);
    const signing = /signing secret[^:]*: (\S+)/i.exec(output)?.[1];
    expect(signing).toBeDefined();

    const token = await signParams({ user_id: 'u_signed' }, signing!, { expiresInSeconds: 60 });
    const queryId = `q_${randomBytes(12).toString('base64url')}`;
    const backendUrl = `http://127.0.0.1:${demo.ports.backend}`;
    const response = await fetch(`${backendUrl}${queriesPath('demo')}`, {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE, accept: JSON_TYPE, [HEADERS.idempotencyKey]: queryId },
      body: JSON.stringify({
        query_id: queryId,
        conversation_id: `c_${randomBytes(12).toString('base64url')}`,
        input: 'hi',
        signed_params: token,
      }),
    });
    expect(response.status).toBe(200);
  });

  it('the ports, the variables that change them, and how to point your own dev app at the backend', () => {
    const output = demo.output();
    expect(output).toContain(`PORT=${demo.ports.host}`);
    expect(output).toContain(`BACKEND_PORT=${demo.ports.backend}`);
    expect(output).toContain(`apiBase: 'http://127.0.0.1:${demo.ports.backend}'`);
    expect(output).toMatch(/--webhook-url/);
  });

  it('the backend answers the dev app the output names (a Vite dev server on http://localhost:5173)', async () => {
    const origin = /Your own dev app on any loopback origin, such as (http:\/\/[^\s,]+)/.exec(demo.output())?.[1];
    expect(origin).toBe('http://localhost:5173');
    const queryId = `q_${randomBytes(12).toString('base64url')}`;
    const response = await fetch(`http://127.0.0.1:${demo.ports.backend}${queriesPath('demo')}`, {
      method: 'POST',
      headers: { origin: origin!, 'content-type': JSON_TYPE, accept: JSON_TYPE, [HEADERS.idempotencyKey]: queryId },
      body: JSON.stringify({ query_id: queryId, conversation_id: `c_${randomBytes(12).toString('base64url')}`, input: 'hi' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  });
});

describe('a port already in use', () => {
  let blocker: Server;
  let blocked: number;
  beforeAll(async () => {
    blocked = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(blocked, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
  });

  it.each([
    ['PORT', 'host'],
    ['BACKEND_PORT', 'backend'],
  ] as const)('%s: one line naming the variable, no stack trace, exit code 1', async (variable, which) => {
    const demo = await spawnDemo({ [which]: blocked });
    const code = await demo.exited;
    const lines = demo.output().trim().split('\n');
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${variable}=`);
    expect(lines[0]).toContain(String(blocked));
    expect(demo.output()).not.toMatch(/^\s+at /m);
  });
});
