import type { Agent } from '../../at-load/core/agent.js';
import type { Conversation } from '../../at-load/core/conversation.js';
import type { ChatMessage, QueryAnswer } from '../../at-load/core/agent-state.js';
import { type AicadoError, destroyedError } from '../../contract/errors.js';
import { identityOf } from '../../contract/identity.js';
import { type Params, validateParams } from '../../contract/params.js';
import type { Rating } from '../../contract/protocol.js';
import { CancellationScope } from './cancellation-scope.js';
import { consoleReporter } from './console-report.js';
import { newConversationId } from '../../contract/ids.js';
import { inProgress } from './in-progress.js';
import { QueryQueue } from './query-queue.js';
import type { QueryTransport } from './query-queue-host.js';
import { queueHost } from './queue-host.js';
import { rateAnswer } from './rating.js';
import { createQueryRequest } from './request.js';
import { SharedConversation } from './shared-conversation.js';
import type { StoredConversation } from './transcript.js';
import { endConversation, handOff } from './handoff.js';

/**
 * One agent's conversation: its transcript, its unanswered queries ({@link QueryQueue}) and the copy the
 * visitor's other tabs share ({@link SharedConversation}). It changes the agent's state by calling
 * `agent.update`; the agent owns it, and the panel renders it.
 */
export class ChatConversation implements Conversation {
  readonly scope = new CancellationScope();
  readonly shared: SharedConversation;
  readonly queue: QueryQueue;
  /** Tells the developer of a final failure in the console, once per code. */
  readonly report: (error: AicadoError) => void;
  /** Set when the API refused this page for good (its origin): later queries fail without a request. */
  refusal: AicadoError | undefined;
  #destroyed = false;

  constructor(
    readonly agent: Agent,
    transport?: QueryTransport,
  ) {
    const { options } = agent;
    this.report = consoleReporter(options.logLevel);
    this.shared = new SharedConversation(agent.storage, options.agentId, identityOf(...agent.user), options.storage === 'local', {
      record: () => this.#record(),
      switchUser: (params, signedParams, conversationId) => agent.switchUser(params, signedParams, conversationId),
      follow: (stored) => this.#follow(stored),
      update: (merged) => this.#update(merged),
    });
    const stored = this.shared.load();
    const failed = new Set(stored?.messages.filter((m) => m.status === 'failed').map((m) => m.queryId));
    this.queue = new QueryQueue(
      queueHost(this, transport),
      stored?.pending.filter((r) => !failed.has(r.query_id)),
    );
    agent.update({ conversationId: stored?.conversationId ?? newConversationId(), messages: stored?.messages ?? [] }, 'show');
  }

  get state() {
    return this.agent.state;
  }

  /** Moves to a new conversation of another user; the visitor's other tabs follow, unless one of them made the switch. */
  switchUser(params: Params, signedParams: string | undefined, conversationId?: string): void {
    if (this.#destroyed) return;
    const id = conversationId ?? newConversationId();
    // The tab that made the switch tells the API that the conversation it leaves is over.
    if (!conversationId) endConversation(this, 'user_switched');
    this.#abandonQueries();
    this.shared.switchUser(identityOf(params, signedParams), conversationId ? undefined : { params, signedParams, conversationId: id });
    this.agent.update({ conversationId: id, messages: [] }, 'show');
  }

  /** Resends queries that were still pending when the page was last closed, with their original ids. */
  resumePending(): void {
    this.queue.resume();
  }

  /** Sends a visitor message with the given params (those in force when the page sent it); resolves with the answer. */
  send(input: string, params: Params, signedParams: string | undefined, queryId?: string): Promise<QueryAnswer> {
    let request;
    try {
      if (this.#destroyed) throw destroyedError();
      // A tab that has not spoken yet joins the conversation another tab started meanwhile.
      const stored = this.state.messages.length ? undefined : this.shared.load();
      if (stored && stored.conversationId !== this.state.conversationId && stored.messages.length) this.#follow(stored);
      const { options } = this.agent;
      // Early messages come from storage, which the page's other scripts share: checked by every rule again.
      const checked = this.agent.checked(validateParams(params));
      request = createQueryRequest(input, this.state.conversationId, checked, signedParams, options, queryId);
    } catch (error) {
      // Every failure is an `error` event too, so a queued `Aicado('send', '  ')` is never silent to listeners.
      if (!this.#destroyed) {
        this.report(error as AicadoError);
        this.agent.events.emit('error', { error: error as AicadoError });
      }
      return Promise.reject(error);
    }
    const id = request.query_id;
    const at = Date.now();
    this.agent.update({
      messages: [
        ...this.state.messages,
        { id: `${id}:user`, role: 'user', text: request.input, queryId: id, status: 'done', at },
        { id, role: 'agent', text: '', queryId: id, status: 'sending', at },
      ],
    });
    this.agent.events.emit('query', { queryId: id, input: request.input, params: { ...request.params } });
    return this.queue.add(request);
  }

  /**
   * Stops every answer on its way: the API stops the model run, and the answer ends with the text shown
   * so far (`stopped` event). A stopped query is never sent again, not after a reload either.
   */
  stop(): void {
    for (const message of this.state.messages) {
      if (!inProgress(message)) continue;
      const stopping = this.queue.stop(message.queryId, message.text);
      // A newer copy of the message, without its query: storage and the other tabs drop the query too.
      this.updateMessage(message.queryId, {});
      stopping?.then((answer) => this.finish(answer));
    }
  }

  /** Rates an answer (`null` takes the rating back); the API's webhook carries the rated query's params. */
  rate(queryId: string, rating: Rating): Promise<void> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    return rateAnswer(this.agent, (id, patch) => this.updateMessage(id, patch), queryId, rating).catch((error: AicadoError) => {
      if (!this.#destroyed) {
        this.report(error);
        this.agent.events.emit('error', { error, queryId });
      }
      throw error;
    });
  }

  /** Hands the conversation to a person: `handoff.requested`, then the panel shows the site's message (handoff.ts). */
  requestHandoff(reason?: string): Promise<void> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    return handOff(this, reason).catch((error: AicadoError) => {
      if (!this.#destroyed) {
        this.report(error);
        this.agent.events.emit('error', { error });
      }
      throw error;
    });
  }

