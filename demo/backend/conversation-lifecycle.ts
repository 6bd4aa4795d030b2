import type { ClientEndReason } from '../../src/contract/protocol.js';
import type { BackendStore } from './store.js';
import { type ConversationRef, conversationDeliveryOf, endedEventFor, handoffEventFor } from './webhook-events.js';

export interface ConversationLifecycleOptions {
  store: BackendStore;
  /** Told when rows were committed, so they go out now rather than at the next poll. */
  wakeOutbox: () => void;
  /** Time without a query after which a conversation ends (`--conversation-idle-minutes`). */
  idleMs: number;
  log: (message: string) => void;
}

/** Longest wait between two looks for idle conversations, whatever the idle time. */
const MAX_CHECK_INTERVAL_MS = 60_000;
/** Shortest wait, so a conversation that cannot be ended is not looked at in a busy loop. */
const MIN_CHECK_INTERVAL_MS = 10;
/** Idle conversations ended per look; a backlog (after a long stop) is ended in several. */
const IDLE_BATCH = 100;

/**
 * Ends conversations: when the SDK leaves one (`end`), when the visitor asks for a person (`handoff`), and
 * when no query came for the idle time (a timer, and once at start, so one whose idle time passed while
 * the backend was down ends right after it starts). Each end commits `conversation.ended` once, through
 * the store's conditional update, whichever of them comes first.
 */
export class ConversationLifecycle {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly options: ConversationLifecycleOptions) {}

  /**
   * Ends an open conversation because the SDK left it. Returns false when there was nothing to end: it had
   * ended already, or it never had a query (nothing to tell the owner).
   */
  end(conversation: ConversationRef, reason: ClientEndReason): boolean {
    const now = Date.now();
    const result = this.options.store.conversations.end(conversation.agentId, conversation.conversationId, reason, now, (ending) => [
      conversationDeliveryOf(endedEventFor(conversation, ending, reason, now, now)),
    ]);
    if (result !== 'ended') return false;
    this.options.wakeOutbox();
    return true;
  }

  /**
   * Sends `handoff.requested` once per conversation, and then ends it (`reason: 'handoff'`) when it was
   * open. A conversation with no query yet is handed off too (empty transcript, params `{}`): the visitor
   * asked for a person, the owner must hear it. Returns false when it was handed off already.
   */
  handoff(conversation: ConversationRef, reason: string | undefined): boolean {
    const now = Date.now();
    const sent = this.options.store.conversations.handoff(conversation.agentId, conversation.conversationId, now, (ending, found) => [
      conversationDeliveryOf(handoffEventFor(conversation, ending, reason, now)),
      ...(found === 'open' ? [conversationDeliveryOf(endedEventFor(conversation, ending, 'handoff', now, now))] : []),
    ]);
    if (sent) this.options.wakeOutbox();
    return sent;
  }

  /** Ends the conversations whose idle time passed (while the backend was down, too), then watches. */
  start(): void {
    this.check();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** Ends conversations idle at this moment, then sleeps until the next can be, a minute at most. */
  private check(): void {
    if (this.closed) return;
    const { store, idleMs, log } = this.options;
    let wait = Math.min(idleMs, MAX_CHECK_INTERVAL_MS);
    try {
      this.endIdle(Date.now());
      const oldest = store.conversations.oldestOpenQueryAt();
      if (oldest !== undefined) wait = Math.min(wait, oldest + idleMs - Date.now());
    } catch (error) {
      // A timer callback must not throw: that would end the process. Try again at the next look.
      log(`conversations: ending idle ones failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.timer = setTimeout(() => this.check(), Math.max(MIN_CHECK_INTERVAL_MS, wait));
    this.timer.unref?.();
  }

  /**
   * Ends one batch of the conversations idle at `now`. A full batch leaves more idle ones, so the next
   * look comes at once (after the requests waiting meanwhile): a backlog after a long stop is ended in steps.
   */
  private endIdle(now: number): void {
    const { store, idleMs } = this.options;
    const since = now - idleMs;
    let ended = 0;
    for (const row of store.conversations.idleSince(since, IDLE_BATCH)) {
      const conversation = { agentId: row.agent_id, conversationId: row.conversation_id };
      // It ended when its idle time ran out, also when the backend notices later (after a restart).
      const endedAt = row.last_query_at + idleMs;
      const result = store.conversations.end(
        row.agent_id,
        row.conversation_id,
        'idle',
        endedAt,
        (ending) => [conversationDeliveryOf(endedEventFor(conversation, ending, 'idle', endedAt, now))],
        since,
      );
      if (result === 'ended') ended++;
    }
    if (ended) this.options.wakeOutbox();
  }
}
