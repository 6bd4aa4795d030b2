import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PublicDefinitionSchema } from '../../src/contract/agent-definition.js';
import type { AgentEntry } from '../../src/contract/agents-file.js';
import { verifyWebhook } from '../../src/server/index.js';
import { completed } from '../support/webhook-events.js';
import {
  ROOT_DIR,
  listDeliveries,
  postQuery,
  queryBody,
  readSse,
  sleep,
  COMPLETIONS,
  startReceiver,
  startTestBackend,
  tempDir,
  type Receiver,
} from './helpers.js';

// The agents of demo/agents.json, each pointed at its own receiver.
const DEMO_FILE = JSON.parse(readFileSync(join(ROOT_DIR, 'demo/agents.json'), 'utf8')) as { agents: Record<string, AgentEntry> };

async function startDemoAgents() {
  const receivers: Record<string, Receiver> = { demo: await startReceiver(COMPLETIONS), 'demo-inline': await startReceiver(COMPLETIONS) };
  const agentEntries = Object.fromEntries(
    Object.entries(DEMO_FILE.agents).map(([id, entry]) => [id, { ...entry, webhookUrl: receivers[id]!.url }]),
  );
  const backend = await startTestBackend({ agentEntries });
  return { backend, receivers };
}

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string; issues?: { key: string; code: string }[] } }).error;

