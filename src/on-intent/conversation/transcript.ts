import { checkParams } from '../../contract/params.js';
import { CONVERSATION_ID_PATTERN, QUERY_ID_PATTERN, QUERY_LIMITS } from '../../contract/protocol.js';
import type { QueryRequest } from '../../contract/schemas.js';
import { conversationKey, storedConversations } from '../../at-load/core/conversation-key.js';
import type { SafeStorage } from '../../at-load/core/storage.js';
import type { ChatMessage, MessageStatus } from '../../at-load/core/agent-state.js';

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
    readonly key: string,
  ) {}

  /**
   * The store for one identity of one agent (see `identityOf`). The transcripts other users of this
   * browser left for the agent are removed, so one person's conversation is never shown to the next.
   */
  static forIdentity(storage: SafeStorage, agentId: string, identity: string): TranscriptStore {
    const key = conversationKey(agentId, identity);
    for (const other of storedConversations(storage, agentId)) if (other !== key) storage.remove(other);
    return new TranscriptStore(storage, key);
  }

  /** The stored conversation, keeping only well-formed entries: storage is shared with other scripts. */
  load(): StoredConversation | undefined {
    try {
      return TranscriptStore.read(JSON.parse(this.storage.get(this.key) ?? 'null'));
    } catch {
      return undefined;
    }
  }

  /** A conversation as stored (or as another tab sent it), well-formed entries only; undefined when it is none. */
  static read(raw: unknown): StoredConversation | undefined {
    const value = raw as Partial<Record<keyof StoredConversation, unknown>> | null;
    if (typeof value?.conversationId !== 'string' || !Array.isArray(value.messages) || !Array.isArray(value.pending)) return undefined;
    return bounded({
      conversationId: value.conversationId,
      messages: value.messages.filter(isChatMessage).map(cleanMessage),
      pending: value.pending.map(asQueryRequest).filter((r) => r !== undefined),
    });
  }

  /** Stores the conversation (its last 50 messages); returns what was stored. */
  save(conversation: StoredConversation): StoredConversation {
    const stored = bounded(conversation);
    this.storage.set(this.key, JSON.stringify(stored));
    return stored;
  }

  clear(): void {
    this.storage.remove(this.key);
  }
}

/**
 * `stored` (what another tab may have written meanwhile) with what this tab knows better: newer copies of
 * messages, and the messages it added after the last one both have. Whether a query is still pending
 * follows the newer copy of its message (a query stopped in one tab does not come back from another's
 * copy), both copies' say when they are the same; and only while its answer is open.
 */
export function mergeConversations(stored: StoredConversation, mine: StoredConversation): StoredConversation {
  const ours = new Map(mine.messages.map((m) => [m.id, m]));
  const known = new Set(stored.messages.map((m) => m.id));
  /** Per query: whose copy of its message is newer (`mine`, `stored`), absent when they are the same. */
  const newer = new Map<string, StoredConversation>();
  const messages = stored.messages.map((m) => {
    const own = ours.get(m.id);
    const order = own ? (own.rev ?? 0) - (m.rev ?? 0) : -1;
    if (order) newer.set(m.id, order > 0 ? mine : stored);
    return order > 0 ? own! : m;
  });
  const added = mine.messages.slice(mine.messages.findLastIndex((m) => known.has(m.id)) + 1);
  for (const m of added) newer.set(m.id, mine);
  messages.push(...added);
  const open = new Set(messages.filter((m) => m.role === 'agent' && !SETTLED.has(m.status)).map((m) => m.queryId));
  const pendingIn = (side: StoredConversation, id: string) => side.pending.some((r) => r.query_id === id);
  const kept = (id: string) =>
    open.has(id) && (newer.has(id) ? pendingIn(newer.get(id)!, id) : pendingIn(stored, id) || pendingIn(mine, id));
  // The stored copies first and as they are, so tabs that agree write nothing more.
  const pending = [...stored.pending, ...mine.pending.filter((r) => !pendingIn(stored, r.query_id))];
  return { conversationId: stored.conversationId, messages, pending: pending.filter((r) => kept(r.query_id)) };
}

/**
 * At most the last 50 messages, and only the pending queries whose message is among them: a query
 * whose message is gone is never sent again behind the visitor's back.
 */
function bounded(conversation: StoredConversation): StoredConversation {
  const messages = conversation.messages.slice(-MAX_STORED_MESSAGES);
  const shown = new Set(messages.map((m) => m.queryId));
  return { ...conversation, messages, pending: conversation.pending.filter((r) => shown.has(r.query_id)) };
}

const STATUSES = new Set<unknown>(['sending', 'streaming', 'retrying', 'done', 'stopped', 'failed']);
/** An agent message in one of these has no query left to run. */
const SETTLED = new Set<MessageStatus>(['done', 'stopped', 'failed']);

/**
 * A stored message's optional fields, kept only when well-formed. Sources stay as stored: the widget
 * shows only those that pass the protocol's guard (storage is shared with every script of the origin).
 */
function cleanMessage({ at, sources, rating, progress: _transient, ...message }: ChatMessage): ChatMessage {
  return {
    ...message,
    ...(typeof at === 'number' ? { at } : {}),
    ...(Array.isArray(sources) && sources.length ? { sources } : {}),
    ...(rating === 'up' || rating === 'down' ? { rating } : {}),
  };
}

function isChatMessage(value: unknown): value is ChatMessage {
  const m = value as Partial<ChatMessage> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.id === 'string' &&
    typeof m.text === 'string' &&
    typeof m.queryId === 'string' &&
    (m.role === 'user' || m.role === 'agent' || m.role === 'notice') &&
    STATUSES.has(m.status) &&
    (m.rev === undefined || typeof m.rev === 'number')
  );
}

/**
 * A stored query is checked like a new one before it is resent: storage is shared with every script of
 * the origin, and nothing leaves the page that `send()` would have refused. Params come back as a clean copy.
 */
function asQueryRequest(value: unknown): QueryRequest | undefined {
  const r = value as Partial<QueryRequest> | null;
  if (typeof r !== 'object' || r === null) return undefined;
  const { query_id, conversation_id, input, context } = r;
  if (typeof query_id !== 'string' || !QUERY_ID_PATTERN.test(query_id)) return undefined;
  if (typeof conversation_id !== 'string' || !CONVERSATION_ID_PATTERN.test(conversation_id)) return undefined;
  if (typeof input !== 'string' || !/\S/.test(input) || input.length > QUERY_LIMITS.maxInputLength) return undefined;
  const params = checkParams(r.params);
  if (!params.ok) return undefined;
  const request: QueryRequest = { query_id, conversation_id, input, params: params.params };
  if (typeof context === 'object' && context !== null) request.context = context;
  return request;
}
