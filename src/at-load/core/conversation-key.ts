import type { SafeStorage } from './storage.js';

/** The start of every name one agent uses in storage, and for its tabs' channel and query locks. */
export const agentKeyPrefix = (agentId: string): string => `aicado:v1:${agentId}:`;

/** Where the conversation of one identity (see `identityOf`) with one agent is stored. */
export const conversationKey = (agentId: string, identity: string): string =>
  `${agentKeyPrefix(agentId)}${identity === 'anonymous' ? '' : `${identity}:`}conversation`;

/** The keys of the conversations stored for the agent, one per identity. */
export const storedConversations = (storage: SafeStorage, agentId: string): string[] =>
  storage.keys().filter((key) => key.startsWith(agentKeyPrefix(agentId)) && key.endsWith(':conversation'));

/**
 * Whether a conversation the agent stored holds queries that were not answered: the first part asks at
 * load, so that a resumed query loads the code that sends it at once. A glance, not a read: the
 * transcript's own reader (transcript.ts, in the lazy part) checks every entry, and keeps only the
 * conversation of the user the page speaks for.
 */
export function hasPendingQueries(storage: SafeStorage, agentId: string): boolean {
  return storedConversations(storage, agentId).some((key) => {
    try {
      const pending: unknown = JSON.parse(storage.get(key) ?? 'null')?.pending;
      return Array.isArray(pending) && pending.length > 0;
    } catch {
      return false;
    }
  });
}
