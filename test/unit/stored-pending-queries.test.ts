import { describe, expect, it, vi } from 'vitest';
import { stubQueryApi } from './support.js';
import { base, startedAgents } from './started-agents.js';

const start = startedAgents();

describe('pending queries in storage', () => {
  const key = 'aicado:v1:demo:conversation';
  const stored = () => JSON.parse(localStorage.getItem(key) ?? '{}') as { pending?: { query_id: string; signed_params?: string }[] };

  it('a query that failed for good leaves storage, and no token is ever stored', async () => {
    stubQueryApi({ status: 400, body: { error: { code: 'invalid_request', message: 'no' } } });
    const agent = start({ ...base, storage: 'local', signedParams: 'header.payload.signature' });
    const sent = agent.send('hello');
    expect(stored().pending?.[0]?.signed_params).toBeUndefined();
    await expect(sent).rejects.toMatchObject({ code: 'invalid_request' });
    expect(stored().pending).toEqual([]);
    expect(localStorage.getItem(key)).not.toContain('header.payload.signature');
  });

  it('are checked again when resumed: invalid ones are dropped, never sent', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const pending = [
      { query_id: 'q_restricted01', conversation_id: 'c_storedstored1', input: 'a', params: { a_id: 'x' } },
      { query_id: 'q_toolongtool1', conversation_id: 'c_storedstored1', input: 'x'.repeat(4001), params: {} },
      { query_id: 'q_badconversa1', conversation_id: 'not a conversation', input: 'b', params: {} },
      { query_id: 'q_goodgoodgood', conversation_id: 'c_storedstored1', input: 'fine', params: { user_id: 'u_1' } },
    ];
    const messages = pending.map((r) => ({ id: r.query_id, role: 'agent', text: '', queryId: r.query_id, status: 'retrying' }));
    localStorage.setItem(key, JSON.stringify({ conversationId: 'c_storedstored1', messages, pending }));
    start({ ...base, storage: 'local' });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requests.map((r) => r.body.query_id)).toEqual(['q_goodgoodgood']);
  });
});
