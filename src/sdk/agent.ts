import { INVALID_SIGNED_PARAMS } from '../contract/limits.js';
import { validateParams, type Params } from '../contract/params.js';
import type { QueryRequest } from '../contract/protocol.js';
import { AicadoError, isAicadoError } from '../errors.js';
import type { QueryAnswer } from '../transport/query.js';
import { attemptQuery } from './attempt.js';
import { Emitter } from './emitter.js';
import { newConversationId } from './ids.js';
import type { NormalizedOptions } from './options.js';
import { createQueryRequest, mergeParams } from './request.js';
import { RETRY_POLICY, isRetryable, retryDelay } from './retry.js';
import { identityOf } from './identity.js';
import { Scheduler } from './scheduler.js';
import { openStorage, type SafeStorage } from './storage.js';
import { TranscriptStore, type ChatMessage } from './transcript.js';

export type { QueryAnswer };

export type AgentEvents = {
  ready: { agentId: string };
  open: Record<string, never>;
  close: Record<string, never>;
  query: { queryId: string; input: string; params: Params };
  delta: { queryId: string; text: string };
  response: { queryId: string; output: string };
  error: { error: AicadoError; queryId?: string };
  params: { params: Params };
};

export interface AgentState {
  open: boolean;
  online: boolean;
  conversationId: string;
  messages: readonly ChatMessage[];
}


/** Streaming deltas reach the UI at most this often. */
const FRAME_MS = 16;

/**
 * One agent on the page, without its UI: params, conversation, queries with retries, events.
 * The widget renders `state` and calls these methods; the public handle is this object, typed.
 */
export class Agent {
  readonly events = new Emitter<AgentEvents>();
  readonly #listeners = new Set<() => void>();
  readonly #storage: SafeStorage;
  #transcript: TranscriptStore;
  readonly #scheduler = new Scheduler();
  #frame: ReturnType<typeof setTimeout> | undefined;
  #pending: QueryRequest[] = [];
  #params: Params;
  #signedParams: string | undefined;
  #destroyed = false;
  state: AgentState;

