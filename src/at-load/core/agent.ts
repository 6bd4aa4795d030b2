import type { DeclaredParamTypes } from '../../contract/agent-definition.js';
import { checkDeclaredParams, declaredParamsError } from '../../contract/declared-params.js';
import { AicadoError, abandonedError, destroyedError } from '../../contract/errors.js';
import { mergeParams } from '../../contract/merge-params.js';
import { type Params, validateParams } from '../../contract/params.js';
import type { Rating } from '../../contract/protocol.js';
import { loadPart, type PartLoad } from '../loader/load-part.js';
import type { AgentEvents, AgentState, QueryAnswer } from './agent-state.js';
import { hasPendingQueries, storedConversations } from './conversation-key.js';
import { dispatchDomEvent } from './dom-events.js';
import { EarlyQueries } from './early-queries.js';
import { Emitter } from './emitter.js';
import { ObservableState } from './observable-state.js';
import type { NormalizedOptions } from './options.js';
import { openStorage, type SafeStorage } from './storage.js';

/** What the agent asks of its conversation, which loads on intent (src/on-intent/conversation/). */
export interface Conversation {
  send(input: string, params: Params, signedParams: string | undefined, queryId?: string): Promise<QueryAnswer>;
  stop(): void;
  rate(queryId: string, rating: Rating): Promise<void>;
  retry(queryId: string): Promise<QueryAnswer>;
  resendRefusedTokens(): void;
  /** Moves to a new conversation of another user; `conversationId` when another tab made the switch. */
  switchUser(params: Params, signedParams: string | undefined, conversationId?: string): void;
  reset(): void;
  resumePending(): void;
  persist(): void;
  destroy(): void;
}

/** Makes the conversation of an agent (src/on-intent/index.ts). */
export type CreateConversation = (agent: Agent) => Conversation;

/** How the state changes reach the page: `store` keeps them for the next load, `stream` renders at most once a frame. */
export type StateChange = 'store' | 'show' | 'stream';

/** A call that needs the conversation, made before its code had loaded: it runs once it has, or fails with the agent. */
interface Waiting {
  run(conversation: Conversation): void;
  fail?(error: AicadoError): void;
  /** The stored message a waiting `send` sends. */
  queryId?: string;
}

/**
 * One agent on the page, and the only owner of its state: options, params and their checks, open or
 * closed, online, events. Its conversation (transcript, queries, the visitor's other tabs) loads on the
 * first need — a query, a stop, a rating, a reset or a switch of user, the panel, or the page idle —
 * and changes the state through `update`. Calls made before it has loaded wait for it, in order.
 */
export class Agent {
  /** Each event is also an `aicado:<event>` DOM event from `options.eventTarget`, else from the widget's element. */
  readonly events = new Emitter<AgentEvents>((name, payload) =>
    dispatchDomEvent(this.options.eventTarget ?? this.element ?? document, this.options.agentId, name, payload),
  );
  /** The widget's element on the page, set when it is mounted. */
  element: EventTarget | undefined;
  /** The user whose conversation opens when it loads: the page's, or that of a switch made before. */
  user: readonly [params: Params, signedParams: string | undefined];
  readonly storage: SafeStorage;
  readonly #view: ObservableState<AgentState>;
  readonly #early: EarlyQueries;
  readonly #part: PartLoad<Conversation>;
  #params: Params;
  #signedParams: string | undefined;
  #declared: DeclaredParamTypes | undefined;
  #destroyed = false;
  #conversation: Conversation | undefined;
  #waiting: Waiting[] = [];
  /** A state change made before the conversation was there, for it to store. */
  #unsaved = false;

