import { destroyedError, type AicadoError } from '../../contract/errors.js';
import { identityOf } from '../../contract/identity.js';
import type { Params } from '../../contract/params.js';
import { QUERY_LIMITS, type Rating } from '../../contract/protocol.js';
import type { QueryAnswer } from '../../at-load/core/agent-state.js';
import type { AgentCore, Conversation } from '../../at-load/core/agent-core.js';
import type { AgentEvents, AgentState } from '../../at-load/core/agent-state.js';
import { CancellationScope } from './cancellation-scope.js';
import { inProgress } from './in-progress.js';
import { newConversationId } from './ids.js';
import type { NormalizedOptions } from '../../at-load/core/options.js';
import { QueryQueue, type QueryQueueHost, type QueryTransport } from './query-queue.js';
import { createQueryRequest } from './request.js';
import { SharedConversation, type TabLock } from './shared-conversation.js';
import { openStorage } from '../../at-load/core/storage.js';
import type { ChatMessage } from '../../at-load/core/agent-state.js';
import type { StoredConversation } from './transcript.js';

export type { QueryAnswer };
export type { AgentEvents, AgentState };

/** What the agent's queries, ratings and the tabs' query lock use (the lazy part, which the agent comes with). */
export interface AgentTransport extends QueryTransport, TabLock {
  rateAnswer(agent: Agent, queryId: string, rating: Rating): Promise<void>;
}

/**
 * One agent's conversation, without its UI, over the {@link AgentCore} that runs at load (options,
 * params, state and events): its unanswered queries live in a {@link QueryQueue}, the conversation is
 * shared with the visitor's other tabs ({@link SharedConversation}). It comes with the lazy part; the
 * widget renders `state` and calls these methods.
 */
export class Agent implements Conversation {
  /** Whether an answer is still on its way (the panel asks through the agent: it carries no copy of the core). */
  readonly inProgress = inProgress;
  /** The longest message the API takes; the composer counts down to it. */
  readonly maxInputLength = QUERY_LIMITS.maxInputLength;
  readonly #scope = new CancellationScope();
  readonly #conversation: SharedConversation;
  #queue: QueryQueue;
  #refusal: AicadoError | undefined;
  #destroyed = false;