  constructor(
    readonly options: NormalizedOptions,
    params: Params,
  ) {
    this.#params = params;
    this.#signedParams = options.signedParams;
    this.#storage = openStorage(options.storage);
    this.#transcript = this.#openTranscript();
    const stored = this.#transcript.load();
    this.#pending = stored?.pending ?? [];
    this.state = {
      open: options.mode === 'bubble' && options.open,
      online: navigator.onLine !== false,
      conversationId: stored?.conversationId ?? newConversationId(),
      messages: stored?.messages ?? [],
    };
    window.addEventListener('online', this.#onConnectivity);
    window.addEventListener('offline', this.#onConnectivity);
  }

  /**
   * Switches to another user atomically: params are validated first (nothing changes if they are
   * invalid), then the previous user's pending queries are dropped, their stored transcript is removed
   * and a new conversation starts.
   */
  identify(identity: { params?: unknown; signedParams?: string | undefined }): void {
    this.#assertAlive();
    const params = validateParams(identity.params);
    this.#abortAll();
    this.#pending = [];
    this.#transcript.clear();
    this.#params = params;
    this.#signedParams = identity.signedParams || undefined;
    this.#transcript = this.#openTranscript();
    this.#setState({ ...this.state, conversationId: newConversationId(), messages: [] }, false);
    this.events.emit('params', { params: this.getParams() });
  }

  /** Returns to an anonymous conversation and removes the signed-out user's stored data. */
  logout(): void {
    this.identify({});
  }

  /** Resends queries that were still pending when the page was last closed, with their original ids. */
  resumePending(): void {
    const failed = new Set(this.state.messages.filter((m) => m.status === 'failed').map((m) => m.queryId));
    for (const request of this.#pending) {
      if (!failed.has(request.query_id)) this.#run(request).catch(() => undefined);
    }
  }

  /** Subscribes the UI to state changes. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Sends a visitor message with the params in force now; resolves with the complete answer. */
  send(input: string): Promise<QueryAnswer> {
    let request: QueryRequest;
    try {
      this.#assertAlive();
      request = createQueryRequest(input, this.state.conversationId, this.#params, this.#signedParams, this.options.locale);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#pending.push(request);
    this.#setMessages([
      ...this.state.messages,
      { id: `${request.query_id}:user`, role: 'user', text: input, queryId: request.query_id, status: 'done' },
      { id: request.query_id, role: 'agent', text: '', queryId: request.query_id, status: 'sending' },
    ]);
    this.events.emit('query', { queryId: request.query_id, input, params: { ...request.params } });
    return this.#run(request);
  }

  /** Sends a failed query again, with the same query id and the params it was first sent with. */
  retry(queryId: string): Promise<QueryAnswer> {
    const request = this.#pending.find((r) => r.query_id === queryId);
    if (!request) return Promise.reject(new AicadoError('unknown_query', `No failed query with id ${queryId}`));
    return this.#run(request);
  }

  /** Merges params for the next queries; a key set to undefined is removed. Validated before anything changes. */
  setParams(patch: Record<string, unknown>): void {
    this.#assertAlive();
    this.#params = mergeParams(this.#params, patch);
    this.events.emit('params', { params: this.getParams() });
  }

  getParams(): Params {
    return { ...this.#params };
  }

  /** Replaces the signed-params token; queries refused for an expired token are sent again with it. */
  setSignedParams(token: string | undefined): void {
    this.#assertAlive();
    this.#signedParams = token || undefined;
    const refused = new Set(this.state.messages.filter((m) => m.errorCode === INVALID_SIGNED_PARAMS).map((m) => m.queryId));
    for (const request of this.#pending) {
      if (refused.has(request.query_id)) this.#run(request).catch(() => undefined);
    }
  }

  open(): void {
    if (this.#destroyed || this.state.open || this.options.mode !== 'bubble') return;
    this.#setState({ ...this.state, open: true });
    this.events.emit('open', {});
  }

  close(): void {
    if (this.#destroyed || !this.state.open) return;
    this.#setState({ ...this.state, open: false });
    this.events.emit('close', {});
  }

  toggle(): void {
    if (this.state.open) this.close();
    else this.open();
  }

  /** Starts a new conversation: pending queries are abandoned and the stored transcript is cleared. */
  reset(): void {
    this.#assertAlive();
    this.#abortAll();
    this.#pending = [];
    this.#transcript.clear();
    this.#setState({ ...this.state, conversationId: newConversationId(), messages: [] });
  }

  /** Stops timers and network work and forgets listeners; the stored conversation stays for the next load. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#abortAll();
    window.removeEventListener('online', this.#onConnectivity);
    window.removeEventListener('offline', this.#onConnectivity);
    this.#listeners.clear();
    this.events.clear();
  }

  get isDestroyed(): boolean {
    return this.#destroyed;
  }

  async #run(request: QueryRequest): Promise<QueryAnswer> {
    const queryId = request.query_id;
    // A reset, identify or destroy abandons the query; it must never be sent after that.
    const abandoned = () => this.#destroyed || !this.#pending.includes(request);
    for (let attempt = 0; ; attempt++) {
      try {
        if (abandoned()) throw new AicadoError('aborted', 'The query was abandoned');
        this.#updateMessage(queryId, { text: '', status: attempt === 0 ? 'sending' : 'retrying', errorCode: undefined });
        await this.#scheduler.until(() => this.state.online, (listener) => this.subscribe(listener));
        if (abandoned()) throw new AicadoError('aborted', 'The query was abandoned');
        // The token in force now: a query resent after a reload or a refresh must not carry an expired one.
        // Pending queries are stored per identity, so the current token is the same user's.
        if (this.#signedParams) request.signed_params = this.#signedParams;
        else delete request.signed_params;
        const answer = await attemptQuery({
          apiBase: this.options.apiBase,
          agentId: this.options.agentId,
          request,
          scheduler: this.#scheduler,
          onDelta: (text) => {
            const message = this.state.messages.find((m) => m.id === queryId);
            this.#updateMessage(queryId, { text: (message?.text ?? '') + text, status: 'streaming' }, 'frame');
            this.events.emit('delta', { queryId, text });
          },
        });
        this.#pending = this.#pending.filter((r) => r.query_id !== queryId);
        this.#updateMessage(queryId, { text: answer.output, status: 'done' });
        this.events.emit('response', { queryId, output: answer.output });
        return answer;
      } catch (cause) {
        if (abandoned()) {
          throw new AicadoError('aborted', 'The query was abandoned (the widget was destroyed, reset or switched user)', { cause });
        }
        const error = isAicadoError(cause) ? cause : new AicadoError('network', String(cause), { cause });
        if (isRetryable(error) && attempt + 1 < RETRY_POLICY.maxAttempts) {
          this.#updateMessage(queryId, { status: 'retrying' });
          await this.#scheduler.sleep(retryDelay(attempt, error.retryAfterMs));
          continue;
        }
        this.#updateMessage(queryId, { status: 'failed', error: error.message, errorCode: error.code });
        this.events.emit('error', { error, queryId });
        throw error;
      }
    }
  }

  #abortAll(): void {
    this.#scheduler.cancelAll();
    this.#frame = undefined;
  }

  #openTranscript(): TranscriptStore {
    return TranscriptStore.forIdentity(this.#storage, this.options.agentId, identityOf(this.#params, this.#signedParams));
  }

  readonly #onConnectivity = (): void => {
    this.#setState({ ...this.state, online: navigator.onLine !== false });
  };

  /** `'frame'`: a streaming delta, neither stored nor rendered at once (see `#setState`). */
  #updateMessage(id: string, patch: Partial<ChatMessage>, mode: 'commit' | 'frame' = 'commit'): void {
    const messages = this.state.messages.map((m) => (m.id === id ? { ...m, ...patch } : m));
    if (mode === 'frame') this.#setState({ ...this.state, messages }, false, true);
    else this.#setState({ ...this.state, messages });
  }

  #setMessages(messages: ChatMessage[]): void {
    this.#setState({ ...this.state, messages });
  }

  /**
   * Replaces the state, stores it, and tells the UI. Streaming deltas are `batched`: the UI hears of
   * them at most once a frame, so a fast stream costs a render per frame, not one per delta.
   */
  #setState(state: AgentState, persist = true, batched = false): void {
    this.state = state;
    if (persist) this.#persist();
    if (batched) {
      this.#frame ??= this.#scheduler.setTimer(() => {
        this.#frame = undefined;
        this.#notify();
      }, FRAME_MS);
      return;
    }
    this.#scheduler.clearTimer(this.#frame);
    this.#frame = undefined;
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #persist(): void {
    if (this.#destroyed) return;
    this.#transcript.save({ conversationId: this.state.conversationId, messages: [...this.state.messages], pending: this.#pending });
  }

  #assertAlive(): void {
    if (this.#destroyed) throw new AicadoError('destroyed', 'This agent was destroyed; call init() again');
  }
}
