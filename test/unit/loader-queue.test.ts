import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AicadoError } from '../../src/contract/errors.js';
import type { InitWithAgents } from '../../src/at-load/create-init.js';
import { installLoader } from '../../src/at-load/loader/queue.js';
import { installStub, scriptTagWindow as win } from './support.js';

type ErrorPayload = { error: AicadoError };

/** An agent as the loader sees it: every method recorded in `log`, its `error` listeners kept. */
function fakeAgent(agentId: string, log: string[]) {
  const errorListeners = new Set<(payload: ErrorPayload) => void>();
  const method =
    (name: string, result?: unknown) =>
    (...args: unknown[]) => {
      log.push(`${agentId}.${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
      return result;
    };
  return {
    agentId,
    errorListeners,
    send: vi.fn(method('send', Promise.resolve({ output: 'ok' }))),
    setParams: vi.fn(method('setParams')),
    getParams: vi.fn(method('getParams', { plan: 'pro' })),
    setSignedParams: vi.fn(method('setSignedParams')),
    identify: vi.fn(method('identify')),
    logout: vi.fn(method('logout')),
    stop: vi.fn(method('stop')),
    rate: vi.fn(method('rate')),
    open: vi.fn(method('open')),
    close: vi.fn(method('close')),
    toggle: vi.fn(method('toggle')),
    reset: vi.fn(method('reset')),
    destroy: vi.fn(method('destroy')),
    on: vi.fn((event: string, listener: (payload: ErrorPayload) => void) => {
      log.push(`${agentId}.on(${JSON.stringify(event)})`);
      if (event === 'error') errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    }),
    /** The agent emits `error`, as it does for a failed call of its own. */
    fail(error: AicadoError) {
      for (const listener of errorListeners) listener({ error });
    },
  };
}
type FakeAgent = ReturnType<typeof fakeAgent>;

/** `init` as createInit makes it: one agent per id (a second init returns it), `agents` the running ones. */
function fakeInit(configure: (agent: FakeAgent) => void = () => undefined) {
  const log: string[] = [];
  const agents = new Map<string, FakeAgent>();
  const init = vi.fn((options: { agentId?: unknown }) => {
    log.push(`init(${JSON.stringify(options)})`);
    if (typeof options?.agentId !== 'string') throw new AicadoError('invalid_options', 'Invalid init() options: agentId is required');
    let agent = agents.get(options.agentId);
    if (!agent) {
      agent = fakeAgent(options.agentId, log);
      configure(agent);
      agents.set(options.agentId, agent);
    }
    return agent;
  });
  return { init: Object.assign(init, { agents }) as unknown as InitWithAgents, log, agents, calls: init };
}

/** A script tag with these data attributes (camelCase names, as in `dataset`). */
function scriptTag(data: Record<string, string>): HTMLScriptElement {
  const script = document.createElement('script');
  Object.assign(script.dataset, data);
  return script;
}

const aicado = (method: string, ...args: unknown[]) => win.Aicado!(method, ...args);

let consoleError: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  delete win.Aicado;
  vi.restoreAllMocks();
});

describe('replaying the queue', () => {
  it("replays Aicado('init', …) first, then the other calls in the order the page made them", () => {
    const { init, log } = fakeInit();
    const stub = installStub();
    stub('setParams', { plan: 'pro' });
    stub('open');
    stub('init', { agentId: 'demo' });
    stub('send', 'hello');
    stub('close');
    installLoader(init, null);
    expect(log).toEqual([
      'init({"agentId":"demo"})',
      'demo.on("error")',
      'demo.setParams({"plan":"pro"})',
      'demo.open()',
      'demo.send("hello")',
      'demo.close()',
    ]);
  });

  it('replays error listeners before init, so they hear an init that fails', () => {
    const { init } = fakeInit();
    const heard: string[] = [];
    const stub = installStub();
    stub('init', { agentId: 42 });
    stub('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code));
    installLoader(init, null);
    expect(heard).toEqual(['invalid_options']);
  });

  it('keeps the order of several inits and of the calls for each agent, each call with its { agentId }', () => {
    const { init, log } = fakeInit();
    const stub = installStub();
    stub('open', { agentId: 'b' });
    stub('init', { agentId: 'a' });
    stub('send', 'to a', { agentId: 'a' });
    stub('init', { agentId: 'b' });
    installLoader(init, null);
    expect(log.filter((line) => !line.includes('.on('))).toEqual([
      'init({"agentId":"a"})',
      'init({"agentId":"b"})',
      'b.open()',
      'a.send("to a")',
    ]);
  });

  it('replays nothing twice: calls made after the replay run at once and return their result', () => {
    const { init, agents } = fakeInit();
    installStub()('init', { agentId: 'demo' });
    installLoader(init, null);
    expect(aicado('getParams')).toEqual({ plan: 'pro' });
    expect(agents.get('demo')!.getParams).toHaveBeenCalledOnce();
    expect(init).toHaveBeenCalledOnce();
  });

  it('takes over window.Aicado, marked as loaded, with no stub on the page too', () => {
    const { init } = fakeInit();
    installLoader(init, null);
    expect(typeof win.Aicado).toBe('function');
    expect(win.Aicado!.loaded).toBe(true);
    const agent = aicado('init', { agentId: 'demo' });
    expect(agent).toMatchObject({ agentId: 'demo' });
    expect(aicado('init', { agentId: 'demo' })).toBe(agent);
  });

  it('while the page has no <body> yet, calls keep queueing and are replayed in order on DOMContentLoaded', () => {
    const { init, log } = fakeInit();
    const body = document.body;
    body.remove();
    try {
      installStub()('send', 'first');
      installLoader(init, null);
      aicado('init', { agentId: 'demo' });
      aicado('send', 'second');
      expect(log).toEqual([]);
      document.documentElement.appendChild(body);
      document.dispatchEvent(new Event('DOMContentLoaded'));
      expect(log.filter((line) => !line.includes('.on('))).toEqual([
        'init({"agentId":"demo"})',
        'demo.send("first")',
        'demo.send("second")',
      ]);
    } finally {
      if (!body.isConnected) document.documentElement.appendChild(body);
    }
  });
});

describe('errors never reach the host page', () => {
  it('a queued call that throws is reported by console.error and an error event, and the calls after it still run', () => {
    const { init, log } = fakeInit((agent) =>
      agent.setParams.mockImplementation(() => {
        throw new AicadoError('invalid_params', 'Invalid params: "a_id" is restricted');
      }),
    );
    const heard: string[] = [];
    const stub = installStub();
    stub('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code));
    stub('init', { agentId: 'demo' });
    stub('setParams', { a_id: 'x' });
    stub('open');
    expect(() => installLoader(init, null)).not.toThrow();
    expect(heard).toEqual(['invalid_params']);
    expect(consoleError).toHaveBeenCalledWith(
      expect.stringContaining(`Aicado('setParams') failed: Invalid params`),
      expect.any(AicadoError),
    );
    expect(log).toContain('demo.open()');
  });

  it('a thrown value that is not an AicadoError is reported as an internal AicadoError', () => {
    const { init, agents } = fakeInit();
    const heard: AicadoError[] = [];
    installLoader(init, null);
    aicado('on', 'error', ({ error }: ErrorPayload) => heard.push(error));
    aicado('init', { agentId: 'demo' });
    const cause = new RangeError('bad');
    agents.get('demo')!.toggle.mockImplementation(() => {
      throw cause;
    });
    expect(aicado('toggle')).toBeUndefined();
    expect(heard).toHaveLength(1);
    expect(heard[0]).toBeInstanceOf(AicadoError);
    expect(heard[0]).toMatchObject({ code: 'internal', cause });
  });

  it('an unknown method is reported with the methods there are, not thrown', () => {
    const { init } = fakeInit();
    const heard: string[] = [];
    installLoader(init, null);
    aicado('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code));
    expect(aicado('sned', 'hi')).toBeUndefined();
    expect(heard).toEqual(['unknown_method']);
    expect(String(consoleError.mock.calls[0]![0])).toMatch(/Aicado\('sned'\).*use one of: init, send/);
  });

  it('a method called before any agent runs is reported as not_initialised', () => {
    const { init } = fakeInit();
    const heard: string[] = [];
    installStub()('open');
    win.Aicado!('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code));
    installLoader(init, null);
    expect(heard).toEqual(['not_initialised']);
  });

  it('a call whose promise rejects is left to the agent, which emits it and tells the console (the loader adds no second line), and never unhandled', async () => {
    const { init, agents } = fakeInit();
    const heard: string[] = [];
    installLoader(init, null);
    aicado('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code));
    aicado('init', { agentId: 'demo' });
    const agent = agents.get('demo')!;
    const refused = new AicadoError('invalid_input', 'Empty message');
    agent.send.mockImplementation(() => {
      agent.fail(refused); // the agent emits its own error event
      return Promise.reject(refused);
    });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const result = aicado('send', '  ') as Promise<unknown>;
      await expect(result).rejects.toBe(refused);
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(heard).toEqual(['invalid_input']);
    expect(consoleError).not.toHaveBeenCalled();
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('a queued send that rejects during the replay is not an unhandled rejection', async () => {
    const { init } = fakeInit((agent) => agent.send.mockImplementation(() => Promise.reject(new AicadoError('network', 'offline'))));
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const stub = installStub();
      stub('init', { agentId: 'demo' });
      stub('send', 'hi');
      installLoader(init, null);
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('an error listener that throws does not stop the others, nor reach the page', () => {
    const { init } = fakeInit();
    const heard: string[] = [];
    installLoader(init, null);
    aicado('on', 'error', () => {
      throw new Error('the host page’s bug');
    });
    aicado('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code));
    expect(() => aicado('nope')).not.toThrow();
    expect(heard).toEqual(['unknown_method']);
  });

  it("forwards each agent's own error events to the loader's listeners once, however often init is called", () => {
    const { init, agents } = fakeInit();
    const heard: string[] = [];
    installLoader(init, null);
    aicado('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code));
    aicado('init', { agentId: 'demo' });
    aicado('init', { agentId: 'demo' });
    agents.get('demo')!.fail(new AicadoError('network', 'offline'));
    expect(heard).toEqual(['network']);
  });

  it('the function Aicado(on, error) returns stops that listener', () => {
    const { init } = fakeInit();
    const heard: string[] = [];
    installLoader(init, null);
    const off = aicado('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code)) as () => void;
    off();
    aicado('nope');
    expect(heard).toEqual([]);
  });
});

describe('several agents', () => {
  it('a call without { agentId } while several agents run is refused with agent_required, naming them', () => {
    const { init, agents } = fakeInit();
    const heard: AicadoError[] = [];
    installLoader(init, null);
    aicado('on', 'error', ({ error }: ErrorPayload) => heard.push(error));
    aicado('init', { agentId: 'a' });
    aicado('init', { agentId: 'b' });
    aicado('open');
    expect(heard.map((e) => e.code)).toEqual(['agent_required']);
    expect(heard[0]!.message).toContain(`"a", "b"`);
    expect([agents.get('a')!.open, agents.get('b')!.open].map((fn) => fn.mock.calls.length)).toEqual([0, 0]);
  });

  it('{ agentId } after the arguments picks the agent and is not passed on', () => {
    const { init, agents } = fakeInit();
    installLoader(init, null);
    aicado('init', { agentId: 'a' });
    aicado('init', { agentId: 'b' });
    aicado('rate', 'q_1', 'up', { agentId: 'b' });
    expect(agents.get('b')!.rate).toHaveBeenCalledWith('q_1', 'up');
    expect(agents.get('a')!.rate).not.toHaveBeenCalled();
  });

  it('an agentId in the arguments themselves is a param, not a choice of agent', () => {
    const { init, agents } = fakeInit();
    installLoader(init, null);
    aicado('init', { agentId: 'demo' });
    aicado('setParams', { agentId: 'x' });
    expect(agents.get('demo')!.setParams).toHaveBeenCalledWith({ agentId: 'x' });
  });

  it('naming an agent that is not running is reported as unknown_agent', () => {
    const { init } = fakeInit();
    const heard: string[] = [];
    installLoader(init, null);
    aicado('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code));
    aicado('init', { agentId: 'demo' });
    aicado('open', { agentId: 'other' });
    expect(heard).toEqual(['unknown_agent']);
  });
});

describe('the data-attributes install', () => {
  it("starts the agent the script tag's data attributes describe when the page queued no init", () => {
    const { init, calls } = fakeInit();
    installLoader(init, scriptTag({ agentId: 'demo', apiBase: 'http://api.test', params: '{"user_id":"u_1"}', launcher: 'none' }));
    expect(calls).toHaveBeenCalledOnce();
    expect(calls.mock.calls[0]![0]).toMatchObject({
      agentId: 'demo',
      apiBase: 'http://api.test',
      params: { user_id: 'u_1' },
      launcher: false,
    });
  });

  it('runs the queued calls after the agent of the data attributes has started', () => {
    const { init, log } = fakeInit();
    installStub()('open');
    installLoader(init, scriptTag({ agentId: 'demo' }));
    expect(log.filter((line) => !line.includes('.on('))).toEqual([expect.stringMatching(/^init\(/), 'demo.open()']);
  });

  it('a queued init wins over the data attributes', () => {
    const { init, calls } = fakeInit();
    installStub()('init', { agentId: 'queued' });
    installLoader(init, scriptTag({ agentId: 'attributes' }));
    expect(calls.mock.calls.map(([options]) => options.agentId)).toEqual(['queued']);
  });

  it('a script tag without data-agent-id starts nothing', () => {
    const { init, calls } = fakeInit();
    installLoader(init, scriptTag({ apiBase: 'http://api.test' }));
    expect(calls).not.toHaveBeenCalled();
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('data-params that is not JSON is reported by console.error, saying how to write it, and never thrown', () => {
    const { init, calls } = fakeInit();
    expect(() => installLoader(init, scriptTag({ agentId: 'demo', params: '{user_id: u_1}' }))).not.toThrow();
    expect(calls).not.toHaveBeenCalled();
    expect(consoleError).toHaveBeenCalledWith(
      // Named by its attribute and code, not as a call the page never made.
      expect.stringMatching(/^\[aicado\] invalid_params: Invalid params: data-params is not valid JSON/),
      expect.any(AicadoError),
    );
  });

  it('data-params that is not JSON is reported to the error listeners the page queued', () => {
    const { init } = fakeInit();
    const heard: string[] = [];
    installStub()('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code));
    installLoader(init, scriptTag({ agentId: 'demo', params: '{user_id: u_1}' }));
    expect(heard).toEqual(['invalid_params']);
  });

  it("a second script tag's data-params that is not JSON is reported to the running loader's error listeners", () => {
    const first = fakeInit();
    const heard: string[] = [];
    installLoader(first.init, scriptTag({ agentId: 'a' }));
    aicado('on', 'error', ({ error }: ErrorPayload) => heard.push(error.code));
    expect(() => installLoader(fakeInit().init, scriptTag({ agentId: 'b', params: '{oops' }))).not.toThrow();
    expect(consoleError).toHaveBeenCalledWith(expect.stringContaining('data-params is not valid JSON'), expect.any(AicadoError));
    expect(heard).toEqual(['invalid_params']);
  });

  it('a second script tag of the bundle hands its agent to the running loader instead of taking over', () => {
    const first = fakeInit();
    const second = fakeInit();
    installLoader(first.init, scriptTag({ agentId: 'a' }));
    const loader = win.Aicado;
    installLoader(second.init, scriptTag({ agentId: 'b' }));
    expect(win.Aicado).toBe(loader);
    expect([...first.agents.keys()]).toEqual(['a', 'b']);
    expect(second.calls).not.toHaveBeenCalled();
  });
});
