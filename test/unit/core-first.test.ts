import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInit } from '../../src/at-load/create-init.js';
import type { LazyPart } from '../../src/at-load/lazy-part.js';
import { importPanelStrings } from '../../src/i18n/panel-locales.js';
import * as lazyPart from '../../src/on-intent/index.js';
import type { AicadoAgent } from '../../src/at-load/core/handle.js';
import { stubQueryApi } from './support.js';

// The agent's core runs at load; its conversation (transcript, queries, tabs) comes with the lazy part.
// Calls that need the conversation before it has loaded wait for it, in order, with what was in force
// when they were made; a load that fails is tried again, and nothing the page asked for is lost.

/** An init whose lazy part loads when the test says so, or fails while `failing`. */
function controlledInit() {
  let failing = false;
  let loads = 0;
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  const init = createInit(async () => {
    loads++;
    await gate;
    if (failing) throw new TypeError('Failed to fetch dynamically imported module');
    return lazyPart as LazyPart;
  }, importPanelStrings);
  return {
    init,
    loads: () => loads,
    hold: () => void (gate = new Promise<void>((resolve) => (release = resolve))),
    release: () => release(),
    fail: (value: boolean) => void (failing = value),
  };
}

let agents: AicadoAgent[] = [];
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
afterEach(() => {
  for (const agent of agents) agent.destroy();
  agents = [];
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('calls made before the conversation has loaded', () => {
  it('run once it has, in order, each query with the params in force when it was sent', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const lazy = controlledInit();
    lazy.hold();
    const agent = lazy.init({ agentId: 'core-first', apiBase: 'http://api.test', storage: 'memory', params: { plan: 'free' } });
    agents.push(agent as AicadoAgent);
    const first = agent.send('one');
    agent.setParams({ plan: 'pro' });
    // In force at once for the page, and checked at once: a restricted key is refused before any load.
    expect(agent.getParams()).toEqual({ plan: 'pro' });
    expect(() => agent.setParams({ at: 1 } as never)).toThrow(/"at" is restricted/);
    const second = agent.send('two');
    await tick();
    expect(requests).toHaveLength(0);
    lazy.release();
    expect((await first).output).toBe('ok');
    expect((await second).output).toBe('ok');
    expect(requests.map((request) => [request.body.input, request.body.params])).toEqual([
      ['one', { plan: 'free' }],
      ['two', { plan: 'pro' }],
    ]);
    expect(lazy.loads()).toBe(1);
  });

  it('a query sent while the lazy part cannot load waits, and is sent once when the connection is back', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const lazy = controlledInit();
    lazy.fail(true);
    const agent = lazy.init({ agentId: 'core-first-offline', apiBase: 'http://api.test', storage: 'memory' });
    agents.push(agent as AicadoAgent);
    const errors: string[] = [];
    agent.on('error', ({ error }) => errors.push(error.code));
    let settled = false;
    const answer = agent.send('kept').finally(() => (settled = true));
    await vi.waitFor(() => expect(lazy.loads()).toBe(1));
    await tick();
    expect([settled, requests.length, errors]).toEqual([false, 0, []]);
    lazy.fail(false);
    window.dispatchEvent(new Event('online'));
    expect((await answer).output).toBe('ok');
    expect(requests.map((request) => request.body.input)).toEqual(['kept']);
    expect(lazy.loads()).toBe(2);
  });

  it('a failed load is tried again later by itself while calls wait, less and less often', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    stubQueryApi({ deltas: ['ok'] });
    const lazy = controlledInit();
    lazy.fail(true);
    const agent = lazy.init({ agentId: 'core-first-retry', apiBase: 'http://api.test', storage: 'memory' });
    agents.push(agent as AicadoAgent);
    const answer = agent.send('kept');
    await vi.advanceTimersByTimeAsync(0);
    expect(lazy.loads()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(lazy.loads()).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(lazy.loads()).toBe(3);
    // Past the page's own idle load (3 s after init): this one is the retry's alone, 4 s after the last.
    await vi.advanceTimersByTimeAsync(3999);
    expect(lazy.loads()).toBe(3);
    lazy.fail(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(lazy.loads()).toBe(4);
    vi.useRealTimers();
    expect((await answer).output).toBe('ok');
  });

  it('fails the calls that answer with a network error, an error event each, once the code could not load five times online', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const lazy = controlledInit();
    lazy.fail(true);
    const agent = lazy.init({ agentId: 'core-first-gives-up', apiBase: 'http://api.test', storage: 'memory' });
    agents.push(agent as AicadoAgent);
    const errors: string[] = [];
    agent.on('error', ({ error }) => errors.push(error.code));
    const outcome = agent.send('kept').then(
      () => 'answered',
      (error: { code: string }) => error.code,
    );
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 8000);
    expect(lazy.loads()).toBe(5);
    expect(await outcome).toBe('network');
    expect(errors).toEqual(['network']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(lazy.loads()).toBe(5); // nothing waits any more: no further tries
    // A later call asks again; once the code loads, the message that failed stays in storage and is sent too, once.
    lazy.fail(false);
    vi.useRealTimers();
    expect((await agent.send('again')).output).toBe('ok');
    expect(requests.map((request) => request.body.input)).toEqual(['kept', 'again']);
  });
});