  constructor(
    readonly core: AgentCore<Agent>,
    /** The query transport: the lazy part's, which this agent comes with. */
    private readonly loadTransport: () => Promise<AgentTransport>,
  ) {
    const { options } = core;
    const identity = identityOf(...core.user);
    this.#conversation = new SharedConversation(openStorage(options.storage), options.agentId, identity, options.storage === 'local', {
      record: () => this.#record(),
      switchUser: (params, signedParams, conversationId) => {
        this.#switchTo(params, signedParams, conversationId);
        core.adoptUser(params, signedParams);
      },
      follow: (stored) => this.#follow(stored),
      update: (merged) => this.#update(merged),
    });
    const stored = this.#conversation.load();
    const failed = new Set(stored?.messages.filter((m) => m.status === 'failed').map((m) => m.queryId));
    this.#queue = new QueryQueue(
      this.#queueHost(),
      stored?.pending.filter((r) => !failed.has(r.query_id)),
    );
    core.view.set({ ...this.state, conversationId: stored?.conversationId ?? newConversationId(), messages: stored?.messages ?? [] });
  }

  get options(): NormalizedOptions {
    return this.core.options;
  }

  get events(): AgentCore<Agent>['events'] {
    return this.core.events;
  }

  /**
   * The visitor switched to another user (`identify`, `logout`): the previous user's pending queries are
   * dropped, their stored transcript is removed and a new conversation starts; the visitor's other tabs
   * follow into it. The core has checked the params and puts them in force.
   */
  switchUser(params: Params, signedParams: string | undefined): void {
    const conversationId = newConversationId();
    this.#switchTo(params, signedParams, conversationId);
    this.#conversation.announceUser(params, signedParams, conversationId);
  }

  /** Tells the visitor's other tabs of a switch of user the core made before this agent had loaded. */
  announceUser(params: Params, signedParams: string | undefined): void {
    this.#conversation.announceUser(params, signedParams, this.state.conversationId);
  }

  #switchTo(params: Params, signedParams: string | undefined, conversationId: string): void {
    if (this.#destroyed) return;
    this.#abandonQueries();
    this.#conversation.switchIdentity(identityOf(params, signedParams));
    this.core.view.set({ ...this.state, conversationId, messages: [] });
  }

  /** Resends queries that were still pending when the page was last closed, with their original ids. */
  resumePending(): void {
    this.#queue.resume();
  }

  /** What the widget renders. */
  get state(): AgentState {
    return this.core.state;
  }

  /** Subscribes the UI to state changes. */
  subscribe(listener: () => void): () => void {
    return this.core.subscribe(listener);
  }

  /**
   * Sends a visitor message with the params in force now (or those in force when the page sent it,
   * before this agent had loaded); resolves with the complete answer.
   */
  send(input: string, params = this.core.getParams(), signedParams = this.core.signedParams): Promise<QueryAnswer> {
    let request;
    try {
      this.#assertAlive();
      // A tab that has not spoken yet joins the conversation another tab started meanwhile.
      const stored = this.state.messages.length ? undefined : this.#conversation.load();
      if (stored && stored.conversationId !== this.state.conversationId && stored.messages.length) this.#follow(stored);
      request = createQueryRequest(input, this.state.conversationId, this.core.checked(params), signedParams, this.options);
    } catch (error) {
      // Every failure is an `error` event too, so a queued `Aicado('send', '  ')` is never silent to listeners.
      if (!this.#destroyed) this.events.emit('error', { error: error as AicadoError });
      return Promise.reject(error);
    }
    const queryId = request.query_id;
    const at = Date.now();
    this.core.commit({
      ...this.state,
      messages: [
        ...this.state.messages,
        { id: `${queryId}:user`, role: 'user', text: request.input, queryId, status: 'done', at },
        { id: queryId, role: 'agent', text: '', queryId, status: 'sending', at },
      ],
    });
    this.events.emit('query', { queryId, input: request.input, params: { ...request.params } });
    return this.#queue.add(request);
  }

  /**
   * Stops every answer on its way: the API stops the model run, and the answer ends with the text shown
   * so far (`stopped` event). A stopped query is never sent again, not after a reload either.
   */
  stop(): void {
    for (const message of this.state.messages) {
      if (!inProgress(message)) continue;
      const stopping = this.#queue.stop(message.queryId, message.text);
      // A newer copy of the message, without its query: storage and the other tabs drop the query too.
      this.updateMessage(message.queryId, {});
      stopping?.then((answer) => this.#finish(answer));
    }
  }

  /** Rates an answer (`null` takes the rating back); the API's webhook carries the rated query's params. */
  rate(queryId: string, rating: Rating): Promise<void> {
    return this.loadTransport()
      .then((transport) => {
        this.#assertAlive();
        return transport.rateAnswer(this, queryId, rating);
      })
      .catch((error: AicadoError) => {
        if (!this.#destroyed) this.events.emit('error', { error, queryId });
        throw error;
      });
  }

  /** Sends a failed query again, with the same query id and the params it was first sent with. */
  retry(queryId: string): Promise<QueryAnswer> {
    return this.#queue.retry(queryId);
  }

  /** The signed-params token was replaced (the core holds it): queries refused for an expired token are sent again with it. */
  resendRefusedTokens(): void {
    for (const message of this.state.messages) {
      if (message.role === 'agent' && message.errorCode === 'invalid_signed_params')
        this.#queue.retry(message.queryId).catch(() => undefined);
    }
  }

  open(): void {
    this.core.open();
  }

  close(): void {
    this.core.close();
  }

  toggle(): void {
    this.core.toggle();
  }

  /** Starts a new conversation: pending queries are abandoned and the stored transcript is cleared. */
  reset(): void {
    this.#assertAlive();
    this.#abandonQueries();
    this.#conversation.clear();
    this.core.view.set({ ...this.state, conversationId: newConversationId(), messages: [] });
    // Stored at once, marked as new, so the visitor's other tabs follow into it.
    this.#conversation.save(this.#record(), true);
  }

  /** Stops timers and network work (the core's `destroy` calls it); the stored conversation stays for the next load. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#conversation.close();
    this.#abandonQueries();
  }

  get isDestroyed(): boolean {
    return this.#destroyed || this.core.isDestroyed;
  }

  #queueHost(): QueryQueueHost {
    return {
      apiBase: this.options.apiBase,
      agentId: this.options.agentId,
      scope: this.#scope,
      loadTransport: this.loadTransport,
      online: () =>
        this.#scope.until(
          () => this.state.online,
          (listener) => this.subscribe(listener),
        ),
      token: () => this.core.signedParams,
      refusal: () => this.#refusal,
      onAttempt: (queryId, attempt) =>
        this.updateMessage(queryId, {
          text: '',
          status: attempt === 0 ? 'sending' : 'retrying',
          errorCode: undefined,
          progress: undefined,
        }),
      onDelta: (queryId, text) => {
        const message = this.state.messages.find((m) => m.id === queryId);
        // Text that arrives after a stop is not shown: the visitor asked for it to stop.
        if (!message || !inProgress(message)) return;
        this.core.view.stream({
          ...this.state,
          messages: patched(this.state.messages, queryId, { text: message.text + text, status: 'streaming', progress: undefined }),
        });
        this.events.emit('delta', { queryId, text });
      },
      onStatus: (queryId, text) => {
        this.updateMessage(queryId, { progress: text });
        this.events.emit('status', { queryId, text });
      },
      onRetrying: (queryId) => this.updateMessage(queryId, { status: 'retrying' }),
      onAnswer: (_queryId, answer) => this.#finish(answer),
      onFailure: (queryId, error) => {
        if (error.code === 'origin_not_allowed' && !this.#refusal) this.#refuseOrigin(error);
        this.updateMessage(queryId, { status: 'failed', error: error.message, errorCode: error.code });
        this.events.emit('error', { error, queryId });
      },
      onChange: () => this.persist(),
      exclusive: (queryId, task, abandoned, resumed) =>
        this.#conversation.exclusive(queryId, task, { scope: this.#scope, abandoned, contended: resumed }, this.loadTransport),
      settledElsewhere: (queryId, resumed) => this.#conversation.settledElsewhere(queryId, resumed),
    };
  }

  /**
   * The API does not serve this page's origin: final for this page load. Said once, to the site owner,
   * in the console (the visitor sees a short notice in the widget); later queries fail without a request.
   */
  #refuseOrigin(error: AicadoError): void {
    this.#refusal = error;
    const origin = location.origin;
    console.error(
      `[aicado] ${this.options.apiBase} does not allow the origin ${origin}: allow it for agent "${this.options.agentId}" (reference backend: --allowed-origin ${origin})`,
    );
  }

  /** An answer arrived, complete or stopped; the first of the two wins (a stop and the stream both report). */
  #finish(answer: QueryAnswer): void {
    const { queryId, output, status, sources } = answer;
    const message = this.state.messages.find((m) => m.id === queryId);
    if (this.#destroyed || !message || message.status === 'done' || message.status === 'stopped') return;
    const stopped = status === 'stopped';
    const unseen = !stopped && this.options.mode === 'bubble' && !this.state.open;
    const unread = this.state.unread + (unseen ? 1 : 0);
    const patch = { text: output, status: stopped ? 'stopped' : 'done', sources, progress: undefined, at: Date.now() } as const;
    this.core.commit({ ...this.state, unread, messages: patched(this.state.messages, queryId, patch) });
    if (stopped) this.events.emit('stopped', { queryId, output });
    else this.events.emit('response', answer);
    if (unseen) this.events.emit('unread', { count: unread });
  }

  /** Shows the conversation as merged with another tab's copy; unchanged messages keep their objects, so the list re-renders only what changed. */
  #update(merged: StoredConversation): void {
    if (this.#destroyed) return;
    this.#queue.adopt(merged.pending);
    const mine = new Map(this.state.messages.map((m) => [m.id, m]));
    const messages = merged.messages.map((m) => {
      const own = mine.get(m.id);
      return own && own.rev === m.rev ? own : m;
    });
    this.core.view.set({ ...this.state, messages });
  }

  /** Switches to another tab's conversation; this tab's queries belonged to the old one. */
  #follow(stored: StoredConversation): void {
    if (this.#destroyed) return;
    this.#abandonQueries();
    this.#queue.adopt(stored.pending);
    this.core.view.set({ ...this.state, conversationId: stored.conversationId, messages: stored.messages });
  }

  /** Stops every run of the queue: its queries are abandoned, their timers and requests cancelled. */
  #abandonQueries(): void {
    this.#queue.clear();
    this.#scope.cancelAll();
    this.core.view.cancelFrame();
  }

  /** Changes one message and stores the conversation (the lazy part's rating uses it too). */
  updateMessage(id: string, patch: Partial<ChatMessage>): void {
    this.core.commit({ ...this.state, messages: patched(this.state.messages, id, patch) });
  }

  #record(): StoredConversation {
    return { conversationId: this.state.conversationId, messages: [...this.state.messages], pending: this.#queue.stored };
  }

  /** Stores the conversation (the core's state changes go through here too). */
  persist(): void {
    if (!this.#destroyed) this.#conversation.persist(this.#record());
  }

  #assertAlive(): void {
    if (this.#destroyed) throw destroyedError();
  }
}

/** A changed message counts one more revision, so the visitor's other tabs know their copy is older. */
const patched = (messages: readonly ChatMessage[], id: string, patch: Partial<ChatMessage>): ChatMessage[] =>
  messages.map((m) => (m.id === id ? { ...m, ...patch, rev: (m.rev ?? 0) + 1 } : m));
