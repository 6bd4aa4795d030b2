import type { Params } from '../../contract/params.js';
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

/** A message sent before the conversation's code had come: the query id it is sent with, its text, the params in force then. */
export type EarlyMessage = [queryId: string, input: string, params: Params];

const earlyKey = (agentId: string): string => `${agentKeyPrefix(agentId)}early`;

/**
 * The messages kept for the conversation to send once its code has come: in storage at once, so a
 * reload loses none. The conversation checks each as it sends it (storage is shared with the page).
 */
export function earlyMessages(storage: SafeStorage, agentId: string): EarlyMessage[] {
  try {
    // Anything but an array throws here (no filter); entries that are not arrays cannot even be taken apart.
    // The conversation checks the rest as it sends them.
    return (JSON.parse(storage.get(earlyKey(agentId)) ?? '[]') as unknown[]).filter(Array.isArray) as EarlyMessage[];
  } catch {
    return [];
  }
}

export function storeEarlyMessages(storage: SafeStorage, agentId: string, messages: EarlyMessage[]): void {
  if (messages.length) storage.set(earlyKey(agentId), JSON.stringify(messages));
  else storage.remove(earlyKey(agentId));
}
