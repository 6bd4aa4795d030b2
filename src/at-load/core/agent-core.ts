import type { DeclaredParamTypes } from '../../contract/agent-definition.js';
import { checkDeclaredParams, declaredParamsError } from '../../contract/declared-params.js';
import { AicadoError, abandonedError, destroyedError } from '../../contract/errors.js';
import { mergeParams } from '../../contract/merge-params.js';
import { validateParams, type Params } from '../../contract/params.js';
import type { Rating } from '../../contract/protocol.js';
import type { QueryAnswer } from './agent-state.js';
import type { AgentEvents, AgentState } from './agent-state.js';
import { hasPendingQueries, storedConversations } from './conversation-key.js';
import { dispatchDomEvent } from './dom-events.js';
import { Emitter } from './emitter.js';
import { ObservableState } from './observable-state.js';
import type { NormalizedOptions } from './options.js';
import { openStorage, type SafeStorage } from './storage.js';

/** What the core asks of the conversation's agent (sdk/agent.ts, in the lazy part). */
export interface Conversation {
  send(input: string, params: Params, signedParams: string | undefined): Promise<QueryAnswer>;
  stop(): void;
  rate(queryId: string, rating: Rating): Promise<void>;
  resendRefusedTokens(): void;
  switchUser(params: Params, signedParams: string | undefined): void;
  /** Tells the visitor's other tabs of a switch of user made before the conversation had loaded. */
  announceUser(params: Params, signedParams: string | undefined): void;
  reset(): void;
  resumePending(): void;
  persist(): void;
  destroy(): void;
}

/** What the launcher, the shell and the definition's request use of the core (whatever its conversation). */
export type CoreView = Pick<
  AgentCore,
  'options' | 'state' | 'subscribe' | 'toggle' | 'close' | 'events' | 'element' | 'isDestroyed' | 'define'
>;

/** What makes the conversation's agent (src/on-intent/index.ts), given the core. */
export type CreateAgent<C extends Conversation = Conversation> = (core: AgentCore<C>) => C;

/** A call that needs the conversation, made before its code had loaded: it runs once it has, or fails with the agent. */
type Deferred<C> = [run: (agent: C) => void, fail?: (error: AicadoError) => void];

/**
 * How the script tag's parts (and the npm entry's lazy chunk) are asked for again after a failed load:
 * 5 tries in all, 1, 2, 4 and 8 s apart. A static file has no `retry-after` to honour, so no jitter.
 */
export const PART_LOAD_RETRY = Object.freeze({ attempts: 5, delayMs: (failures: number): number => 500 * 2 ** failures });

/**
 * The part of an agent that runs at load, in the script tag's first part: options, params and their
 * checks, open or closed, online, events. The conversation (transcript, queries, the visitor's other
 * tabs) is a {@link Conversation} (sdk/agent.ts), made from the lazy part on the first need: a query (sent, or resumed from
 * the last visit), a stop, a rating, a reset or a switch of user, the panel, or the page idle for a few
 * seconds. Calls made before it has loaded wait for it, in order; what they change of the params is
 * checked and in force at once.
 */
export class AgentCore<C extends Conversation = Conversation> {
  /**
   * Each event is also an `aicado:<event>` DOM event, bubbling to `document`: from `options.eventTarget`
   * (`<aicado-agent>` gives itself), else from the widget's element.
   */
  readonly events = new Emitter<AgentEvents>((name, payload) =>
    dispatchDomEvent(this.options.eventTarget ?? this.element ?? document, this.options.agentId, name, payload),
  );
  /** The widget's element on the page, set when it is mounted. */
  element: EventTarget | undefined;
  /** What the launcher and the panel render; the conversation's agent fills in the messages. */
  readonly view: ObservableState<AgentState>;
  /**
   * The params and token of the user the conversation is of: the page's at load, or those of a switch of
   * user made before it loaded. The conversation's agent opens their stored conversation.
   */
  user: readonly [params: Params, signedParams: string | undefined];
  readonly #storage: SafeStorage;
  #params: Params;
  #signedParams: string | undefined;
  /** The params the agent declares, once its definition has arrived. */
  #declared: DeclaredParamTypes | undefined;
  #destroyed = false;
  #agent: C | undefined;
  #loading: Promise<C> | undefined;
  #deferred: Deferred<C>[] = [];
  #failures = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** A state change made before the conversation's agent was there, for it to store. */
  #unsaved = false;

