import type { ParamsShape } from '../contract/params-types.js';
import { validateParams, type Params } from '../contract/params.js';
import { AicadoError } from '../contract/errors.js';
import type { LoadPanelStrings } from '../i18n/panel-locales.js';
import type { Agent } from '../on-intent/conversation/agent.js';
import { AgentCore, type CreateAgent } from './core/agent-core.js';
import type { AicadoAgent, InitOptions } from './core/handle.js';
import { loadDefinitionAfterPaint } from './core/definition.js';
import { normalizeOptions } from './core/options.js';
import { createLauncher } from './shell/launcher.js';
import { createShell, type WidgetModule } from './shell/shell.js';
import { lazyWidget } from './shell/widget-loading.js';

export type InitFunction = <P extends ParamsShape<P> = Params, L extends P = P>(options: InitOptions<L>) => AicadoAgent<P>;

/** An `init` and the agents it started that are running, by agent id, in the order they were started. */
export type InitWithAgents = InitFunction & { readonly agents: ReadonlyMap<string, AicadoAgent<never>> };

/** The part of the SDK that loads on intent (src/on-intent/index.ts): the panel, and the conversation with the code that sends queries, stops and ratings. */
export interface LazyPart extends WidgetModule {
  createAgent: CreateAgent<Agent>;
}

/**
 * The composition root, given where the lazy part and the locales' panel texts come from: the agent
 * core, the shell and the launcher now; the panel and the query transport on intent, or with the first
 * query. The npm entry passes dynamic `import()`s (an app's bundler splits them off); the script tag
 * imports its sibling files.
 */
export function createInit(loadLazyPart: () => Promise<LazyPart>, loadPanelStrings: LoadPanelStrings): InitWithAgents {
  const running = new Map<string, AicadoAgent<never>>();
  // The agents whose panel is a bubble: one of them is open at a time.
  const bubbles = new Set<string>();
  // One load of the lazy part for every agent, and of each locale's panel texts for all its agents.
  const lazyPart = shared<void, LazyPart>(loadLazyPart);
  const panelStrings = shared(loadPanelStrings);
  function init<P extends ParamsShape<P> = Params, L extends P = P>(options: InitOptions<L>): AicadoAgent<P> {
    if (typeof window === 'undefined' || typeof document === 'undefined') {
      throw new AicadoError('not_in_browser', 'init() runs in a browser; on the server, import from "aicado-embed/server" instead');
    }
    const normalized = normalizeOptions(options, navigator.language || 'en');
    const params = validateParams(options.params);
    const existing = running.get(normalized.agentId);
    if (existing) {
      console.warn(
        `[aicado] init() was called again for agent "${normalized.agentId}"; returning the running instance (call destroy() first to re-create it)`,
      );
      return existing as AicadoAgent<never> as AicadoAgent<P>;
    }

    const agent = new AgentCore(normalized, params, () => lazyPart().then((part) => part.createAgent));
    let release: (() => void) | undefined;
    try {
      release = mount(agent, lazyPart, panelStrings);
    } catch (error) {
      release?.();
      agent.destroy();
      throw error;
    }
    const handle = createHandle<P>(agent, () => {
      release?.();
      running.delete(normalized.agentId);
      bubbles.delete(normalized.agentId);
    });
    running.set(normalized.agentId, handle as AicadoAgent<never>);
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
  return Object.assign(init, { agents: running as ReadonlyMap<string, AicadoAgent<never>> });
}

/**
 * The shell and launcher now, the panel on intent (with its locale's texts, loaded beside it when the
 * locale is not English); the last visit's pending queries are resumed once their code has loaded, which
 * they ask for at once; asks for the agent's definition once the launcher has been painted.
 */
function mount(agent: AgentCore<Agent>, lazyPart: () => Promise<LazyPart>, loadPanelStrings: LoadPanelStrings): () => void {
  const shell = createShell(agent);
  if (agent.options.mode === 'bubble') shell.launcher = createLauncher(agent, shell.root);
  const { builtInLocale } = agent.options;
  const load = () =>
    Promise.all([
      agent.conversation().then((conversation) => lazyPart().then((part) => [part, conversation] as const)),
      builtInLocale === 'en' ? undefined : loadPanelStrings(builtInLocale).then((table) => table.strings),
    ]).then(([[part, conversation], panelStrings]) => [part, conversation, panelStrings] as const);
  const unmount = lazyWidget(agent, shell, load, agent.resumable);
  const stopDefinition = loadDefinitionAfterPaint(agent);
  return () => {
    stopDefinition();
    unmount();
    shell.remove();
  };
}

/**
 * A load made once per key and shared; a failed one is forgotten, so the next need tries again (the
 * script tag would otherwise fetch a part it has as a retry, under a new URL).
 */
function shared<K, T>(load: (key: K) => Promise<T>): (key: K) => Promise<T> {
  const loads = new Map<K, Promise<T>>();
  return (key) => {
    let loading = loads.get(key);
    if (!loading) {
      loading = load(key).catch((error: unknown) => {
        loads.delete(key);
        throw error;
      });
      loads.set(key, loading);
    }
    return loading;
  };
}

function createHandle<P>(agent: AgentCore<Agent>, release: () => void): AicadoAgent<P> {
  return Object.freeze({
    agentId: agent.options.agentId,
    send: (input: string) => agent.send(input),
    setParams: (patch: object) => agent.setParams(patch as Record<string, unknown>),
    getParams: () => agent.getParams() as never,
    setSignedParams: (token: string | undefined) => agent.setSignedParams(token),
    identify: (identity: { params?: object; signedParams?: string }) => agent.identify(identity),
    logout: () => agent.logout(),
    stop: () => agent.stop(),
    rate: (queryId: string, rating) => agent.rate(queryId, rating),
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
