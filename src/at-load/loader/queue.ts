import { AicadoError, isAicadoError } from '../../contract/errors.js';
import type { AicadoAgent } from '../core/handle.js';
import type { InitFunction, InitWithAgents } from '../create-init.js';
import { SDK_VERSION } from '../../contract/version.js';
import { optionsFromScript } from './attributes.js';

type Loader = ((method: string, ...args: unknown[]) => unknown) & {
  q?: ArrayLike<unknown>[];
  loaded?: boolean;
  version?: string;
  /** How another script tag of the bundle reports a failure to this loader's error listeners. */
  report?: (error: unknown, method: string) => void;
};
type ErrorListener = (payload: { error: AicadoError }) => void;

/** Each queue method and how many arguments it takes; one more, `{ agentId }`, names the agent to call. */
const ARITY: Record<string, number> = {
  init: 1,
  send: 1,
  setParams: 1,
  getParams: 0,
  setSignedParams: 1,
  identify: 1,
  logout: 0,
  stop: 0,
  rate: 2,
  open: 0,
  close: 0,
  toggle: 0,
  on: 2,
  reset: 0,
  requestHandoff: 1,
  destroy: 0,
};

/**
 * Takes over `window.Aicado` from the stub the page pasted: replays its queue (and `script`'s data
 * attributes), then runs calls as they come. Does nothing when a loader already runs (the script included twice).
 */
export function installLoader(init: InitWithAgents, script: HTMLScriptElement | null): void {
  // Agents whose errors already reach the loader's error listeners (a repeated init returns the same handle).
  const forwarded = new WeakSet<AicadoAgent>();
  // Error listeners are kept here too: they must hear calls that fail before any agent exists.
  const errorListeners = new Set<ErrorListener>();

  /** Reports a failed call through console.error and the `error` event; never throws into the host page. */
  /** `method`: the queue call that failed; empty for the script tag's own attributes, which no call named. */
  function report(error: unknown, method: string): void {
    const wrapped = isAicadoError(error) ? error : new AicadoError('internal', String(error), { cause: error });
    console.error(`[aicado] ${wrapped.code}: ${method && `Aicado('${method}') failed: `}${wrapped.message}`, wrapped);
    notify({ error: wrapped });
  }

  function notify(payload: { error: AicadoError }): void {
    for (const listener of errorListeners) {
      try {
        listener(payload);
      } catch {
        /* a host listener's bug stays the host's */
      }
    }
  }

  /** Runs one `Aicado(method, ...args)` call against the agent it names, or the only one running. */
  function call(method: unknown, args: unknown[]): unknown {
    const name = String(method);
    try {
      if (!Object.hasOwn(ARITY, name)) {
        throw new AicadoError('unknown_method', `Aicado('${name}') is not a method; use one of: ${Object.keys(ARITY).join(', ')}`);
      }
      const arity = ARITY[name]!;
      // By position, not by shape: `setParams({ agentId: 'x' })` sets a param called agentId.
      const option = Object(args[arity]) as { agentId?: unknown };
      const agentId = args.length > arity && Object.hasOwn(option, 'agentId') ? String(option.agentId) : undefined;
      if (agentId !== undefined) args = args.slice(0, arity);
      if (name === 'on' && args[0] === 'error' && typeof args[1] === 'function' && agentId === undefined) {
        const listener = args[1] as ErrorListener;
        errorListeners.add(listener);
        return () => errorListeners.delete(listener);
      }
      if (name === 'init') {
        const running = init(args[0] as Parameters<InitFunction>[0]);
        if (!forwarded.has(running)) {
          forwarded.add(running);
          running.on('error', notify);
        }
        return running;
      }
      const result = (pick(name, arity, agentId)[name as keyof AicadoAgent] as (...a: unknown[]) => unknown)(...args);
      // The agent has emitted `error` for a failed call and told the console once per cause; no second line here.
      if (result instanceof Promise) result.catch(() => undefined);
      return result;
    } catch (error) {
      report(error, name);
      return undefined;
    }
  }

  /** The agent a call is for: the one named, else the only one running; never a guess among several. */
  function pick(method: string, arity: number, agentId: string | undefined): AicadoAgent {
    const ids = [...init.agents.keys()];
    const named = ids.map((id) => JSON.stringify(id)).join(', ') || 'none';
    if (agentId !== undefined) {
      const agent = init.agents.get(agentId);
      if (!agent)
        throw new AicadoError(
          'unknown_agent',
          `Aicado('${method}') names agent ${JSON.stringify(agentId)}, which is not running; running: ${named}`,
        );
      return agent;
    }
    if (ids.length > 1) {
      throw new AicadoError(
        'agent_required',
        `Aicado('${method}') needs the agent as its last argument while several agents run (${named}), e.g. Aicado('${method}'${arity ? ', …' : ''}, { agentId: '${ids[0]}' })`,
      );
    }
    const only = init.agents.get(ids[0] ?? '');
    if (!only)
      throw new AicadoError('not_initialised', `Aicado('${method}') needs a running agent: call Aicado('init', { agentId, ... }) first`);
    return only;
  }

  /**
   * Replays the calls queued by the stub and takes over: error listeners first (so they hear a failed
   * init), then `init` (or the script tag's data attributes), then the rest in the order they were made.
   */
  function boot(queued: ArrayLike<unknown>[]): void {
    const calls = queued.map((entry) => Array.from(entry));
    // The script tag's attributes, read in the place of `init`: after the page's error listeners, which hear what is wrong with them.
    const fromScript = {};
    if (script && !calls.some((c) => c[0] === 'init')) calls.push(['init', fromScript]);
    // An error listener without `{ agentId }` is the loader's own; one with it needs its agent first.
    const rank = (c: unknown[]) => (c[0] === 'on' && c[1] === 'error' && c.length < 4 ? 0 : c[0] === 'init' ? 1 : 2);
    for (const [method, ...args] of calls.sort((a, b) => rank(a) - rank(b))) {
      if (args[0] === fromScript) initFromScript(call, report);
      else call(method, args);
    }
  }

  /** Runs `init` with the options of the script tag's data attributes, if it has them; their errors go to `fail`. */
  function initFromScript(run: (method: string, args: unknown[]) => unknown, fail: (error: unknown, method: string) => void): void {
    try {
      const options = script && optionsFromScript(script);
      if (options) run('init', [options]);
    } catch (error) {
      fail(error, '');
    }
  }

  const global = window as Window & { Aicado?: Loader };
  // Own properties only: `q` or `loaded` set on Object.prototype by a hostile page must not hijack the queue.
  const stub = typeof global.Aicado === 'function' ? global.Aicado : undefined;
  if (!(stub && Object.hasOwn(stub, 'loaded'))) {
    const queued = Array.from(stub && Object.hasOwn(stub, 'q') && stub.q ? stub.q : []);
    let booted = false;
    // Until boot has run, calls keep queueing in order, as they did with the stub.
    const loader: Loader = (method, ...args) => (booted ? call(method, args) : void queued.push([method, ...args]));
    loader.loaded = true;
    loader.version = SDK_VERSION;
    loader.report = report;
    global.Aicado = loader;
    const start = () => {
      booted = true;
      boot(queued);
    };
    // The bubble needs <body>; a script in <head> waits for it.
    if (document.body) start();
    else document.addEventListener('DOMContentLoaded', start, { once: true });
  } else {
    // Another script tag of the bundle (a second agent in data attributes) hands its agent to the running loader.
    initFromScript((method, args) => stub(method, ...args), stub.report ?? report);
  }
}