describe('a switch of user or a reset before the conversation has loaded', () => {
  const AGENT = 'core-first-switch';
  const stored = (userKey: string) => ({
    key: `aicado:v1:${AGENT}:${userKey}conversation`,
    value: JSON.stringify({
      conversationId: 'c_previous00',
      messages: [{ id: 'q_previous00:user', role: 'user', text: 'private', queryId: 'q_previous00', status: 'done' }],
      pending: [{ query_id: 'q_pending000', conversation_id: 'c_previous00', input: 'never answered', params: {} }],
    }),
  });
  afterEach(() => localStorage.clear());
  /** An agent whose last visit left a transcript with a pending query, and whose conversation's code has not arrived. */
  const startWithStored = () => {
    const previous = stored('');
    localStorage.setItem(previous.key, previous.value);
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const lazy = controlledInit();
    lazy.hold();
    const agent = lazy.init({ agentId: AGENT, apiBase: 'http://api.test', storage: 'local' });
    agents.push(agent as AicadoAgent);
    return { previous, requests, lazy, agent };
  };

  it("identify removes the previous user's stored conversation and pending queries at once, abandons queued sends, and never resends them", async () => {
    const { requests, lazy, agent } = startWithStored();
    const queued = agent.send('as the previous user').then(
      () => 'answered',
      (error: { code: string }) => error.code,
    );
    agent.identify({ params: { user_id: 'u_next' } });
    // Gone now, even should the conversation never load (the visitor leaves, the code is blocked).
    expect(Object.keys(localStorage).filter((key) => key.startsWith(`aicado:v1:${AGENT}:`))).toEqual([]);
    expect(await queued).toBe('aborted');
    expect(agent.getParams()).toEqual({ user_id: 'u_next' });
    lazy.release();
    expect((await agent.send('as the next user')).output).toBe('ok');
    expect(requests.map((request) => [request.body.input, request.body.params])).toEqual([['as the next user', { user_id: 'u_next' }]]);
  });

  it('reset removes the stored conversation and its pending queries at once; the conversation starts anew once loaded', async () => {
    const { previous, requests, lazy, agent } = startWithStored();
    agent.reset();
    expect(localStorage.getItem(previous.key)).toBeNull();
    lazy.release();
    expect((await agent.send('a new start')).output).toBe('ok');
    expect(requests.map((request) => request.body.input)).toEqual(['a new start']);
    expect(requests[0]!.body.conversation_id).not.toBe('c_previous00');
  });
});

describe('a message sent offline before the conversation has loaded', () => {
  afterEach(() => localStorage.clear());

  it('is stored at once, survives a reload, and is sent once, with its id, when the connection is back', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const offline = controlledInit();
    offline.fail(true);
    const before = offline.init({ agentId: 'core-first-offline', apiBase: 'http://api.test', storage: 'local' });
    before.send('sent offline').catch(() => undefined);
    await tick();
    const stored = JSON.parse(localStorage.getItem('aicado:v1:core-first-offline:early') ?? '[]') as [string, string, object][];
    expect(stored.map(([, input, params]) => [input, params])).toEqual([['sent offline', {}]]);
    // The page is left (the reload), its code never having come.
    before.destroy();
    expect(requests).toHaveLength(0);

    onLine.mockReturnValue(true);
    const after = controlledInit().init({ agentId: 'core-first-offline', apiBase: 'http://api.test', storage: 'local' });
    agents.push(after as AicadoAgent);
    await vi.waitFor(() => expect(requests.map((request) => request.body.input)).toEqual(['sent offline']));
    // With the id it was stored with, and now in the conversation's stored transcript instead.
    expect(requests[0]!.body.query_id).toBe(stored[0]![0]);
    expect(localStorage.getItem('aicado:v1:core-first-offline:early')).toBeNull();
    await tick();
    expect(requests).toHaveLength(1);
  });
});

describe('messages another script left in storage before the code came', () => {
  afterEach(() => localStorage.clear());

  it('are taken apart only when they can be: the well-formed one is sent, the rest dropped, and the conversation loads', async () => {
    localStorage.setItem('aicado:v1:core-first-corrupt:early', JSON.stringify([1, null, 'x', { 0: 'q' }, ['not-an-id', 'kept', {}]]));
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const agent = controlledInit().init({ agentId: 'core-first-corrupt', apiBase: 'http://api.test', storage: 'local' });
    agents.push(agent as AicadoAgent);
    await vi.waitFor(() => expect(requests.map((request) => request.body.input)).toEqual(['kept']));
    expect(requests[0]!.body.query_id).toMatch(/^q_/);
    expect((await agent.send('after')).output).toBe('ok');
  });
});