  constructor(
    readonly options: NormalizedOptions,
    params: Params,
    /** Loads the lazy part and makes the conversation's agent from it. */
    private readonly load: () => Promise<CreateAgent<C>>,
  ) {
    this.#params = params;
    this.#signedParams = options.signedParams;
    this.user = [params, this.#signedParams];
    this.#storage = openStorage(options.storage);
    this.view = new ObservableState<AgentState>({
      open: options.mode === 'bubble' && options.open,
      online: navigator.onLine !== false,
      conversationId: '',
      messages: [],
      unread: 0,
    });
    window.addEventListener('online', this.#onConnectivity);
    window.addEventListener('offline', this.#onConnectivity);
  }

  /** Whether the last visit left queries unanswered: their code is loaded at once, and they are sent again. */
  get resumable(): boolean {
    return hasPendingQueries(this.#storage, this.options.agentId);
  }

  /** Loads the conversation's agent (once; a failed load is tried again on the next call). */
  conversation(): Promise<C> {
    this.#loading ??= this.load().then(
      (create) => {
        if (this.#destroyed) throw destroyedError();
        this.#failures = 0;
        const agent = (this.#agent ??= create(this));
        if (this.#unsaved) agent.persist();
        // The last visit's queries first, as when they were resumed at load; then the calls made meanwhile, in order.
        agent.resumePending();
        for (const [run] of this.#deferred.splice(0)) {
          try {
            run(agent);
          } catch (error) {
            console.error('[aicado]', error);
          }
        }
        return agent;
      },
      (error: unknown) => {
        this.#loading = undefined;
        clearTimeout(this.#retry);
        // Calls are waiting: try again, less and less often (offline, once the connection is back), then fail them.
        if (this.#destroyed || !this.#deferred.length || navigator.onLine === false) throw error;
        if (++this.#failures < PART_LOAD_RETRY.attempts) {
          this.#retry = setTimeout(() => void this.conversation().catch(() => undefined), PART_LOAD_RETRY.delayMs(this.#failures));
        } else {
          this.#failures = 0;
          this.#abandonDeferred(
            new AicadoError('network', `The chat could not load its code (${String(error)}); try again later`, { cause: error }),
            true,
          );
        }
        throw error;
      },
    );
    return this.#loading;
  }

  /**
   * Fails the calls waiting for the conversation that answer (`send`, `rate`), with `error` (an `error`
   * event each, when `report`), and drops the others.
   */
  #abandonDeferred(error: AicadoError, report = false): void {
    for (const [, fail] of this.#deferred.splice(0)) {
      if (!fail) continue;
      fail(error);
      if (report) this.events.emit('error', { error });
    }
  }

  /**
   * A switch of user or a reset before the conversation has loaded: the calls still waiting for it are
   * abandoned, and the conversations stored for the agent go, pending queries included, so nothing of
   * them outlives it should the conversation never load.
   */
  #startOver(): void {
    this.#abandonDeferred(abandonedError());
    for (const key of storedConversations(this.#storage, this.options.agentId)) this.#storage.remove(key);
  }

  /** Runs `run` on the conversation's agent: now if it is there, else once it has loaded (loading it if `load`). */
  #withAgent(run: Deferred<C>[0], load = true, fail?: Deferred<C>[1]): void {
    if (this.#agent) return run(this.#agent);
    this.#deferred.push([run, fail]);
    if (load) this.conversation().catch(() => undefined);
  }

  /** The answer of `call` on the conversation's agent, loaded for it; a destroy meanwhile rejects it. */
  #ask<T>(call: (agent: C) => Promise<T>): Promise<T> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    return new Promise((resolve, reject) => this.#withAgent((agent) => void call(agent).then(resolve, reject), true, reject));
  }

  get state(): AgentState {
    return this.view.value;
  }

  /** Subscribes the UI to state changes. */
  subscribe(listener: () => void): () => void {
    return this.view.subscribe(listener);
  }

  /** Sends a visitor message with the params in force now; resolves with the complete answer. */
  send(input: string): Promise<QueryAnswer> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    const params = this.#params;
    const signedParams = this.#signedParams;
    try {
      // Params that break the declared ones are refused now, as setParams would refuse them (the rest is checked with the message).
      this.checked(params);
    } catch (error) {
      this.events.emit('error', { error: error as AicadoError });
      return Promise.reject(error);
    }
    return this.#ask((agent) => agent.send(input, params, signedParams));
  }

  /** Stops every answer on its way; never resent. */
  stop(): void {
    if (!this.#destroyed) this.#withAgent((agent) => agent.stop(), false);
  }

  /** Rates an answer (`null` takes the rating back). */
  rate(queryId: string, rating: Rating): Promise<void> {
    return this.#ask((agent) => agent.rate(queryId, rating));
  }

  /** Merges params for the next queries; a key set to undefined is removed. Validated before anything changes. */
  setParams(patch: Record<string, unknown>): void {
    this.#assertAlive();
    this.#params = this.checked(mergeParams(this.#params, patch));
    this.events.emit('params', { params: this.getParams() });
  }

  getParams(): Params {
    return { ...this.#params };
  }

  get signedParams(): string | undefined {
    return this.#signedParams;
  }

  /** Replaces the signed-params token; queries refused for an expired token are sent again with it. */
  setSignedParams(token: string | undefined): void {
    this.#assertAlive();
    this.#signedParams = token || undefined;
    this.#withAgent((agent) => agent.resendRefusedTokens(), false);
  }

  /**
   * Switches to another user atomically: params are validated first (nothing changes if they are
   * invalid), then the previous user's pending queries are dropped, their stored transcript is removed
   * and a new conversation starts; the visitor's other tabs follow into it.
   */
  identify(identity: { params?: unknown; signedParams?: string | undefined }): void {
    this.#assertAlive();
    const params = this.checked(validateParams(identity.params));
    const signedParams = identity.signedParams || undefined;
    if (this.#agent) this.#agent.switchUser(params, signedParams);
    else {
      // Before the conversation has loaded, the switch is made now, as it would be then. The conversation
      // starts with this user once it loads, and tells the visitor's other tabs.
      this.#startOver();
      this.user = [params, signedParams];
      this.#withAgent((agent) => agent.announceUser(params, signedParams));
    }
    this.adoptUser(params, signedParams);
  }

  /** The params of a user switched to (here, or in another tab): in force at once. */
  adoptUser(params: Params, signedParams: string | undefined): void {
    this.#params = params;
    this.#signedParams = signedParams;
    this.events.emit('params', { params: this.getParams() });
  }

  /** Returns to an anonymous conversation and removes the signed-out user's stored data. */
  logout(): void {
    this.identify({});
  }

  /** Starts a new conversation: pending queries are abandoned and the stored transcript is cleared. */
  reset(): void {
    this.#assertAlive();
    // Before the conversation has loaded, now, as it would be done then; the conversation, once loaded, starts the new one and tells the other tabs.
    if (!this.#agent) this.#startOver();
    this.#withAgent((agent) => agent.reset());
  }

  /**
   * The agent's definition arrived: from now on params are checked against the params it declares too.
   * Params set before are checked now; their problems are reported (`error` event and console), and
   * each query is refused until they are fixed. Queries sent before it arrived met the API's own check.
   */
  define(declared: DeclaredParamTypes): void {
    if (this.#destroyed) return;
    this.#declared = declared;
    try {
      this.checked(this.#params);
    } catch (error) {
      console.error(error);
      this.events.emit('error', { error: error as AicadoError });
    }
  }

  /** Returns `params` when they fit the declared params (or none are known yet), else throws. */
  checked(params: Params = this.#params): Params {
    const issues = this.#declared ? checkDeclaredParams(params, this.#declared) : [];
    if (issues.length) throw declaredParamsError(issues);
    return params;
  }

  open(): void {
    if (this.#destroyed || this.state.open || this.options.mode !== 'bubble') return;
    const hadUnread = this.state.unread > 0;
    this.commit({ ...this.state, open: true, unread: 0 });
    this.events.emit('open', {});
    if (hadUnread) this.events.emit('unread', { count: 0 });
  }

  close(): void {
    if (this.#destroyed || !this.state.open) return;
    this.commit({ ...this.state, open: false });
    this.events.emit('close', {});
  }

  toggle(): void {
    if (this.state.open) this.close();
    else this.open();
  }

  /** Replaces the state, stores it (once the conversation's agent is there) and tells the UI at once. */
  commit(state: AgentState): void {
    this.view.value = state;
    if (this.#agent) this.#agent.persist();
    else this.#unsaved = true;
    this.view.set(state);
  }

  /** Stops timers and network work and forgets listeners; the stored conversation stays for the next load. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#agent?.destroy();
    this.#abandonDeferred(abandonedError());
    clearTimeout(this.#retry);
    window.removeEventListener('online', this.#onConnectivity);
    window.removeEventListener('offline', this.#onConnectivity);
    this.view.clear();
    this.events.clear();
  }

  get isDestroyed(): boolean {
    return this.#destroyed;
  }

  readonly #onConnectivity = (): void => {
    // Not stored: every tab sees the connection change itself.
    this.view.set({ ...this.state, online: navigator.onLine !== false });
    if (this.state.online && this.#deferred.length && !this.#loading) {
      clearTimeout(this.#retry);
      this.conversation().catch(() => undefined);
    }
  };

  #assertAlive(): void {
    if (this.#destroyed) throw destroyedError();
  }
}
