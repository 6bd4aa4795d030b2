import type { DeclaredParamTypes } from '../../contract/agent-definition.js';
import { AicadoError, abandonedError, destroyedError } from '../../contract/errors.js';
import { type Params, validateParams } from '../../contract/params.js';
import type { Rating } from '../../contract/protocol.js';
import { loadPart, type PartLoad } from '../loader/load-part.js';
import { AgentParams } from './agent-params.js';
import type { QueryAnswer } from './agent-state.js';
import { hasPendingQueries, storedConversations } from './conversation-key.js';
import { type Conversation, type WaitingCall, WaitingCalls } from './conversation.js';
import { EarlyQueries, type EarlyQuery } from './early-queries.js';
import { AgentView } from './agent-view.js';
import type { NormalizedOptions } from './options.js';
import { openStorage, type SafeStorage } from './storage.js';

/** Makes the conversation of an agent (src/on-intent/index.ts). */
export type CreateConversation = (agent: Agent) => Conversation;

/**
 * One agent on the page, and the only owner of its state: options, params and their checks, open or
 * closed, online, events. Its conversation (transcript, queries, the visitor's other tabs) loads on the
 * first need — a query, a stop, a rating, a reset or a switch of user, the panel, or the page idle —
 * and changes the state through `update`. Calls made before it has loaded wait for it, in order.
 */
export class Agent extends AgentView {
  /** The user whose conversation opens when it loads: the page's, or that of a switch made before. */
  user: readonly [params: Params, signedParams: string | undefined];
  readonly storage: SafeStorage;
  readonly #early: EarlyQueries;
  readonly #part: PartLoad<Conversation>;
  readonly #params: AgentParams;
  readonly #waiting = new WaitingCalls();
  #destroyed = false;
  #conversation: Conversation | undefined;

  constructor(options: NormalizedOptions, params: Params, load: () => Promise<CreateConversation>) {
    super(options);
    this.#params = new AgentParams(params, options.signedParams);
    this.user = [params, options.signedParams];
    this.storage = openStorage(options.storage);
    this.#early = new EarlyQueries(this.storage, options.agentId);
    this.#part = loadPart(() => load().then((create) => this.#start(create)), {
      wanted: () => !this.#destroyed && this.#waiting.length > 0,
      giveUp: (error) => {
        // The page is told these messages failed: they are not sent later.
        for (const queryId of this.#waiting.queryIds()) if (queryId) this.#early.remove(queryId);
        const failure = `The chat could not load its code (${String(error)}); try again later`;
        this.#waiting.abandon(new AicadoError('network', failure, { cause: error }), (abandoned) =>
          this.events.emit('error', { error: abandoned }),
        );
      },
    });
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
    if (this.unsaved) conversation.persist();
    // The last visit's queries first, then the messages stored before the code came, then the calls made meanwhile.
    conversation.resumePending();
    const waiting = this.#waiting.queryIds();
    for (const early of this.#early.list()) if (!waiting.has(early.queryId)) this.#sendEarly(conversation, early).catch(() => undefined);
    this.#waiting.runAll(conversation);
    return conversation;
  }

  protected override persist(): boolean {
    this.#conversation?.persist();
    return !!this.#conversation;
  }

  override get isDestroyed(): boolean {
    return this.#destroyed;
  }

  /** Sends a visitor message with the params in force now; resolves with the complete answer. */
  send(input: string): Promise<QueryAnswer> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    const params = this.#params.current;
    const signedParams = this.#params.token;
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

  #sendEarly(conversation: Conversation, early: EarlyQuery, signedParams = this.#params.token): Promise<QueryAnswer> {
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
    this.#params.merge(patch);
    this.events.emit('params', { params: this.getParams() });
  }

  getParams(): Params {
    return this.#params.get();
  }

  get signedParams(): string | undefined {
    return this.#params.token;
  }

  /** Replaces the signed-params token; queries refused for an expired token are sent again with it. */
  setSignedParams(token: string | undefined): void {
    this.#assertAlive();
    this.#params.token = token || undefined;
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
    this.#params.replace(params, signedParams);
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
    try {
      this.#params.declare(declared);
    } catch (error) {
      console.error(error);
      this.events.emit('error', { error: error as AicadoError });
    }
  }

  /** Returns `params` when they fit the declared params (or none are known yet), else throws. */
  checked(params?: Params): Params {
    return this.#params.checked(params);
  }

  /** Stops timers and network work and forgets listeners; the stored conversation stays for the next load. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#conversation?.destroy();
    this.#waiting.abandon(abandonedError());
    this.#part.cancel();
    this.stopView();
  }

  /** A switch of user or a reset before the conversation has loaded: the waiting calls and every stored conversation go. */
  #startOver(): void {
    this.#waiting.abandon(abandonedError());
    for (const key of storedConversations(this.storage, this.options.agentId)) this.storage.remove(key);
    this.#early.clear();
  }

  /** Runs `run` on the conversation: now if it is there, else once it has loaded (loading it if `load`). */
  #withConversation(run: WaitingCall['run'], load = true, waiting: Omit<WaitingCall, 'run'> = {}): void {
    if (this.#conversation) return run(this.#conversation);
    this.#waiting.add({ run, ...waiting });
    if (load) this.conversation().catch(() => undefined);
  }

  /** The answer of `call` on the conversation, loaded for it; a destroy meanwhile rejects it. */
  #ask<T>(call: (conversation: Conversation) => Promise<T>, queryId?: string): Promise<T> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    return new Promise((resolve, reject) =>
      this.#withConversation((conversation) => void call(conversation).then(resolve, reject), true, { fail: reject, queryId }),
    );
  }

  #assertAlive(): void {
    if (this.#destroyed) throw destroyedError();
  }
}
