import type { ParamsShape } from './contract/params-types.js';
import { validateParams, type Params } from './contract/params.js';
import { AicadoError } from './contract/errors.js';
import { mountWidget } from './ui/mount.js';
import { Agent } from './sdk/agent.js';
import type { AicadoAgent, InitOptions } from './sdk/handle.js';
import { normalizeOptions } from './sdk/options.js';

const running = new Map<string, AicadoAgent<never>>();

/**
 * `P` is the params type of the handle: the wide default (any valid key and value) unless given as
 * `init<MyParams>()`. `L`, inferred from `options.params`, only lets the literal be checked for
 * restricted keys without narrowing the handle to its literal types.
 *
 * Puts an agent on the page and returns its handle. Throws `AicadoError` (and changes nothing) when the
 * options or params are invalid; a second `init` for the same agent returns the running one.
 */
export function init<P extends ParamsShape<P> = Params, L extends P = P>(options: InitOptions<L>): AicadoAgent<P> {
  if (typeof window === 'undefined' || typeof document === 'undefined') {
    throw new AicadoError('not_in_browser', 'init() runs in a browser; on the server, import from "aicado-embed/server" instead');
  }
  const normalized = normalizeOptions(options, navigator.language || 'en');
  const params = validateParams(options.params);
  const existing = running.get(normalized.agentId);
  if (existing) {
    console.warn(`[aicado] init() was called again for agent "${normalized.agentId}"; returning the running instance (call destroy() first to re-create it)`);
    return existing as AicadoAgent<never> as AicadoAgent<P>;
  }

  const agent = new Agent(normalized, params);
  let unmount: (() => void) | undefined;
  try {
    unmount = mountWidget(agent);
    agent.resumePending();
  } catch (error) {
    unmount?.();
    agent.destroy();
    throw error;
  }
  const handle = createHandle<P>(agent, () => {
    unmount?.();
    running.delete(normalized.agentId);
  });
  running.set(normalized.agentId, handle as AicadoAgent<never>);
  // Emitted after init() returns, so a listener added right after init() still hears it.
  queueMicrotask(() => agent.events.emit('ready', { agentId: normalized.agentId }));
  return handle;
}

function createHandle<P>(agent: Agent, release: () => void): AicadoAgent<P> {
  return Object.freeze({
    agentId: agent.options.agentId,
    send: (input: string) => agent.send(input),
    setParams: (patch: object) => agent.setParams(patch as Record<string, unknown>),
    getParams: () => agent.getParams() as never,
    setSignedParams: (token: string | undefined) => agent.setSignedParams(token),
    identify: (identity: { params?: object; signedParams?: string }) => agent.identify(identity),
    logout: () => agent.logout(),
    open: () => agent.open(),
    close: () => agent.close(),
    toggle: () => agent.toggle(),
    on: (event, listener) => agent.events.on(event, listener),
    reset: () => agent.reset(),
    destroy: () => {
      if (agent.isDestroyed) return;
      release();
      agent.destroy();
    },
  } satisfies AicadoAgent<P>);
}
