import type { ParamsShape } from '../contract/params-types.js';
import { validateParams, type Params } from '../contract/params.js';
import { AicadoError } from '../contract/errors.js';
import type { LoadPanelStrings } from '../i18n/panel-locales.js';
import { Agent } from './core/agent.js';
import type { AgentHandle, AgentInit, AicadoAgent, InitOptions, LooseInitOptions } from './core/handle.js';
import { loadDefinitionAfterPaint } from './core/definition.js';
import { normalizeOptions } from './core/options.js';
import type { LazyPart } from './lazy-part.js';
import { loadPart, type PartLoad } from './loader/load-part.js';
import { createLauncher } from './shell/launcher.js';
import { createShell } from './shell/shell.js';
import { lazyWidget } from './shell/widget-loading.js';

/** `init` as the page sees it, typed: its params are checked at compile time too. */
export type InitFunction = <P extends ParamsShape<P> = Params, L extends P = P>(options: InitOptions<L>) => AicadoAgent<P>;

/** An `init` and the agents it started that are running, by agent id, in the order they were started. */
export type InitWithAgents = AgentInit & { readonly agents: ReadonlyMap<string, AgentHandle> };

/**
 * The composition root, given where the lazy part and the locales' panel texts come from: the agent,
 * the shell and the launcher now; the conversation and the panel on intent, or with the first query.
 * The npm entry passes dynamic `import()`s (an app's bundler splits them off); the script tag imports
 * its sibling files.
 */
export function createInit(loadLazyPart: () => Promise<LazyPart>, loadPanelStrings: LoadPanelStrings): InitWithAgents {
  const running = new Map<string, AgentHandle>();
  // The agents whose panel is a bubble: one of them is open at a time.
  const bubbles = new Set<string>();
  // One load of the lazy part for every agent, and of each locale's panel texts for all its agents.
  const lazyPart = loadPart(loadLazyPart);
  const localeParts = new Map<string, PartLoad<Awaited<ReturnType<LoadPanelStrings>>>>();
  const panelStrings: LoadPanelStrings = (locale) => {
    let part = localeParts.get(locale);
    if (!part) localeParts.set(locale, (part = loadPart(() => loadPanelStrings(locale))));
    return part.get();
  };
  function init(options: LooseInitOptions): AgentHandle {
    if (typeof window === 'undefined' || typeof document === 'undefined') {
      throw new AicadoError('not_in_browser', 'init() runs in a browser; on the server, import from "aicado-embed/server" instead');
    }
    // normalizeOptions checks every option at run time; its parameter is typed as the options that pass.
    const normalized = normalizeOptions(options, navigator.language || 'en');
    const params = validateParams(options.params);
    const existing = running.get(normalized.agentId);
    if (existing) {
      console.warn(
        `[aicado] init() was called again for agent "${normalized.agentId}"; returning the running instance (call destroy() first to re-create it)`,
      );
      return existing;
    }

    const agent = new Agent(normalized, params, () => lazyPart.get().then((part) => part.createConversation));
    let release: (() => void) | undefined;
    try {
      release = mount(agent, lazyPart, panelStrings);
    } catch (error) {
      release?.();
      agent.destroy();
      throw error;
    }
    const handle = createHandle(agent, () => {
      release?.();
      running.delete(normalized.agentId);
      bubbles.delete(normalized.agentId);
    });
    running.set(normalized.agentId, handle);
    if (normalized.mode === 'bubble') {
      bubbles.add(normalized.agentId);
      // One bubble panel open at a time: panels of one corner would cover each other, and on a phone each fills the screen.
      agent.events.on('open', () => {
        for (const id of bubbles) if (id !== normalized.agentId) running.get(id)?.close();
      });
    }
    // Emitted after init() returns, so a listener added right after init() still hears it.
    queueMicrotask(() => agent.events.emit('ready', { agentId: normalized.agentId }));
    return handle;
  }
  return Object.assign(init, { agents: running });
}

/**
 * The shell and launcher now, the panel on intent (with its locale's texts, loaded beside it when the
 * locale is not English); the last visit's pending queries are resumed once their code has loaded, which
 * they ask for at once; asks for the agent's definition once the launcher has been painted.
 */
function mount(agent: Agent, lazyPart: PartLoad<LazyPart>, loadPanelStrings: LoadPanelStrings): () => void {
  const shell = createShell(agent);
  if (agent.options.mode === 'bubble') shell.launcher = createLauncher(agent, shell.root);
  const { builtInLocale } = agent.options;
  const load = () =>
    Promise.all([
      agent.conversation().then(() => lazyPart.get()),
      builtInLocale === 'en' ? undefined : loadPanelStrings(builtInLocale).then((table) => table.strings),
    ] as const);
  const unmount = lazyWidget(agent, shell, load, agent.resumable);
  const stopDefinition = loadDefinitionAfterPaint(agent);
  return () => {
    stopDefinition();
    unmount();
    shell.remove();
  };
}

function createHandle(agent: Agent, release: () => void): AgentHandle {
  return Object.freeze({
    agentId: agent.options.agentId,
    send: (input) => agent.send(input),
    setParams: (patch) => agent.setParams(patch),
    getParams: () => agent.getParams(),
    setSignedParams: (token) => agent.setSignedParams(token),
    identify: (identity) => agent.identify(identity),
    logout: () => agent.identify({}),
    stop: () => agent.stop(),
    rate: (queryId, rating) => agent.ask((conversation) => conversation.rate(queryId, rating)),
    open: () => agent.open(),
    close: () => agent.close(),
    toggle: () => agent.toggle(),
    on: (event, listener) => agent.events.on(event, listener),
    reset: () => agent.reset(),
    requestHandoff: (reason) => agent.ask((conversation) => conversation.requestHandoff(reason)),
    destroy: () => {
      if (agent.isDestroyed) return;
      release();
      agent.destroy();
    },
  } satisfies AgentHandle);
}
