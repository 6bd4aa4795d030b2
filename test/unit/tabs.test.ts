import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConversation } from '../../src/on-intent/index.js';
import { Agent } from '../../src/at-load/core/agent.js';
import { normalizeOptions } from '../../src/at-load/core/options.js';
import type { ChatMessage } from '../../src/at-load/core/agent-state.js';
import { mergeConversations, type StoredConversation } from '../../src/on-intent/conversation/transcript.js';
import { stubQueryApi } from './support.js';

const user = (id: string): ChatMessage => ({ id: `${id}:user`, role: 'user', text: id, queryId: id, status: 'done' });
const agent = (id: string, status: ChatMessage['status'], rev?: number, text = ''): ChatMessage => ({
  id,
  role: 'agent',
  text,
  queryId: id,
  status,
  rev,
});
const request = (id: string) => ({ query_id: id, conversation_id: 'c_shared00', input: id, params: {} });
const conversation = (messages: ChatMessage[], pending: string[] = []): StoredConversation => ({
  conversationId: 'c_shared00',
  messages,
  pending: pending.map(request),
});

describe('merging two tabs’ copies of a conversation', () => {
  it('crossing writes converge: each tab keeps what the other added, in both orders of arrival', () => {
    const base = [user('q_first000'), agent('q_first000', 'done', 3)];
    const a = conversation([...base, user('q_fromA000'), agent('q_fromA000', 'sending')], ['q_fromA000']);
    const b = conversation([...base, user('q_fromB000'), agent('q_fromB000', 'sending')], ['q_fromB000']);
    // B's write landed over A's; A merges it with its own, then B merges what A stored.
    const storedByA = mergeConversations(b, a);
    expect(storedByA.messages.map((m) => m.id)).toEqual([
      'q_first000:user',
      'q_first000',
      'q_fromB000:user',
      'q_fromB000',
      'q_fromA000:user',
      'q_fromA000',
    ]);
    expect(storedByA.pending.map((r) => r.query_id).sort()).toEqual(['q_fromA000', 'q_fromB000']);
    expect(mergeConversations(storedByA, b)).toEqual(storedByA);
  });

  it('the newer copy of a message wins, and a query another tab finished is not pending again from a stale copy', () => {
    const finished = conversation([user('q_one00000'), agent('q_one00000', 'done', 5, 'the answer')]);
    const stale = conversation([user('q_one00000'), agent('q_one00000', 'sending', 1)], ['q_one00000']);
    expect(mergeConversations(finished, stale)).toEqual(finished);
    expect(mergeConversations(stale, finished)).toEqual(finished);
  });

  it('a query stays pending as the newer copy of its message says: just queued here, or stopped in either tab', () => {
    const asked = conversation([user('q_one00000'), agent('q_one00000', 'sending', 1)]);
    // The message was stored a moment before its query was queued: the same copy, now with the query.
    const queued = conversation([user('q_one00000'), agent('q_one00000', 'sending', 1)], ['q_one00000']);
    expect(mergeConversations(asked, queued).pending.map((r) => r.query_id)).toEqual(['q_one00000']);
    // Stopped here: a newer copy of the message without its query; the stored copy still lists it.
    const stopped = conversation([user('q_one00000'), agent('q_one00000', 'streaming', 2)]);
    expect(mergeConversations(queued, stopped).pending).toEqual([]);
    // Stopped in the other tab: this tab's older copy does not bring the query back.
    expect(mergeConversations(stopped, queued).pending).toEqual([]);
  });

  it('stored copies win ties, so tabs that agree store nothing more', () => {
    const stored = conversation([user('q_one00000'), agent('q_one00000', 'sending', 1)], ['q_one00000']);
    const mine = conversation([user('q_one00000'), { ...agent('q_one00000', 'sending', 1) }], ['q_one00000']);
    expect(JSON.stringify(mergeConversations(stored, mine))).toBe(JSON.stringify(stored));
  });

  it('messages that fell off the 50 kept are not brought back', () => {
    const messages = Array.from({ length: 30 }, (_, i) => [
      user(`q_${String(i).padStart(8, '0')}`),
      agent(`q_${String(i).padStart(8, '0')}`, 'done', 2),
    ]).flat();
    const stored = conversation(messages.slice(10));
    expect(mergeConversations(stored, conversation(messages)).messages).toEqual(stored.messages);
  });
});

describe('two tabs of one agent (two agents on one BroadcastChannel)', () => {
  let tabs: Agent[] = [];
  afterEach(() => {
    for (const tab of tabs) tab.destroy();
    tabs = [];
    localStorage.clear();
    vi.unstubAllGlobals();
  });
  // A tab's agent with its conversation loaded, as once the lazy part is there.
  const openTab = async (storage: 'local' | 'memory' = 'local', params = { user_id: 'u_1' }) => {
    const tab = new Agent(
      normalizeOptions({ agentId: 'demo', apiBase: 'http://api.test', storage }, 'en'),
      params,
      async () => createConversation,
    );
    tabs.push(tab);
    await tab.conversation();
    return tab;
  };

  it('a message sent and answered in one tab shows in the other, which sends nothing itself', async () => {
    const { requests } = stubQueryApi({ deltas: ['Hel', 'lo'] });
    const [a, b] = [await openTab(), await openTab()];
    await a.send('from tab A');
    await vi.waitFor(() =>
      expect(b.state.messages.map((m) => [m.role, m.text, m.status])).toEqual([
        ['user', 'from tab A', 'done'],
        ['agent', 'Hello', 'done'],
      ]),
    );
    expect(b.state.conversationId).toBe(a.state.conversationId);
    expect(requests).toHaveLength(1);
  });

  it('identify in one tab switches the other to the same user and the same new conversation; reset is followed too', async () => {
    stubQueryApi({ deltas: ['ok'] });
    const [a, b] = [await openTab(), await openTab()];
    await a.send('as u_1');
    await vi.waitFor(() => expect(b.state.messages).toHaveLength(2));
    a.identify({ params: { user_id: 'u_2' } });
    await vi.waitFor(() => expect(b.getParams()).toEqual({ user_id: 'u_2' }));
    expect([b.state.messages, b.state.conversationId]).toEqual([[], a.state.conversationId]);
    b.reset();
    await vi.waitFor(() => expect(a.state.conversationId).toBe(b.state.conversationId));
  });

  it("storage: 'memory' keeps each tab to itself", async () => {
    stubQueryApi({ deltas: ['ok'] });
    const [a, b] = [await openTab('memory'), await openTab('memory')];
    await a.send('only here');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(b.state.messages).toEqual([]);
  });
});
