import { AicadoError, isAicadoError } from '../contract/errors.js';
import type { AicadoAgent } from '../sdk/handle.js';
import type { InitFunction } from '../boot/create-init.js';
import { SDK_VERSION } from '../version.js';
import { optionsFromScript } from '../bindings/attributes.js';

type Loader = ((method: string, ...args: unknown[]) => unknown) & { q?: ArrayLike<unknown>[]; loaded?: boolean; version?: string };
type ErrorListener = (payload: { error: AicadoError }) => void;

const METHODS = ['init', 'send', 'setParams', 'getParams', 'setSignedParams', 'identify', 'logout', 'stop', 'rate', 'open', 'close', 'toggle', 'on', 'reset', 'destroy'];

/**
 * Takes over `window.Aicado` from the stub the page pasted: replays its queue (and `script`'s data
 * attributes), then runs calls as they come. Does nothing when a loader already runs (the script included twice).
 */
export function installLoader(init: InitFunction, script: HTMLScriptElement | null): void {
  let agent: AicadoAgent | undefined;
  // Error listeners are kept here too: they must hear calls that fail before any agent exists.
  const errorListeners = new Set<ErrorListener>();

  /** Reports a failed call through console.error and the `error` event; never throws into the host page. */
  function report(error: unknown, method: string, notifyListeners = true): void {
    const wrapped = isAicadoError(error) ? error : new AicadoError('internal', String(error), { cause: error });
    console.error(`[aicado] Aicado('${method}') failed: ${wrapped.message}`, wrapped);
    if (notifyListeners) notify({ error: wrapped });
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

  /** Runs one `Aicado(method, ...args)` call against the running agent. */
  function call(method: unknown, args: unknown[]): unknown {
    const name = String(method);
    try {
      if (!METHODS.includes(name)) {
        throw new AicadoError('unknown_method', `Aicado('${name}') is not a method; use one of: ${METHODS.join(', ')}`);
      }
      if (name === 'on' && args[0] === 'error' && typeof args[1] === 'function') {
        const listener = args[1] as ErrorListener;
        errorListeners.add(listener);
        return () => errorListeners.delete(listener);
      }
      if (name === 'init') {
        const running = init(args[0] as Parameters<InitFunction>[0]);
        // A repeated init returns the running agent, which already forwards its errors.
        if (running !== agent) running.on('error', notify);
        return (agent = running);
      }
      if (!agent) {
        throw new AicadoError('not_initialised', `Aicado('${name}') needs a running agent: call Aicado('init', { agentId, ... }) first`);
      }
      const result = (agent[name as keyof AicadoAgent] as (...a: unknown[]) => unknown)(...args);
      if (name === 'destroy') agent = undefined;
      // The agent already emitted `error` for a failed call; log it so it is never silent in the console.
      if (result instanceof Promise) result.catch((error: unknown) => report(error, name, false));
      return result;
    } catch (error) {
      report(error, name);
      return undefined;
    }
  }

  /**
   * Replays the calls queued by the stub and takes over: error listeners first (so they hear a failed
   * init), then `init` (or the script tag's data attributes), then the rest in the order they were made.
   */
  function boot(queued: ArrayLike<unknown>[]): void {
    const calls = queued.map((entry) => Array.from(entry));
    const rank = ([method, event]: unknown[]) => (method === 'on' && event === 'error' ? 0 : method === 'init' ? 1 : 2);
    if (script && !calls.some((c) => c[0] === 'init')) {
      try {
        const options = optionsFromScript(script);
        if (options) calls.push(['init', options]);
      } catch (error) {
        report(error, 'init');
      }
    }
    for (const [method, ...args] of calls.sort((a, b) => rank(a) - rank(b))) call(method, args);
  }

  const global = window as unknown as { Aicado?: Loader };
  // Own properties only: `q` or `loaded` set on Object.prototype by a hostile page must not hijack the queue.
  const stub = typeof global.Aicado === 'function' ? global.Aicado : undefined;
  if (!(stub && Object.hasOwn(stub, 'loaded'))) {
    const queued = Array.from(stub && Object.hasOwn(stub, 'q') && stub.q ? stub.q : []);
    let booted = false;
    // Until boot has run, calls keep queueing in order, as they did with the stub.
    const loader: Loader = (method, ...args) => (booted ? call(method, args) : void queued.push([method, ...args]));
    loader.loaded = true;
    loader.version = SDK_VERSION;
    global.Aicado = loader;
    const start = () => {
      booted = true;
      boot(queued);
    };
    // The bubble needs <body>; a script in <head> waits for it.
    if (document.body) start();
    else document.addEventListener('DOMContentLoaded', start, { once: true });
  }
}
