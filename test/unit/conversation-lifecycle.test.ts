import { describe, expect, it, vi } from 'vitest';
import type { AgentEvents, AicadoAgent, InitOptions } from '../../src/index.js';
import { base, startedAgents } from './started-agents.js';
import { panelMounted, stubQueryApi } from './support.js';

// The SDK's side of a conversation's lifecycle: it tells the API when it leaves a conversation, hands one
// to a person, and moves a query the API refuses as `conversation_ended` to a new conversation, once.

const startAgent = startedAgents();
const start = (options: Partial<InitOptions> = {}) => startAgent({ ...base, storage: 'local', ...options });
function record<E extends keyof AgentEvents>(agent: AicadoAgent, event: E): AgentEvents[E][] {
  const seen: AgentEvents[E][] = [];
  agent.on(event, (payload) => seen.push(payload));
  return seen;
}
const stored = () =>
  JSON.parse(localStorage.getItem('aicado:v1:demo:conversation') ?? '{}') as {
    conversationId: string;
    messages: { id: string; role: string; text: string }[];
  };
const ended = { status: 409, body: { error: { code: 'conversation_ended', message: 'This conversation has ended' } } };

describe('leaving a conversation', () => {
  it('reset() ends the conversation it leaves with POST …/end { reason: "reset" }, sent with keepalive', async () => {
    const api = stubQueryApi({ deltas: ['hi'] });
    const agent = start();
    await agent.send('hello');
    const left = stored().conversationId;
    agent.reset();
    await vi.waitFor(() => expect(api.conversationRequests).toHaveLength(1));
    expect(api.conversationRequests[0]).toMatchObject({
      url: `http://api.test/v1/agents/demo/conversations/${left}/end`,
      body: { reason: 'reset' },
      init: { method: 'POST', keepalive: true, credentials: 'omit' },
    });
    expect(stored().conversationId).not.toBe(left);
  });

  it('identify() and logout() end it with reason "user_switched"; a conversation the visitor never wrote in is not ended', async () => {
    const api = stubQueryApi({ deltas: ['hi'] });
    const agent = start();
    agent.reset(); // nothing said yet: nothing to end
    await agent.send('hello');
    const left = stored().conversationId;
    agent.identify({ params: { user_id: 'u_2' } });
    await vi.waitFor(() => expect(api.conversationRequests).toHaveLength(1));
    expect(api.conversationRequests[0]).toMatchObject({
      url: `http://api.test/v1/agents/demo/conversations/${left}/end`,
      body: { reason: 'user_switched' },
    });
    agent.logout(); // the new user never wrote: nothing sent
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(api.conversationRequests).toHaveLength(1);
  });
});

describe('requestHandoff()', () => {
  it('posts the hand-off with its reason, shows the site message as a notice, emits handoff, and a second request sends nothing', async () => {
    const api = stubQueryApi({ deltas: ['hi'] });
    const agent = start({ handoff: { message: 'Our team will email you.' } });
    const handoffs = record(agent, 'handoff');
    await agent.send('hello');
    const conversationId = stored().conversationId;
    await agent.requestHandoff('wants a refund');
    expect(api.conversationRequests[0]).toMatchObject({
      url: `http://api.test/v1/agents/demo/conversations/${conversationId}/handoff`,
      body: { reason: 'wants a refund' },
    });
    expect(handoffs).toEqual([{ conversationId, reason: 'wants a refund', message: 'Our team will email you.' }]);
    expect(stored().messages.at(-1)).toMatchObject({ role: 'notice', text: 'Our team will email you.' });
    // The API ended that conversation: the next message goes to a new one, the transcript stays shown.
    expect(stored().conversationId).not.toBe(conversationId);
    expect(stored().messages.map((m) => m.role)).toEqual(['user', 'agent', 'notice']);
    await agent.requestHandoff();
    expect(api.conversationRequests).toHaveLength(1);
    expect(handoffs).toHaveLength(1);
  });

  it('refuses a reason longer than 500 characters without a request, and reports an API refusal as an error', async () => {
    const api = stubQueryApi();
    api.conversation.reply = { status: 503, body: { error: { code: 'unavailable', message: 'down' } } };
    const agent = start();
    const errors = record(agent, 'error');
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(agent.requestHandoff('x'.repeat(501))).rejects.toMatchObject({ code: 'invalid_input' });
    expect(api.conversationRequests).toHaveLength(0);
    await expect(agent.requestHandoff()).rejects.toMatchObject({ code: 'unavailable' });
    expect(errors.map((e) => e.error.code)).toEqual(['invalid_input', 'unavailable']);
  });

  it('the panel offers "Talk to a person" when the option is on (a button); it goes once the conversation was handed over', async () => {
    const api = stubQueryApi();
    start({ handoff: true, open: true });
    const root = await panelMounted();
    const button = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Talk to a person');
    expect(button).toBeDefined();
    button!.click();
    await vi.waitFor(() => expect(root.querySelector('.msg.notice')?.textContent).toBe('A person from our team will follow up.'));
    expect(api.conversationRequests[0]!.url).toMatch(/\/conversations\/c_[^/]+\/handoff$/);
    expect([...root.querySelectorAll('button')].some((b) => b.textContent === 'Talk to a person')).toBe(false);
  });
});

describe('after a hand-off', () => {
  it('an answer given before it is rated in its own conversation, not the new one', async () => {
    const api = stubQueryApi({ deltas: ['hi'] }, { status: 200, body: {} });
    const agent = start();
    const { queryId } = await agent.send('hello');
    const handedOff = stored().conversationId;
    await agent.requestHandoff();
    expect(stored().conversationId).not.toBe(handedOff);
    await agent.rate(queryId, 'down');
    expect(api.requests[1]).toMatchObject({
      url: expect.stringContaining(`/queries/${queryId}/feedback`),
      body: { conversation_id: handedOff },
    });
  });

  it('asked for before the panel ever mounted, the notice still says the default message', async () => {
    stubQueryApi({ deltas: ['hi'] });
    const agent = start();
    const handoffs = record(agent, 'handoff');
    await agent.send('hello');
    await agent.requestHandoff();
    expect(handoffs[0]!.message).toBe('A person from our team will follow up.');
    expect(stored().messages.at(-1)).toMatchObject({ role: 'notice', text: 'A person from our team will follow up.' });
  });

  it('a reset while the hand-off is on its way: the new conversation gets no notice of it', async () => {
    stubQueryApi({ deltas: ['hi'] });
    let answer: (() => void) | undefined;
    const agent = start();
    await agent.send('hello');
    // The stubbed API, with the hand-off's answer held back until the test lets it go.
    const stubbed = globalThis.fetch;
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (url.endsWith('/handoff')) await new Promise<void>((resolve) => (answer = resolve));
      return stubbed(url, init);
    });
    const handing = agent.requestHandoff();
    await vi.waitFor(() => expect(answer).toBeTypeOf('function'));
    agent.reset();
    answer?.();
    await handing;
    expect(stored().messages).toEqual([]);
  });
});

describe('a conversation the API ended', () => {
  it('moves the query to a new conversation, once, with the same query id, and the answer arrives', async () => {
    const api = stubQueryApi(ended, { deltas: ['moved'] });
    const agent = start();
    const answer = await agent.send('hello again');
    expect(answer.output).toBe('moved');
    const [first, second] = api.requests;
    expect(second!.body.query_id).toBe(first!.body.query_id);
    expect(second!.body.conversation_id).not.toBe(first!.body.conversation_id);
    expect(stored().conversationId).toBe(second!.body.conversation_id);
  });
});
