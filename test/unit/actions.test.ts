import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init, type AgentEvents, type AicadoAgent, type InitOptions } from '../../src/index.js';
import { liveQueryApi, stubQueryApi } from './support.js';

const base = { agentId: 'demo', apiBase: 'http://api.test', storage: 'local' as const };
let agents: AicadoAgent[] = [];
const start = (options: Partial<InitOptions> = {}) => {
  const agent = init({ ...base, ...options });
  agents.push(agent);
  return agent;
};
/** Every payload of one event, in order. */
function record<E extends keyof AgentEvents>(agent: AicadoAgent, event: E): AgentEvents[E][] {
  const seen: AgentEvents[E][] = [];
  agent.on(event, (payload) => seen.push(payload));
  return seen;
}
const messages = () =>
  JSON.parse(localStorage.getItem('aicado:v1:demo:conversation') ?? '{}') as {
    messages: { role: string; status: string; text: string; rating?: string; sources?: unknown[]; at?: number }[];
    pending: unknown[];
  };

beforeEach(() => localStorage.clear());
afterEach(() => {
  for (const agent of agents) agent.destroy();
  agents = [];
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('stop', () => {
  it('asks the API to stop the streaming answer; the stopped done ends it, and it is never resent, not after a reload', async () => {
    const api = liveQueryApi((request) => ({
      status: 200,
      body: { query_id: request.url.split('/').at(-2), output: 'Once upon', status: 'stopped', sources: [] },
    }));
    const agent = start();
    const stopped = record(agent, 'stopped');
    const responses = record(agent, 'response');
    const answer = agent.send('Tell me a story');
    const stream = await api.stream();
    stream.send('delta', { text: 'Once ' });
    stream.send('delta', { text: 'upon' });
    await vi.waitFor(() => expect(messages().messages.length).toBe(2));
    agent.stop();
    // Out of storage at once: a reload now does not send it again.
    expect(messages().pending).toEqual([]);
    await vi.waitFor(() => expect(api.actions).toHaveLength(1));
    const queryId = stream.request.body.query_id as string;
    expect(api.actions[0]!.url).toBe(`http://api.test/v1/agents/demo/queries/${queryId}/stop`);
    expect(api.actions[0]!.body).toEqual({ conversation_id: stream.request.body.conversation_id });
    stream.send('done', { query_id: queryId, output: 'Once upon', status: 'stopped', sources: [] });
    stream.close();
    await expect(answer).resolves.toEqual({ queryId, output: 'Once upon', status: 'stopped', sources: [] });
    expect(stopped).toEqual([{ queryId, output: 'Once upon' }]);
    expect(responses).toEqual([]);
    expect(messages().messages.at(-1)).toMatchObject({ role: 'agent', status: 'stopped', text: 'Once upon' });

    agents.pop()?.destroy();
    start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(api.streams).toHaveLength(1);
  });

  it('a stop the API cannot be told of still stops what the visitor sees, with the text shown so far', async () => {
    const api = liveQueryApi(() => new TypeError('offline'));
    const agent = start();
    const stopped = record(agent, 'stopped');
    const deltas = record(agent, 'delta');
    void agent.send('Tell me a story').catch(() => undefined);
    const stream = await api.stream();
    stream.send('delta', { text: 'Once ' });
    await vi.waitFor(() => expect(deltas).toHaveLength(1));
    agent.stop();
    await vi.waitFor(() => expect(stopped).toHaveLength(1));
    stream.send('delta', { text: 'upon a time' }); // too late: the visitor stopped it
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(stopped[0]!.output).toBe('Once ');
    expect(messages().messages.at(-1)).toMatchObject({ status: 'stopped', text: 'Once ' });
  });

  it('stops a query that waits to be retried: it is not sent again', async () => {
    vi.useFakeTimers();
    const api = stubQueryApi(new TypeError('Failed to fetch'));
    const agent = start();
    const stopped = record(agent, 'stopped');
    const answer = agent.send('hello');
    await vi.advanceTimersByTimeAsync(50);
    expect(api.requests).toHaveLength(1);
    agent.stop();
    await vi.runAllTimersAsync();
    await expect(answer).resolves.toMatchObject({ status: 'stopped', output: '' });
    expect(api.requests.filter((r) => r.url.endsWith('/queries'))).toHaveLength(1);
    expect(stopped).toHaveLength(1);
    vi.useRealTimers();
  });

  it('does nothing when no answer is streaming', async () => {
    const api = stubQueryApi({ deltas: ['done'] });
    const agent = start();
    await agent.send('hi');
    agent.stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(api.requests).toHaveLength(1);
    expect(messages().messages.at(-1)?.status).toBe('done');
  });
});

describe('progress, sources and times', () => {
  it('emits status events and keeps the status until the first delta; done sources are kept, bad ones dropped, and stored', async () => {
    const api = liveQueryApi();
    const agent = start();
    const statuses = record(agent, 'status');
    const before = Date.now();
    const answer = agent.send('Find the guide');
    const stream = await api.stream();
    const queryId = stream.request.body.query_id as string;
    stream.send('status', { text: 'Searching the <b>docs</b>…' });
    await vi.waitFor(() => expect(statuses).toEqual([{ queryId, text: 'Searching the <b>docs</b>…' }]));
    stream.send('delta', { text: 'Here it is.' });
    const sources = [
      { title: 'Guide <img src=x onerror=alert(1)>', url: 'https://example.com/guide' },
      { title: 'Bad', url: 'javascript:alert(1)' },
      { title: 'Docs', url: 'http://docs.example.com/' },
    ];
    stream.send('done', { query_id: queryId, output: 'Here it is.', sources });
    stream.close();
    const kept = [sources[0], sources[2]];
    await expect(answer).resolves.toEqual({ queryId, output: 'Here it is.', status: 'completed', sources: kept });
    const stored = messages().messages;
    expect(stored.at(-1)).toMatchObject({ status: 'done', sources: kept });
    for (const message of stored) expect(message.at).toBeGreaterThanOrEqual(before);
  });
});

describe('rate', () => {
  it('posts the rating with the conversation, stores it on the message and emits feedback', async () => {
    const { requests } = stubQueryApi({ deltas: ['fine'] }, { status: 200, body: {} });
    const agent = start();
    const feedback = record(agent, 'feedback');
    const { queryId } = await agent.send('hi');
    await agent.rate(queryId, 'up');
    await agent.rate(queryId, null);
    const [query, up, none] = requests;
    expect(up!.url).toBe(`http://api.test/v1/agents/demo/queries/${queryId}/feedback`);
    expect(up!.body).toEqual({ conversation_id: query!.body.conversation_id, rating: 'up' });
    expect(none!.body).toEqual({ conversation_id: query!.body.conversation_id, rating: null });
    expect(feedback).toEqual([
      { queryId, rating: 'up' },
      { queryId, rating: null },
    ]);
    expect(messages().messages.at(-1)?.rating).toBeUndefined();
    await agent.rate(queryId, 'down');
    expect(messages().messages.at(-1)?.rating).toBe('down');
  });

  it('refuses an unknown query or a bad rating without sending, and takes the rating back when the API refuses it', async () => {
    const { requests } = stubQueryApi(
      { deltas: ['fine'] },
      { status: 404, body: { error: { code: 'unknown_query', message: 'No answered query' } } },
    );
    const agent = start();
    const errors = record(agent, 'error');
    const { queryId } = await agent.send('hi');
    await expect(agent.rate('q_unknown', 'up')).rejects.toMatchObject({ code: 'unknown_query' });
    await expect(agent.rate(queryId, 'meh' as 'up')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining("'up', 'down' or null"),
    });
    expect(requests).toHaveLength(1);
    await expect(agent.rate(queryId, 'up')).rejects.toMatchObject({ code: 'unknown_query', status: 404 });
    expect(messages().messages.at(-1)?.rating).toBeUndefined();
    expect(errors.map((e) => [e.error.code, e.queryId])).toEqual([
      ['unknown_query', 'q_unknown'],
      ['invalid_input', queryId],
      ['unknown_query', queryId],
    ]);
  });
});

describe('unread', () => {
  it('counts answers completed while the bubble is closed, and clears on open', async () => {
    stubQueryApi({ deltas: ['one'] });
    const agent = start();
    const unread = record(agent, 'unread');
    await agent.send('a');
    await agent.send('b');
    expect(unread).toEqual([{ count: 1 }, { count: 2 }]);
    agent.open();
    expect(unread.at(-1)).toEqual({ count: 0 });
    await agent.send('c');
    expect(unread).toHaveLength(3);
  });

  it('is not counted inline, where the answer is always in view', async () => {
    stubQueryApi({ deltas: ['one'] });
    const container = document.createElement('div');
    document.body.append(container);
    const agent = start({ mode: 'inline', container });
    const unread = record(agent, 'unread');
    await agent.send('a');
    expect(unread).toEqual([]);
    container.remove();
  });
});

describe('DOM events for tag managers', () => {
  it('dispatches every SDK event as aicado:<event> that bubbles to document, composed, with the payload and agentId', async () => {
    stubQueryApi({ deltas: ['He', 'llo'] });
    const seen: { type: string; detail: Record<string, unknown>; composed: boolean; target: string }[] = [];
    const listener = (event: Event) => {
      const custom = event as CustomEvent<Record<string, unknown>>;
      seen.push({
        type: custom.type,
        detail: custom.detail,
        composed: custom.composed,
        target: (custom.target as Element).tagName.toLowerCase(),
      });
    };
    const names = ['ready', 'open', 'query', 'delta', 'response', 'unread', 'close', 'params'];
    for (const name of names) document.addEventListener(`aicado:${name}`, listener);
    try {
      const agent = start({ params: { user_id: 'u_1' } });
      await Promise.resolve();
      agent.open();
      const { queryId } = await agent.send('hi');
      agent.close();
      agent.setParams({ plan: 'pro' });
      const of = (type: string) => seen.filter((event) => event.type === `aicado:${type}`).map((event) => event.detail);
      expect(of('ready')).toEqual([{ agentId: 'demo' }]);
      expect(of('open')).toEqual([{ agentId: 'demo' }]);
      expect(of('query')).toEqual([{ agentId: 'demo', queryId, input: 'hi', params: { user_id: 'u_1' } }]);
      expect(of('delta')).toEqual([
        { agentId: 'demo', queryId, text: 'He' },
        { agentId: 'demo', queryId, text: 'llo' },
      ]);
      expect(of('response')).toEqual([{ agentId: 'demo', queryId, output: 'Hello', status: 'completed', sources: [] }]);
      expect(of('params')).toEqual([{ agentId: 'demo', params: { user_id: 'u_1', plan: 'pro' } }]);
      expect(seen.every((event) => event.composed && event.target === 'aicado-embed')).toBe(true);
    } finally {
      for (const name of names) document.removeEventListener(`aicado:${name}`, listener);
    }
  });

  it('a throwing DOM listener does not break the widget, and nothing is dispatched after destroy', async () => {
    // (That the other DOM listeners still run is the browser's rule; the e2e test checks it in Chromium.)
    stubQueryApi({ deltas: ['ok'] });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const thrower = () => {
      throw new Error('tag manager bug');
    };
    document.addEventListener('aicado:response', thrower);
    try {
      const agent = start();
      const heard = record(agent, 'response');
      await agent.send('hi');
      await agent.send('again');
      expect(heard).toHaveLength(2);
      agent.destroy();
      const closed: unknown[] = [];
      document.addEventListener('aicado:close', (event) => closed.push(event));
      agent.close();
      expect(closed).toEqual([]);
    } finally {
      document.removeEventListener('aicado:response', thrower);
    }
  });
});
