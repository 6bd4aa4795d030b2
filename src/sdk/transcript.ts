import type { QueryRequest } from '../contract/protocol.js';
import type { SafeStorage } from './storage.js';

export type MessageStatus = 'sending' | 'streaming' | 'retrying' | 'done' | 'failed';

export interface ChatMessage {
  id: string;
  role: 'user' | 'agent';
  text: string;
  queryId: string;
  status: MessageStatus;
  error?: string | undefined;
  /** The error's code, e.g. `invalid_signed_params` when the host must supply a fresh token. */
  errorCode?: string | undefined;
}

/** What survives a reload: the conversation, its last messages, and queries not yet answered. */
export interface StoredConversation {
  conversationId: string;
  messages: ChatMessage[];
  pending: QueryRequest[];
}

export const MAX_STORED_MESSAGES = 50;

/** Reads and writes one agent's conversation in storage; corrupt data is treated as absent. */
export class TranscriptStore {
  constructor(
    private readonly storage: SafeStorage,
    private readonly key: string,
  ) {}

  /**
   * The store for one identity of one agent (see `identityOf`). The transcripts other users of this
   * browser left for the agent are removed, so one person's conversation is never shown to the next.
   */
  static forIdentity(storage: SafeStorage, agentId: string, identity: string): TranscriptStore {
    const prefix = `aicado:v1:${agentId}:`;
    const key = identity === 'anonymous' ? `${prefix}conversation` : `${prefix}${identity}:conversation`;
    for (const other of storage.keys()) {
      if (other.startsWith(prefix) && other.endsWith(':conversation') && other !== key) storage.remove(other);
    }
    return new TranscriptStore(storage, key);
  }

  load(): StoredConversation | undefined {
    const raw = this.storage.get(this.key);
    if (!raw) return undefined;
    try {
      const value = JSON.parse(raw) as Partial<StoredConversation>;
      if (typeof value.conversationId !== 'string' || !Array.isArray(value.messages) || !Array.isArray(value.pending)) return undefined;
      // Never more than we would have stored, whatever an older version or another script left there.
      return { ...(value as StoredConversation), messages: value.messages.slice(-MAX_STORED_MESSAGES) };
    } catch {
      return undefined;
    }
  }

  save(conversation: StoredConversation): void {
    const messages = conversation.messages.slice(-MAX_STORED_MESSAGES);
    this.storage.set(this.key, JSON.stringify({ ...conversation, messages }));
  }

  clear(): void {
    this.storage.remove(this.key);
  }
}