  /** Sends a failed query again, with the same query id and the params it was first sent with. */
  retry(queryId: string): Promise<QueryAnswer> {
    return this.queue.retry(queryId);
  }

  /** The signed-params token was replaced: queries refused for an expired token are sent again with it. */
  resendRefusedTokens(): void {
    for (const message of this.state.messages) {
      if (message.role === 'agent' && message.errorCode === 'invalid_signed_params')
        this.queue.retry(message.queryId).catch(() => undefined);
    }
  }

  /** Starts a new conversation: pending queries are abandoned and the stored transcript is cleared. */
  reset(): void {
    if (this.#destroyed) return;
    endConversation(this, 'reset');
    this.#abandonQueries();
    this.shared.clear();
    this.agent.update({ conversationId: newConversationId(), messages: [] }, 'show');
    // Stored at once, marked as new, so the visitor's other tabs follow into it.
    this.shared.save(this.#record(), true);
  }

  /** Stops timers and network work; the stored conversation stays for the next load. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.shared.close();
    this.#abandonQueries();
  }

  get isDestroyed(): boolean {
    return this.#destroyed || this.agent.isDestroyed;
  }

  /** An answer arrived, complete or stopped; the first of the two wins (a stop and the stream both report). */
  finish(answer: QueryAnswer): void {
    const { queryId, output, status, sources } = answer;
    const message = this.state.messages.find((m) => m.id === queryId);
    if (this.#destroyed || !message || message.status === 'done' || message.status === 'stopped') return;
    const stopped = status === 'stopped';
    const unseen = !stopped && this.agent.options.mode === 'bubble' && !this.state.open;
    const unread = this.state.unread + (unseen ? 1 : 0);
    const patch = { text: output, status: stopped ? 'stopped' : 'done', sources, progress: undefined, at: Date.now() } as const;
    this.agent.update({ unread, messages: patched(this.state.messages, queryId, patch) });
    if (stopped) this.agent.events.emit('stopped', { queryId, output });
    else this.agent.events.emit('response', answer);
    if (unseen) this.agent.events.emit('unread', { count: unread });
  }

  /** Changes one message and stores the conversation; `stream` renders it at most once a frame, unstored. */
  updateMessage(id: string, patch: Partial<ChatMessage>, stream?: 'stream'): void {
    this.agent.update({ messages: patched(this.state.messages, id, patch) }, stream);
  }

  /** Shows the conversation as merged with another tab's copy; unchanged messages keep their objects, so the list re-renders only what changed. */
  #update(merged: StoredConversation): void {
    if (this.#destroyed) return;
    this.queue.adopt(merged.pending);
    const mine = new Map(this.state.messages.map((m) => [m.id, m]));
    const messages = merged.messages.map((m) => {
      const own = mine.get(m.id);
      return own && own.rev === m.rev ? own : m;
    });
    this.agent.update({ messages }, 'show');
  }

  /** Switches to another tab's conversation; this tab's queries belonged to the old one. */
  #follow(stored: StoredConversation): void {
    if (this.#destroyed) return;
    this.#abandonQueries();
    this.queue.adopt(stored.pending);
    this.agent.update({ conversationId: stored.conversationId, messages: stored.messages }, 'show');
  }

  /** Stops every run of the queue: its queries are abandoned, their timers and requests cancelled. */
  #abandonQueries(): void {
    this.queue.clear();
    this.scope.cancelAll();
  }

  #record(): StoredConversation {
    return { conversationId: this.state.conversationId, messages: [...this.state.messages], pending: this.queue.stored };
  }

  /** Stores the conversation (the agent's state changes go through here too). */
  persist(): void {
    if (!this.#destroyed) this.shared.persist(this.#record());
  }
}

/** A changed message counts one more revision, so the visitor's other tabs know their copy is older. */
const patched = (messages: readonly ChatMessage[], id: string, patch: Partial<ChatMessage>): ChatMessage[] =>
  messages.map((m) => (m.id === id ? { ...m, ...patch, rev: (m.rev ?? 0) + 1 } : m));
