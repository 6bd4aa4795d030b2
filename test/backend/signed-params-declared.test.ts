import { describe, expect, it } from 'vitest';
import type { Params } from '../../src/contract/params.js';
import type { AgentEntry } from '../../src/contract/agents-file.js';
import { signParams } from '../../src/server/signed-params.js';
import { verifyWebhook } from '../../src/server/index.js';
import { listDeliveries, postQuery, queryBody, sleep, startReceiver, startTestBackend } from './helpers.js';

// Signed params are vouched for by the owner's server, but the agent's declaration is the contract the
// webhook promises, so a token's params are held to it as a page's params are.

const SIGNING_SECRET = 'sk_declared_params_test_secret_01';
const DECLARED: AgentEntry['params'] = {
  user_id: { type: 'string', description: 'The customer.', maxLength: 8 },
  plan: { type: 'string', description: 'The plan.', enum: ['free', 'pro'] },
  seats: { type: 'number', description: 'Seats bought.', required: true },
};

async function startDeclaredAgent() {
  const receiver = await startReceiver();
  const backend = await startTestBackend({
    agentEntries: { demo: { webhookUrl: receiver.url, signingSecret: SIGNING_SECRET, params: DECLARED } },
  });
  return { backend, receiver };
}

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string; issues?: { key: string; code: string }[] } }).error;

describe('signed params held to the agent’s declared params', () => {
  it('refuses a valid token with an undeclared key or a value outside its enum with 400, naming each key: no model run, no webhook', async () => {
    const { backend, receiver } = await startDeclaredAgent();
    const cases: { token: Params; code: string; keys: string[] }[] = [
      { token: { user_id: 'u_1', role: 'admin' }, code: 'undeclared_param', keys: ['role'] },
      { token: { plan: 'enterprise' }, code: 'invalid_param_type', keys: ['plan'] },
      { token: { user_id: 42, plan: 'enterprise', role: 'admin' }, code: 'undeclared_param', keys: ['user_id', 'plan', 'role'] },
      { token: { user_id: 'u_123456789' }, code: 'invalid_param_type', keys: ['user_id'] },
    ];
    for (const { token, code, keys } of cases) {
      const body = queryBody({ params: { seats: 2 }, signed_params: await signParams(token, SIGNING_SECRET) });
      const response = await postQuery(backend, body, { accept: 'application/json' });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(/^Signed params do not match the agent's definition/);
      expect(error.issues?.map((issue) => issue.key).sort()).toEqual([...keys].sort());
      for (const key of keys) expect(error.message).toContain(`"${key}"`);
      expect(await listDeliveries(backend, body.query_id)).toEqual([]);
    }
    await sleep(100);
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses it on a stream too, before the stream opens', async () => {
    const { backend } = await startDeclaredAgent();
    const body = queryBody({ params: { seats: 2 }, signed_params: await signParams({ plan: 'enterprise' }, SIGNING_SECRET) });
    const response = await postQuery(backend, body);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).issues).toEqual([
      { key: 'plan', code: 'invalid_param_type', message: expect.stringContaining('"free", "pro"') },
    ]);
  });

  it('accepts a token of declared params, leaving required ones to the page, and delivers it as verified_params', async () => {
    const { backend, receiver } = await startDeclaredAgent();
    const body = queryBody({ params: { seats: 2 }, signed_params: await signParams({ user_id: 'u_1', plan: 'pro' }, SIGNING_SECRET) });
    expect((await postQuery(backend, body, { accept: 'application/json' })).status).toBe(200);
    const [webhook] = await receiver.waitForCount(1);
    const secret = backend.config.agents[0]!.webhookSecret;
    expect(verifyWebhook(webhook!.body, webhook!.headers, secret).data).toMatchObject({
      params: { seats: 2 },
      verified_params: { user_id: 'u_1', plan: 'pro' },
    });
  });
});
