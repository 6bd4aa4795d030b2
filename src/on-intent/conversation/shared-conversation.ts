import { AicadoError } from '../../contract/errors.js';
import { checkParams, type Params } from '../../contract/params.js';
import type { ChatMessage, QueryAnswer } from '../../at-load/core/agent-state.js';
import { agentKeyPrefix } from '../../at-load/core/conversation-key.js';
import type { SafeStorage } from '../../at-load/core/storage.js';
import { openTabChannel, type TabChannel, type TabMessage } from './tab-channel.js';
import { type ExclusiveOptions, exclusive } from './tab-lock.js';
import { TranscriptStore, mergeConversations, type StoredConversation } from './transcript.js';

/** What the agent does when another tab changed the conversation. */
export interface SharedConversationHost {
  /** This tab's conversation as it would store it now. */
  record(): StoredConversation;
  /** Another tab switched user (identify, logout) into this new conversation. */
  switchUser(params: Params, signedParams: string | undefined, conversationId: string): void;
  /** Another tab started another conversation (reset): this tab moves to it. */
  follow(conversation: StoredConversation): void;
  /** Another tab changed this conversation: here it is, merged with what this tab knew. */
  update(conversation: StoredConversation): void;
}

/**
 * One agent's stored conversation, shared with the visitor's other tabs of the site when it lives in
 * localStorage (the one store they share): every change is stored over what another tab may have stored
 * meanwhile and sent to the other tabs, and the queries run in one tab at a time. With `memory` or
 * `session` storage (sessionStorage is per tab) each tab keeps its conversation to itself.
 */
export class SharedConversation {
  #transcript: TranscriptStore;
  readonly #tabs: TabChannel | undefined;
  /** The latest conversation another tab sent. */
  #heard: StoredConversation | undefined;

  constructor(
    private readonly storage: SafeStorage,
    private readonly agentId: string,
    identity: string,
    shared: boolean,
    private readonly host: SharedConversationHost,
  ) {
    this.#transcript = TranscriptStore.forIdentity(storage, agentId, identity);
    this.#tabs = shared ? openTabChannel(agentId, (message) => this.#receive(message)) : undefined;
  }

  load(): StoredConversation | undefined {
    return this.#transcript.load();
  }

  /**
   * Removes the stored conversation of this identity and moves to another's; `tell`s the visitor's other
   * tabs of the new user and conversation when the switch was made here.
   */
  switchUser(identity: string, tell?: { params: Params; signedParams: string | undefined; conversationId: string }): void {
    this.#transcript.clear();
    this.#transcript = TranscriptStore.forIdentity(this.storage, this.agentId, identity);
    if (tell) this.#tabs?.post({ type: 'identity', ...tell });
  }

  clear(): void {
    this.#transcript.clear();
  }

  /** Stores the conversation, over what another tab may have stored meanwhile, and tells the other tabs. */
  persist(mine: StoredConversation): void {
    const stored = this.#tabs && this.#transcript.load();
    this.save(stored && stored.conversationId === mine.conversationId ? mergeConversations(stored, mine) : mine);
  }

  /** Stores the conversation as it is; `fresh` tells the other tabs that it is a new one to follow. */
  save(conversation: StoredConversation, fresh?: true): void {
    const stored = this.#transcript.save(conversation);
    this.#tabs?.post({ type: 'state', key: this.#transcript.key, conversation: stored, ...(fresh && { fresh }) });
  }

  /** Runs a query's attempts in one tab at a time (in this tab only when the conversation is not shared). */
  exclusive<T>(queryId: string, task: () => Promise<T>, options: Omit<ExclusiveOptions, 'storage'>): Promise<T | undefined> {
    if (!this.#tabs) return task();
    return exclusive(`${agentKeyPrefix(this.agentId)}query:${queryId}`, task, { ...options, storage: this.storage });
  }

  /** See `QueryQueueHost.settledElsewhere`; judged on the freshest copy, from storage or from the last tab that spoke. */
  settledElsewhere(queryId: string, resumed: boolean): QueryAnswer | AicadoError | undefined {
    if (!this.#tabs) return undefined;
    let stored: StoredConversation | undefined;
    let message: ChatMessage | undefined;
    for (const record of [this.#transcript.load(), this.#heard]) {
      const copy = record?.messages.find((m) => m.id === queryId);
      if (copy && (!message || (copy.rev ?? 0) > (message.rev ?? 0))) [stored, message] = [record, copy];
    }
    if (!stored || !message) return undefined;
    if (message.status === 'done' || message.status === 'stopped') {
      return { queryId, output: message.text, status: message.status === 'done' ? 'completed' : 'stopped', sources: message.sources ?? [] };
    }
    const over = message.status === 'failed' || !stored.pending.some((r) => r.query_id === queryId);
    return resumed && over ? new AicadoError('aborted', 'The query ended in another tab') : undefined;
  }

  close(): void {
    this.#tabs?.close();
  }

  #receive(message: TabMessage): void {
    if (message.type === 'identity') {
      const params = checkParams(message.params);
      if (params.ok) this.host.switchUser(params.params, message.signedParams, message.conversationId);
      return;
    }
    const stored = message.key === this.#transcript.key ? TranscriptStore.read(message.conversation) : undefined;
    if (!stored) return;
    this.#heard = stored;
    const mine = this.host.record();
    if (stored.conversationId !== mine.conversationId) {
      // A reset in another tab, or a conversation that tab started while this one had none yet. Two
      // conversations started at once in two tabs: the latest to speak wins.
      if (message.fresh || stored.messages.length) this.host.follow(stored);
      return;
    }
    const merged = mergeConversations(stored, mine);
    // This tab knew better (its write crossed another tab's): store the merge, so every tab converges on it.
    if (JSON.stringify(merged) !== JSON.stringify(stored)) this.save(merged);
    this.host.update(merged);
  }
}
