import type { Params } from '../../contract/params.js';
import { agentKeyPrefix } from '../../at-load/core/conversation-key.js';
import type { StoredConversation } from './transcript.js';

/** What one tab tells the others of the same agent. */
export type TabMessage =
  /**
   * The conversation stored under `key`, as just stored. Sent along rather than read back: a message can
   * reach another tab before the storage write does. `fresh`: a new conversation (reset), to follow.
   */
  | { type: 'state'; key: string; conversation: StoredConversation; fresh?: true }
  /** The visitor switched user (identify or logout): follow, into this new conversation. */
  | { type: 'identity'; params: Params; signedParams?: string | undefined; conversationId: string };

export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

/**
 * Messages between the tabs of one agent in this browser: a BroadcastChannel, or where there is none,
 * `storage` events on a signal key. No message reaches the tab that posted it.
 */
export function openTabChannel(agentId: string, onMessage: (message: TabMessage) => void): TabChannel {
  const name = `${agentKeyPrefix(agentId)}tabs`;
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(name);
    channel.onmessage = (event: MessageEvent<TabMessage>) => onMessage(event.data);
    return { post: (message) => channel.postMessage(message), close: () => channel.close() };
  }
  const onStorage = (event: StorageEvent) => {
    if (event.key !== name || !event.newValue) return;
    try {
      onMessage(JSON.parse(event.newValue) as TabMessage);
    } catch {
      /* not ours */
    }
  };
  window.addEventListener('storage', onStorage);
  return {
    post(message) {
      // The signed-params token never goes into storage, not even for a moment: the other tabs follow
      // the switch of user with the params, and the host gives them a token again.
      const { signedParams: _token, ...sent } = message as TabMessage & { signedParams?: string };
      try {
        // A nonce makes every message a change, which is what fires `storage` in the other tabs.
        localStorage.setItem(name, JSON.stringify({ ...sent, nonce: Math.random() }));
        localStorage.removeItem(name);
      } catch {
        /* storage refused: this tab is on its own */
      }
    },
    close: () => window.removeEventListener('storage', onStorage),
  };
}
