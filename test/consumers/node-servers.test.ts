// (d) a CommonJS Express app that `require`s aicado-embed/server, (e) an ESM TypeScript app on Hono that
// imports it: each type-checks strictly, resolves its own build of the package, and verifies the
// webhooks the reference backend delivers.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS, JSON_TYPE, WEBHOOK_HEADERS, queriesPath } from '../../src/contract/protocol.js';
import { newWebhookSecret } from '../e2e/support/fixture.js';
import { startBackend, type BackendProcess } from '../e2e/support/backend.js';
import { appDir, npmRun, startReceiverApp } from './support/apps.js';
import { runCommand } from './support/process.js';

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** Sends a query to the backend the way a server would (no browser, no Origin), answered as JSON. */
async function ask(backend: BackendProcess, input: string, params: Record<string, unknown>) {
  const queryId = id('q');
  const response = await fetch(`${backend.url}${queriesPath('demo')}`, {
    method: 'POST',
    headers: { 'content-type': JSON_TYPE, accept: JSON_TYPE, [HEADERS.idempotencyKey]: queryId },
    body: JSON.stringify({ query_id: queryId, conversation_id: id('c'), input, params }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json() as Promise<{ query_id: string; output: string }>;
}

const APPS = [
  { name: 'node-cjs', format: 'CommonJS', resolver: "require.resolve('aicado-embed/server')", file: /dist\/server\.cjs$/ },
  { name: 'node-esm', format: 'ESM', resolver: "import.meta.resolve('aicado-embed/server')", file: /dist\/server\.js$/ },
] as const;

describe.each(APPS)('$name ($format)', ({ name, format, resolver, file }) => {
  const secret = newWebhookSecret();
  let receiver: Awaited<ReturnType<typeof startReceiverApp>>;
  let backend: BackendProcess;

  beforeAll(async () => {
    // The app's own build: strict tsc (skipLibCheck: false); the ESM app also emits its JavaScript.
    await npmRun(name, 'build');
    receiver = await startReceiverApp(name, secret);
    backend = await startBackend({ webhookUrl: receiver.webhookUrl, webhookSecret: secret });
  });
  afterAll(async () => {
    await backend?.stop();
    await receiver?.stop();
  });

  it(`resolves aicado-embed/server to the ${format} build`, async () => {
    const type = format === 'ESM' ? ['--input-type=module'] : [];
    const { output } = await runCommand(process.execPath, [...type, '--eval', `console.log(${resolver})`], { cwd: appDir(name) });
    expect(output.trim()).toMatch(file);
  });

  it('verifies a webhook the reference backend delivers, with the params of the query', async () => {
    const params = { user_id: `u_${name}`, session_id: 's_1', plan: 'pro', seats: 3, trial: false, referrer: null };
    const from = receiver.output().length;
    const answer = await ask(backend, 'Where is my order?', params);
    const { user_id, event } = await receiver.nextEvent(from);
    expect(user_id).toBe(params.user_id);
    expect(event.type).toBe('query.completed');
    expect(event.data).toMatchObject({ input: 'Where is my order?', output: answer.output });
    expect(event.data.params).toStrictEqual(params);
  });

  it('answers a forged delivery 400 with the reason', async () => {
    const body = JSON.stringify({ type: 'query.completed', id: 'evt_forged', created_at: new Date().toISOString(), data: {} });
    const response = await fetch(receiver.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': JSON_TYPE,
        [WEBHOOK_HEADERS.id]: 'msg_forged',
        [WEBHOOK_HEADERS.timestamp]: String(Math.floor(Date.now() / 1000)),
        [WEBHOOK_HEADERS.signature]: `v1,${Buffer.alloc(32).toString('base64')}`,
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('bad_signature');
  });
});