describe('agents defined in an agents file (demo/agents.json)', () => {
  it('refuses an undeclared key (user_Id) with undeclared_param naming it: no model run, no webhook', async () => {
    const { backend, receivers } = await startDemoAgents();
    const body = queryBody({ params: { user_id: 'u_42', user_Id: 'u_42', plan: 'pro' } });
    const response = await postQuery(backend, body);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('undeclared_param');
    expect(error.message).toContain('"user_Id"');
    expect(error.message).toContain('did you mean "user_id"');
    expect(error.issues).toEqual([
      { key: 'user_Id', code: 'undeclared_param', message: expect.stringContaining('declared: user_id, session_id, plan') },
    ]);
    await sleep(150);
    expect(receivers.demo!.received).toHaveLength(0);
    expect(await listDeliveries(backend, body.query_id)).toEqual([]);
  });

  it('refuses a value of the wrong type, outside its enum or too long, and a missing required param, listing every problem', async () => {
    const { backend, receivers } = await startDemoAgents();
    const wrongType = await postQuery(backend, queryBody({ params: { user_id: 42, plan: 'gold', session_id: 'x'.repeat(129) } }));
    expect(wrongType.status).toBe(400);
    const error = await errorOf(wrongType);
    expect(error.code).toBe('invalid_param_type');
    expect(error.issues?.map((issue) => [issue.key, issue.code])).toEqual([
      ['user_id', 'invalid_param_type'],
      ['plan', 'invalid_param_type'],
      ['session_id', 'invalid_param_type'],
    ]);
    expect(error.message).toContain('"user_id" must be a string, got 42');
    expect(error.message).toContain('"plan" must be one of "free", "pro", got "gold"');

    // demo-inline requires user_id; demo does not.
    const missing = await errorOf(await postQuery(backend, queryBody({ params: { plan: 'pro' } }), { agent: 'demo-inline' }));
    expect(missing).toMatchObject({
      code: 'invalid_param_type',
      issues: [{ key: 'user_id', code: 'invalid_param_type', message: '"user_id" is required (string), got nothing' }],
    });
    // Both kinds at once: the code says a key is undeclared, the issues list everything.
    const both = await errorOf(await postQuery(backend, queryBody({ params: { user_id: true, userid: 'u' } })));
    expect(both.code).toBe('undeclared_param');
    expect(both.issues?.map((issue) => issue.code).sort()).toEqual(['invalid_param_type', 'undeclared_param']);
    await sleep(150);
    expect(receivers.demo!.received).toHaveLength(0);
  });

  it('keeps the shared rules first: a restricted key is invalid_params', async () => {
    const { backend } = await startDemoAgents();
    const error = await errorOf(await postQuery(backend, queryBody({ params: { user_id: 'u', A_ID: 'x' } })));
    expect(error).toMatchObject({ code: 'invalid_params', issues: [{ key: 'A_ID', code: 'restricted_key' }] });
  });

  it("delivers valid params to that agent's own webhook URL, signed with its own secret; the other agent's receiver gets nothing", async () => {
    const { backend, receivers } = await startDemoAgents();
    const params = { user_id: 'u_42', session_id: 'sess_1', plan: 'pro' };
    const body = queryBody({ params });
    expect((await readSse(await postQuery(backend, body))).at(-1)?.event).toBe('done');
    const [webhook] = await receivers.demo!.waitForCount(1);
    const event = completed(verifyWebhook(webhook!.body, webhook!.headers, DEMO_FILE.agents.demo!.webhookSecret!));
    expect(event.data).toMatchObject({ agent_id: 'demo', query_id: body.query_id, params });
    expect(() => verifyWebhook(webhook!.body, webhook!.headers, DEMO_FILE.agents['demo-inline']!.webhookSecret!)).toThrow(/signature/);

    const inline = queryBody({ params: { user_id: 'u_7', cart_items: 2, beta: false } });
    expect((await readSse(await postQuery(backend, inline, { agent: 'demo-inline' }))).at(-1)?.event).toBe('done');
    const [inlineWebhook] = await receivers['demo-inline']!.waitForCount(1);
    expect(verifyWebhook(inlineWebhook!.body, inlineWebhook!.headers, DEMO_FILE.agents['demo-inline']!.webhookSecret!).data.params).toEqual(
      inline.params,
    );
    await sleep(150);
    expect(receivers.demo!.received).toHaveLength(1);
    expect(receivers['demo-inline']!.received).toHaveLength(1);
  });

  it('serves each public definition with an ETag, never a secret or a URL, and answers 304 to a matching If-None-Match', async () => {
    const { backend } = await startDemoAgents();
    const response = await fetch(`${backend.url}/v1/agents/demo`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const definition = PublicDefinitionSchema.parse(JSON.parse(text));
    expect(definition).toEqual({ agent_id: 'demo', name: DEMO_FILE.agents.demo!.name, params: DEMO_FILE.agents.demo!.params });
    for (const secret of ['whsec_', 'signing', 'http', 'webhook']) expect(text).not.toContain(secret);
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(response.headers.get('cache-control')).toBe('no-cache');

    const again = await fetch(`${backend.url}/v1/agents/demo`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await fetch(`${backend.url}/v1/agents/demo-inline`, { headers: { 'if-none-match': etag! } });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);

    const unknown = await fetch(`${backend.url}/v1/agents/nobody`);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('unknown_agent');
    expect((await fetch(`${backend.url}/v1/agents/demo`, { method: 'POST' })).status).toBe(405);
  });

  it('serves asked params and the consent of an agents file as declared, and refuses a bad ask or consent at start-up', async () => {
    const params = {
      email: { type: 'string', description: 'Where we reply', required: true, ask: { label: 'Your email', input: 'email' } },
      company: { type: 'string', description: 'Company', ask: { label: 'Company', placeholder: 'Acme' } },
      plan: { type: 'string', description: 'Plan', enum: ['free', 'pro'], ask: { label: 'Plan' } },
    };
    const consent = { text: 'I agree that Shop stores my answers.', version: '2025-01' };
    const file = join(tempDir(), 'agents.json');
    writeFileSync(file, JSON.stringify({ agents: { shop: { webhookUrl: 'http://127.0.0.1:9/unused', params, consent } } }));
    const backend = await startTestBackend({ agentsFile: file });
    const served = PublicDefinitionSchema.parse(await (await fetch(`${backend.url}/v1/agents/shop`)).json());
    expect(served).toEqual({ agent_id: 'shop', name: 'shop', params, consent });
    // A hand-made query that skips the form and leaves out the asked, required email is refused, naming it.
    const skipped = await postQuery(backend, queryBody({ params: { company: 'Acme', plan: 'pro' } }), { agent: 'shop' });
    expect(skipped.status).toBe(400);
    expect(await errorOf(skipped)).toMatchObject({
      code: 'invalid_param_type',
      issues: [{ key: 'email', code: 'invalid_param_type', message: '"email" is required (string), got nothing' }],
    });

    const bad = join(tempDir(), 'agents.json');
    writeFileSync(
      bad,
      JSON.stringify({
        agents: {
          shop: {
            webhookUrl: 'http://127.0.0.1:9/unused',
            params: { ok: { type: 'boolean', description: 'OK', ask: { label: 'OK', input: 'text' } } },
            consent: { text: 'I agree' },
          },
        },
      }),
    );
    const refusal = startTestBackend({ agentsFile: bad });
    await expect(refusal).rejects.toThrow('"agents.shop.params.ok.ask.input" cannot be "text" for a boolean param; use checkbox');
    await expect(refusal).rejects.toThrow('"agents.shop.consent.version" is required');
  });

  it('reads --agents-file from disk; an agent that declares no params keeps the shared rule', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const file = join(tempDir(), 'agents.json');
    writeFileSync(file, JSON.stringify({ agents: { open: { webhookUrl: receiver.url } } }));
    const backend = await startTestBackend({ agentsFile: file });
    const body = queryBody({ params: { anything: 'goes', user_Id: 1 } });
    expect((await readSse(await postQuery(backend, body, { agent: 'open' }))).at(-1)?.event).toBe('done');
    expect(await (await fetch(`${backend.url}/v1/agents/open`)).json()).toEqual({ agent_id: 'open', name: 'open', params: {} });
    await receiver.waitForCount(1);
    expect(
      verifyWebhook(receiver.received[0]!.body, receiver.received[0]!.headers, backend.config.agents[0]!.webhookSecret).data.params,
    ).toEqual(body.params);
  });
});
