import type { DeclaredParamTypes } from '../../contract/agent-definition.js';
import { checkDeclaredParams, declaredParamsError } from '../../contract/declared-params.js';
import { AicadoError, abandonedError, destroyedError } from '../../contract/errors.js';
import { mergeParams } from '../../contract/merge-params.js';
import { type Params, validateParams } from '../../contract/params.js';
import { loadPart, type PartLoad } from '../loader/load-part.js';
import type { QueryAnswer } from './agent-state.js';
import { AgentView } from './agent-view.js';
import type { Conversation } from './conversation.js';
import { newQueryId } from '../../contract/ids.js';
import { type EarlyMessage, earlyMessages, hasPendingQueries, storedConversations, storeEarlyMessages } from './conversation-key.js';
import type { NormalizedOptions } from './options.js';
import { openStorage, type SafeStorage } from './storage.js';

/** Makes the conversation of an agent (src/on-intent/index.ts). */
export type CreateConversation = (agent: Agent) => Conversation;

/** A call that needs the conversation, made before its code had loaded: it runs once it has, or fails (`send`, `rate`) with the agent. */
type Waiting = [run: (conversation: Conversation) => void, fail?: (error: AicadoError) => void];

/**
 * One agent on the page, the only owner of its state: options, params, open or closed, online, events.
 * Its conversation loads on the first need and changes the state by `update`; calls made before wait for it, in order.
 */
export class Agent extends AgentView {
  /** The user whose conversation opens when it loads: the page's, or that of a switch made before. */
  user: readonly [params: Params, signedParams: string | undefined];
  readonly storage: SafeStorage;
  readonly #part: PartLoad<Conversation>;
  #params: Params;
  #signedParams: string | undefined;
  #declared: DeclaredParamTypes | undefined;
  #destroyed = false;
  #conversation: Conversation | undefined;
  /** The ids of the messages this page sent before the conversation had loaded: its waiting calls send them. */
  readonly #earlyHere = new Set<string>();
  #waiting: Waiting[] = [];

  constructor(options: NormalizedOptions, params: Params, load: () => Promise<CreateConversation>) {
    super(options);
    this.#params = params;
    this.#signedParams = options.signedParams;
    this.user = [params, options.signedParams];
    this.storage = openStorage(options.storage);
    this.#part = loadPart(() => load().then((create) => this.#start(create)), {
      wanted: () => !this.#destroyed && this.#waiting.length > 0,
      giveUp: (error) => {
        // Its calls fail, its messages stay stored: the conversation sends them once it loads (now or on a later visit).
        this.#earlyHere.clear();
        const failure = `The chat could not load its code (${error}); try again later`;
        this.#abandonWaiting(new AicadoError('network', failure, { cause: error }), true);
      },
    });
  }

  /** Whether the last visit left queries or messages unanswered: their code then loads at once, and they are sent. */
  get resumable(): boolean {
    return hasPendingQueries(this.storage, this.options.agentId) || earlyMessages(this.storage, this.options.agentId).length > 0;
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
    // The last visit's queries first, then the messages it sent before its code came, then the calls made meanwhile.
    conversation.resumePending();
    const early = earlyMessages(this.storage, this.options.agentId);
    // Taken out before they are sent: each is in the conversation's stored transcript then (or kept by it again, for the pre-chat form).
    this.#storeEarly([]);
    // Each with its id: should another tab send it too, it is the same query.
    for (const [queryId, input, params] of early)
      if (!this.#earlyHere.has(queryId)) conversation.send(input, params, this.#signedParams, queryId).catch(() => undefined);
    for (const [run] of this.#waiting.splice(0)) {
      try {
        run(conversation);
      } catch (error) {
        console.error('[aicado]', error);
      }
    }
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
    const params = this.#params;
    const signedParams = this.#signedParams;
    try {
      this.checked(params);
    } catch (error) {
      this.events.emit('error', { error: error as AicadoError });
      return Promise.reject(error);
    }
    if (this.#conversation) return this.#conversation.send(input, params, signedParams);
    // Stored at once with the id it will be sent with: a reload sends it, and a copy another tab sends is the same query.
    const queryId = newQueryId();
    this.#earlyHere.add(queryId);
    this.#storeEarly([...earlyMessages(this.storage, this.options.agentId), [queryId, input, params]]);
    return this.ask((conversation) => conversation.send(input, params, signedParams, queryId));
  }

  /** Stops every answer on its way; never resent. */
  stop(): void {
    if (!this.#destroyed) this.#withConversation((conversation) => conversation.stop(), false);
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
   * Switches user: the previous user's queries and transcript go, a new conversation starts, the params
   * are in force at once; the other tabs follow, or, when one made the switch, `conversationId` is its.
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
   * The agent's definition arrived: params are checked against the params it declares from now on.
   * Those set before are checked now; their problems are reported (`error` event and console).
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

  /** Stops timers and network work and forgets listeners; the stored conversation stays for the next load. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#conversation?.destroy();
    this.#abandonWaiting(abandonedError());
    this.#part.cancel();
    this.stopView();
  }

  /** Fails the waiting calls that answer with `error` (an `error` event each when `report`), drops the rest. */
  #abandonWaiting(error: AicadoError, report?: true): void {
    for (const [, fail] of this.#waiting.splice(0)) {
      fail?.(error);
      if (fail && report) this.events.emit('error', { error });
    }
  }

  /** A switch of user or a reset before the conversation has loaded: the waiting calls and everything stored go. */
  #startOver(): void {
    this.#abandonWaiting(abandonedError());
    for (const key of storedConversations(this.storage, this.options.agentId)) this.storage.remove(key);
    this.#storeEarly([]);
  }

  #storeEarly(messages: EarlyMessage[]): void {
    storeEarlyMessages(this.storage, this.options.agentId, messages);
  }

  /** Runs `run` on the conversation: now if it is there, else once it has loaded (loading it if `load`). */
  #withConversation(run: Waiting[0], load = true, fail?: Waiting[1]): void {
    if (this.#conversation) return run(this.#conversation);
    this.#waiting.push([run, fail]);
    if (load) this.conversation().catch(() => undefined);
  }

  /** The answer of `call` on the conversation (`rate`, `requestHandoff`), loaded for it; a destroy meanwhile rejects it. */
  ask<T>(call: (conversation: Conversation) => Promise<T>): Promise<T> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    return new Promise((resolve, reject) =>
      this.#withConversation((conversation) => void call(conversation).then(resolve, reject), true, reject),
    );
  }

  #assertAlive(): void {
    if (this.#destroyed) throw destroyedError();
  }
}