  constructor(
    readonly options: NormalizedOptions,
    params: Params,
    load: () => Promise<CreateConversation>,
  ) {
    this.#params = params;
    this.#signedParams = options.signedParams;
    this.user = [params, this.#signedParams];
    this.storage = openStorage(options.storage);
    this.#early = new EarlyQueries(this.storage, options.agentId);
    this.#view = new ObservableState<AgentState>({
      open: options.mode === 'bubble' && options.open,
      online: navigator.onLine !== false,
      conversationId: '',
      messages: [],
      unread: 0,
    });
    this.#part = loadPart(() => load().then((create) => this.#start(create)), {
      wanted: () => !this.#destroyed && this.#waiting.length > 0,
      giveUp: (error) => {
        // The page is told these messages failed: they are not sent later.
        for (const { queryId } of this.#waiting) if (queryId) this.#early.remove(queryId);
        const failure = `The chat could not load its code (${String(error)}); try again later`;
        this.#abandonWaiting(new AicadoError('network', failure, { cause: error }), true);
      },
    });
    window.addEventListener('online', this.#onConnectivity);
    window.addEventListener('offline', this.#onConnectivity);
  }

  /** Whether the last visit left queries unanswered: their code then loads at once, and they are sent again. */
  get resumable(): boolean {
    return hasPendingQueries(this.storage, this.options.agentId) || this.#early.list().length > 0;
  }

  /** Loads the conversation (once; a failed load is tried again while calls wait for it). */
  conversation(): Promise<Conversation> {
    return this.#part.get();
  }

  #start(create: CreateConversation): Conversation {
    if (this.#destroyed) throw destroyedError();
    if (this.#conversation) return this.#conversation;
    const conversation = (this.#conversation = create(this));
    if (this.#unsaved) conversation.persist();
    // The last visit's queries first, then the messages stored before the code came, then the calls made meanwhile.
    conversation.resumePending();
    const waitingIds = new Set(this.#waiting.map((waiting) => waiting.queryId));
    for (const early of this.#early.list()) if (!waitingIds.has(early.queryId)) this.#sendEarly(conversation, early).catch(() => undefined);
    for (const waiting of this.#waiting.splice(0)) {
      try {
        waiting.run(conversation);
      } catch (error) {
        console.error('[aicado]', error);
      }
    }
    return conversation;
  }

  get state(): AgentState {
    return this.#view.value;
  }

  subscribe(listener: () => void): () => void {
    return this.#view.subscribe(listener);
  }

  /** Changes the state; see {@link StateChange}. Stored once the conversation is there. */
  update(patch: Partial<AgentState>, how: StateChange = 'store'): void {
    const state = { ...this.state, ...patch };
    if (how === 'stream') return this.#view.stream(state);
    this.#view.value = state;
    if (how === 'store' && this.#conversation) this.#conversation.persist();
    else if (how === 'store') this.#unsaved = true;
    this.#view.set(state);
  }

  /** Sends a visitor message with the params in force now; resolves with the complete answer. */
  send(input: string): Promise<QueryAnswer> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    const params = this.#params;
    const signedParams = this.#signedParams;
    try {
      this.checked(params);
    } catch (error) {
      this.events.emit('error', { error: error as AicadoError });
      return Promise.reject(error);
    }
    if (this.#conversation) return this.#conversation.send(input, params, signedParams);
    // Before its code has come, the message is stored at once, so that a reload still sends it.
    const early = this.#early.add(input, params);
    return this.#ask((conversation) => this.#sendEarly(conversation, early, signedParams), early.queryId);
  }

  #sendEarly(conversation: Conversation, early: ReturnType<EarlyQueries['add']>, signedParams = this.#signedParams): Promise<QueryAnswer> {
    const answer = conversation.send(early.input, early.params, signedParams, early.queryId);
    // The conversation has stored the query with its transcript by now.
    this.#early.remove(early.queryId);
    return answer;
  }

  /** Stops every answer on its way; never resent. */
  stop(): void {
    if (!this.#destroyed) this.#withConversation((conversation) => conversation.stop(), false);
  }

  /** Rates an answer (`null` takes the rating back). */
  rate(queryId: string, rating: Rating): Promise<void> {
    return this.#ask((conversation) => conversation.rate(queryId, rating));
  }

  /** Sends a failed query again (the panel's Retry), with its id and the params it was first sent with. */
  retry(queryId: string): Promise<QueryAnswer> {
    return this.#ask((conversation) => conversation.retry(queryId));
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
    this.#withConversation((conversation) => conversation.resendRefusedTokens(), false);
  }

  /** `identify()` and `logout()`: params validated first (nothing changes if invalid), then {@link switchUser}. */
  identify(identity: { params?: unknown; signedParams?: string | undefined }): void {
    this.#assertAlive();
    this.switchUser(this.checked(validateParams(identity.params)), identity.signedParams || undefined);
  }

  /**
   * Switches to another user: the previous user's pending queries and stored transcript go, a new
   * conversation starts, the params are in force at once. Made here (`identify`), the visitor's other
   * tabs follow; made in another tab, `conversationId` is the one it started.
   */
  switchUser(params: Params, signedParams: string | undefined, conversationId?: string): void {
    if (this.#destroyed) return;
    if (!this.#conversation) {
      // Now, not once the code has come: nothing of the previous user outlives the switch should it never come.
      this.#startOver();
      this.user = [params, signedParams];
    }
    this.#withConversation((conversation) => conversation.switchUser(params, signedParams, conversationId));
    this.#params = params;
    this.#signedParams = signedParams;
    this.events.emit('params', { params: this.getParams() });
  }

  /** Starts a new conversation: pending queries are abandoned and the stored transcript is cleared. */
  reset(): void {
    this.#assertAlive();
    if (!this.#conversation) this.#startOver();
    this.#withConversation((conversation) => conversation.reset());
  }

  /**
   * The agent's definition arrived: from now on params are checked against the params it declares too.
   * Params set before are checked now; their problems are reported (`error` event and console), and
   * each query is refused until they are fixed.
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
    this.update({ open: true, unread: 0 });
    this.events.emit('open', {});
    if (hadUnread) this.events.emit('unread', { count: 0 });
  }

  close(): void {
    if (this.#destroyed || !this.state.open) return;
    this.update({ open: false });
    this.events.emit('close', {});
  }

  toggle(): void {
    if (this.state.open) this.close();
    else this.open();
  }

  /** Stops timers and network work and forgets listeners; the stored conversation stays for the next load. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#conversation?.destroy();
    this.#abandonWaiting(abandonedError());
    this.#part.cancel();
    window.removeEventListener('online', this.#onConnectivity);
    window.removeEventListener('offline', this.#onConnectivity);
    this.#view.clear();
    this.events.clear();
  }

  get isDestroyed(): boolean {
    return this.#destroyed;
  }

  /** Fails the waiting calls that answer (`send`, `rate`) with `error`, an `error` event each when `report`; drops the rest. */
  #abandonWaiting(error: AicadoError, report = false): void {
    for (const { fail } of this.#waiting.splice(0)) {
      if (!fail) continue;
      fail(error);
      if (report) this.events.emit('error', { error });
    }
  }

  /** A switch of user or a reset before the conversation has loaded: the waiting calls and every stored conversation go. */
  #startOver(): void {
    this.#abandonWaiting(abandonedError());
    for (const key of storedConversations(this.storage, this.options.agentId)) this.storage.remove(key);
    this.#early.clear();
  }

  /** Runs `run` on the conversation: now if it is there, else once it has loaded (loading it if `load`). */
  #withConversation(run: Waiting['run'], load = true, waiting: Omit<Waiting, 'run'> = {}): void {
    if (this.#conversation) return run(this.#conversation);
    this.#waiting.push({ run, ...waiting });
    if (load) this.conversation().catch(() => undefined);
  }

  /** The answer of `call` on the conversation, loaded for it; a destroy meanwhile rejects it. */
  #ask<T>(call: (conversation: Conversation) => Promise<T>, queryId?: string): Promise<T> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    return new Promise((resolve, reject) =>
      this.#withConversation((conversation) => void call(conversation).then(resolve, reject), true, { fail: reject, queryId }),
    );
  }

  readonly #onConnectivity = (): void => {
    // Not stored: every tab sees the connection change itself.
    this.update({ online: navigator.onLine !== false }, 'show');
  };

  #assertAlive(): void {
    if (this.#destroyed) throw destroyedError();
  }
}
