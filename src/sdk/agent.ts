import { invalidParamsError, validateParams, type Params } from '../contract/params.js';
import { QUERY_LIMITS } from '../contract/limits.js';
import type { QueryRequest } from '../contract/protocol.js';
import { AicadoError, isAicadoError } from '../errors.js';
import { postQuery, type QueryAnswer } from '../transport/query.js';
import { SDK_NAME } from '../version.js';
import { Emitter } from './emitter.js';
import { newConversationId, newQueryId } from './ids.js';
import type { NormalizedOptions } from './options.js';
import { RETRY_POLICY, isRetryable, retryDelay } from './retry.js';
import { identityOf } from './identity.js';
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

/** The backend's code for a signed-params token that is invalid or expired. */
export const SESSION_EXPIRED = 'invalid_signed_params';

/** Streaming deltas reach the UI at most this often. */
const FRAME_MS = 16;

/** Without progress for this long, an attempt is abandoned and retried. */
const IDLE_TIMEOUT_MS = 30_000;

/**
 * One agent on the page, without its UI: params, conversation, queries with retries, events.
 * The widget renders `state` and calls these methods; the public handle is this object, typed.
 */
export class Agent {
  readonly events = new Emitter<AgentEvents>();
  readonly #listeners = new Set<() => void>();
  readonly #storage: SafeStorage;
  #transcript: TranscriptStore;
  readonly #attempts = new Set<AbortController>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #wakers = new Set<() => void>();
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
    try {
      this.#assertAlive();
      if (typeof input !== 'string' || input.trim() === '') {
        throw new AicadoError('invalid_input', 'send() needs a non-empty message string');
      }
      if (input.length > QUERY_LIMITS.maxInputLength) {
        throw new AicadoError('invalid_input', `The message has ${input.length} characters; at most ${QUERY_LIMITS.maxInputLength} are allowed`);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const request: QueryRequest = {
      query_id: newQueryId(),
      conversation_id: this.state.conversationId,
      input,
      params: { ...this.#params },
      context: this.#context(),
      ...(this.#signedParams ? { signed_params: this.#signedParams } : {}),
    };
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
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw invalidParamsError([{ key: '', code: 'invalid_value', message: 'setParams() needs a plain object of params' }]);
    }
    const next: Record<string, unknown> = { ...this.#params };
    const clean = validatePatch(patch);
    for (const [key, value] of Object.entries(clean)) {
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    this.#params = validateParams(next);
    this.events.emit('params', { params: this.getParams() });
  }

  getParams(): Params {
    return { ...this.#params };
  }

  /** Replaces the signed-params token; queries refused for an expired token are sent again with it. */
  setSignedParams(token: string | undefined): void {
    this.#assertAlive();
    this.#signedParams = token || undefined;
    const refused = new Set(this.state.messages.filter((m) => m.errorCode === SESSION_EXPIRED).map((m) => m.queryId));
    for (const request of this.#pending) {
      if (!refused.has(request.query_id)) continue;
      if (this.#signedParams) request.signed_params = this.#signedParams;
      else delete request.signed_params;
      this.#run(request).catch(() => undefined);
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
        await this.#whenOnline();
        if (abandoned()) throw new AicadoError('aborted', 'The query was abandoned');
        const answer = await this.#attempt(request);
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
          await this.#sleep(retryDelay(attempt, error.retryAfterMs));
          continue;
        }
        this.#updateMessage(queryId, { status: 'failed', error: error.message, errorCode: error.code });
        this.events.emit('error', { error, queryId });
        throw error;
      }
    }
  }

  #attempt(request: QueryRequest): Promise<QueryAnswer> {
    const controller = new AbortController();
    this.#attempts.add(controller);
    // One timer per attempt, re-armed lazily: a 2,000-delta answer must not mean 2,000 timers.
    let lastProgress = Date.now();
    const watchdog = () => {
      const idleFor = Date.now() - lastProgress;
      if (idleFor >= IDLE_TIMEOUT_MS) controller.abort();
      else idle = this.#setTimer(watchdog, IDLE_TIMEOUT_MS - idleFor);
    };
    let idle = this.#setTimer(watchdog, IDLE_TIMEOUT_MS);
    return postQuery({
      apiBase: this.options.apiBase,
      agentId: this.options.agentId,
      request,
      signal: controller.signal,
      onDelta: (text) => {
        lastProgress = Date.now();
        const message = this.state.messages.find((m) => m.id === request.query_id);
        this.#updateMessage(request.query_id, { text: (message?.text ?? '') + text, status: 'streaming' }, 'frame');
        this.events.emit('delta', { queryId: request.query_id, text });
      },
    })
      .catch((error: unknown) => {
        if (controller.signal.aborted && !this.#destroyed) {
          throw new AicadoError('timeout', `No answer from the Aicado API for ${IDLE_TIMEOUT_MS / 1000} s`, { cause: error });
        }
        throw error;
      })
      .finally(() => {
        this.#clearTimer(idle);
        this.#attempts.delete(controller);
      });
  }

  #whenOnline(): Promise<void> {
    if (this.state.online) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        off();
        this.#wakers.delete(wake);
        resolve();
      };
      const off = this.subscribe(() => this.state.online && wake());
      this.#wakers.add(wake);
    });
  }

  /** Resolves after `ms`, or at once when the agent aborts its work (the caller then sees it abandoned). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#clearTimer(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = this.#setTimer(wake, ms);
      this.#wakers.add(wake);
    });
  }

  #setTimer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  #clearTimer(timer: ReturnType<typeof setTimeout>): void {
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  #abortAll(): void {
    for (const wake of [...this.#wakers]) wake();
    for (const controller of this.#attempts) controller.abort();
    this.#attempts.clear();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#frame = undefined;
  }

  /** One stored transcript per identity; those of other users of this browser are removed. */
  #openTranscript(): TranscriptStore {
    const prefix = `aicado:v1:${this.options.agentId}:`;
    const identity = identityOf(this.#params, this.#signedParams);
    const key = identity === 'anonymous' ? `${prefix}conversation` : `${prefix}${identity}:conversation`;
    for (const other of this.#storage.keys()) {
      if (other.startsWith(prefix) && other.endsWith(':conversation') && other !== key) this.#storage.remove(other);
    }
    return new TranscriptStore(this.#storage, key);
  }

  readonly #onConnectivity = (): void => {
    this.#setState({ ...this.state, online: navigator.onLine !== false });
  };

  #context(): QueryRequest['context'] {
    return {
      page_url: location.href.slice(0, 2048),
      referrer: document.referrer.slice(0, 2048),
      locale: this.options.locale.slice(0, 35),
      sdk: SDK_NAME,
    };
  }

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
      this.#frame ??= this.#setTimer(() => {
        this.#frame = undefined;
        this.#notify();
      }, FRAME_MS);
      return;
    }
    if (this.#frame) this.#clearTimer(this.#frame);
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

/** Checks a setParams patch, where undefined (removal) is allowed for any valid key. */
function validatePatch(patch: Record<string, unknown>): Record<string, unknown> {
  const present = validateParams(patch);
  const removed = Object.keys(patch).filter((key) => !(key in present));
  return { ...present, ...Object.fromEntries(removed.map((key) => [key, undefined])) };
}
