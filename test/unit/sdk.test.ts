import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AicadoError, init, type AicadoAgent, type InitOptions, type Params, type ParamsShape } from '../../src/index.js';
import { stubQueryApi } from './support.js';
import { CONVERSATION_ID_PATTERN, QUERY_ID_PATTERN } from '../../src/contract/protocol.js';

const base = { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' as const };
let agents: AicadoAgent<never>[] = [];
const start = <P extends ParamsShape<P> = Params>(options: InitOptions<P>) => {
  const agent = init<P>(options);
  agents.push(agent as AicadoAgent<never>);
  return agent;
};

beforeEach(() => {
  localStorage.clear();
});
afterEach(() => {
  for (const agent of agents) agent.destroy();
  agents = [];
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('init', () => {
  it('mounts the widget in a shadow root and emits ready after returning', async () => {
    const agent = start({ ...base });
    const ready = vi.fn();
    agent.on('ready', ready);
    const host = document.querySelector('aicado-embed');
    expect(host?.shadowRoot?.querySelector('button.launcher')).toBeTruthy();
    await Promise.resolve();
    expect(ready).toHaveBeenCalledWith({ agentId: 'demo' });
  });

  it('refuses invalid options with one error naming each option and what is allowed', () => {
    expect(() => init({ agentId: 'bad id!', apiBase: 'ftp://x', mode: 'popup' as 'bubble', storage: 'disk' as 'local' })).toThrowError(
      expect.objectContaining({
        name: 'AicadoError',
        code: 'invalid_options',
        message: expect.stringMatching(/agentId is invalid.*apiBase is invalid.*mode is invalid.*'bubble' or 'inline'.*storage is invalid/),
      }),
    );
    expect(() => init({ ...base, mode: 'inline', container: '#nowhere' })).toThrow(/matches no element/);
    expect(document.querySelector('aicado-embed')).toBeNull();
  });

  it('refuses invalid params and leaves nothing behind', () => {
    const { fetchMock } = stubQueryApi({ deltas: ['x'] });
    // Cast: the compile-time rules would reject these; this checks the runtime ones.
    const params = { a_id: 1, A_ID: 2, fine: 'ok', nested: { a: 1 } } as unknown as Record<string, string>;
    let error: unknown;
    try {
      init({ ...base, params });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AicadoError);
    expect((error as AicadoError).issues.map((i) => `${i.key}:${i.code}`)).toEqual([
      'a_id:restricted_key',
      'A_ID:restricted_key',
      'nested:invalid_value',
    ]);
    expect(document.querySelector('aicado-embed')).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('returns the running instance with a warning when called twice for one agent', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const first = start({ ...base });
    expect(init({ ...base })).toBe(first);
    expect(warn).toHaveBeenCalledOnce();
    expect(document.querySelectorAll('aicado-embed')).toHaveLength(1);
  });

  it('destroy removes the widget and makes the handle inert', () => {
    const agent = init({ ...base });
    agent.destroy();
    expect(document.querySelector('aicado-embed')).toBeNull();
    expect(() => agent.setParams({})).toThrow(/destroyed/);
    agent.destroy(); // twice is fine
  });
});

describe('queries', () => {
  it('posts the protocol request with the params in force and streams the answer', async () => {
    const { requests } = stubQueryApi({ deltas: ['Hel', 'lo'] });
    const agent = start({ ...base, params: { user_id: 'u_1', n: 2, ok: true, none: null } });
    const deltas: string[] = [];
    agent.on('delta', (e) => deltas.push(e.text));
    const answer = await agent.send('Hi there');
    expect(answer.output).toBe('Hello');
    expect(deltas).toEqual(['Hel', 'lo']);
    const [request] = requests;
    expect(request!.url).toBe('http://api.test/v1/agents/demo/queries');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers.accept).toContain('text/event-stream');
    expect(request!.headers['idempotency-key']).toBe(request!.body.query_id);
    expect(request!.body).toMatchObject({ input: 'Hi there', params: { user_id: 'u_1', n: 2, ok: true, none: null } });
    expect(request!.body.query_id).toMatch(QUERY_ID_PATTERN);
    expect(request!.body.conversation_id).toMatch(CONVERSATION_ID_PATTERN);
    expect(request!.body.context).toMatchObject({ sdk: 'aicado-embed/0.1.0' });
  });

  it('setParams merges, removes undefined keys, validates atomically and affects only the next query', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const agent = start<{ user_id?: string; plan?: string; seats?: number }>({ ...base, params: { user_id: 'u_1', plan: 'pro' } });
    const first = agent.send('one');
    agent.setParams({ plan: 'free', seats: 3, user_id: undefined });
    expect(agent.getParams()).toEqual({ plan: 'free', seats: 3 });
    expect(() => agent.setParams({ MUSER: 'x' } as never)).toThrow(/"MUSER" is restricted/);
    expect(agent.getParams()).toEqual({ plan: 'free', seats: 3 });
    await first;
    await agent.send('two');
    expect(requests.map((r) => r.body.params)).toEqual([
      { user_id: 'u_1', plan: 'pro' },
      { plan: 'free', seats: 3 },
    ]);
  });

  it('retries 5xx and network errors with the same query id, and does not retry a 400', async () => {
    vi.useFakeTimers();
    const { requests } = stubQueryApi(
      { status: 503, body: { error: { code: 'unavailable', message: 'try later' } } },
      new TypeError('Failed to fetch'),
      { status: 429, body: { error: { code: 'rate_limited', message: 'slow down' } }, headers: { 'retry-after': '2' } },
      { deltas: ['fine'] },
    );
    const agent = start({ ...base });
    const answer = agent.send('hello');
    await vi.runAllTimersAsync();
    await expect(answer).resolves.toMatchObject({ output: 'fine' });
    expect(new Set(requests.map((r) => r.body.query_id)).size).toBe(1);
    expect(requests).toHaveLength(4);
    vi.useRealTimers();

    const bad = stubQueryApi({
      status: 400,
      body: { error: { code: 'invalid_params', message: 'bad', issues: [{ key: 'a_id', code: 'restricted_key', message: 'x' }] } },
    });
    const errors: string[] = [];
    agent.on('error', (e) => errors.push(e.error.code));
    await expect(agent.send('again')).rejects.toMatchObject({
      code: 'invalid_params',
      status: 400,
      issues: [{ key: 'a_id', code: 'restricted_key' }],
    });
    expect(bad.requests).toHaveLength(1);
    expect(errors).toEqual(['invalid_params']);
  });

  it('refuses an empty or over-long message without sending', async () => {
    const { fetchMock } = stubQueryApi({ deltas: ['x'] });
    const agent = start({ ...base });
    await expect(agent.send('   ')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(agent.send('x'.repeat(4001))).rejects.toThrow(/4001 characters; at most 4000/);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('conversation', () => {
  it('keeps conversation_id per agent across reloads, and reset starts a new one', async () => {
    const { requests } = stubQueryApi({ deltas: ['x'] });
    const first = init({ ...base, storage: 'local' });
    await first.send('a');
    first.destroy();
    const second = init({ ...base, storage: 'local' });
    agents.push(second as AicadoAgent<never>);
    await second.send('b');
    second.reset();
    await second.send('c');
    const ids = requests.map((r) => r.body.conversation_id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[1]);
  });
});

describe('stored state from older versions or other scripts', () => {
  it('ignores malformed stored messages and pending queries instead of failing init', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    localStorage.setItem(
      'aicado:v1:demo:conversation',
      JSON.stringify({
        conversationId: 'c_storedstored1',
        messages: [null, { id: 'x' }, { id: 'q_aaaaaaaaaa:user', role: 'user', text: 'kept', queryId: 'q_aaaaaaaaaa', status: 'done' }],
        pending: [null, 42, { query_id: 'not an id' }],
      }),
    );
    const agent = start({ ...base, storage: 'local' });
    await agent.send('still works');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body.conversation_id).toBe('c_storedstored1');
  });

  it('never resends a pending query whose message is no longer stored', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const orphan = { query_id: 'q_orphanorphan', conversation_id: 'c_storedstored1', input: 'old', params: {} };
    localStorage.setItem(
      'aicado:v1:demo:conversation',
      JSON.stringify({ conversationId: 'c_storedstored1', messages: [], pending: [orphan] }),
    );
    start({ ...base, storage: 'local' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requests).toHaveLength(0);
  });

  it('resends a pending query with the signed-params token in force now, not the one stored with it', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const pending = {
      query_id: 'q_pendingpending',
      conversation_id: 'c_storedstored1',
      input: 'hi',
      params: {},
      signed_params: 'old.token.value',
    };
    const message = { id: pending.query_id, role: 'agent', text: '', queryId: pending.query_id, status: 'retrying' };
    localStorage.setItem(
      'aicado:v1:demo:conversation',
      JSON.stringify({ conversationId: 'c_storedstored1', messages: [message], pending: [pending] }),
    );
    start({ ...base, storage: 'local', signedParams: 'new.token.value' });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.body).toMatchObject({ query_id: 'q_pendingpending', signed_params: 'new.token.value' });
  });

  it('refuses params named like Object.prototype members, as it refuses __proto__, and starts no agent', () => {
    const refused = (() => {
      try {
        start<Record<string, string>>({ ...base, params: { toString: 'x', valueOf: 'y', keep: 'z' } });
      } catch (error) {
        return error as AicadoError;
      }
    })();
    expect(refused).toBeInstanceOf(AicadoError);
    expect(refused!.code).toBe('invalid_params');
    expect(refused!.issues.map((issue) => issue.key).sort()).toEqual(['toString', 'valueOf']);
    expect(document.querySelector('aicado-embed')).toBeNull();
  });
});
