import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInit, type LazyPart } from '../../src/boot/create-init.js';
import * as lazyPart from '../../src/lazy-part.js';
import type { AicadoAgent } from '../../src/sdk/handle.js';
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
  });
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
    await vi.advanceTimersByTimeAsync(1999);
    expect(lazy.loads()).toBe(2);
    lazy.fail(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(lazy.loads()).toBe(3);
    vi.useRealTimers();
    expect((await answer).output).toBe('ok');
  });
});
