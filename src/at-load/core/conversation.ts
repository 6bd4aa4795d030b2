import type { Params } from '../../contract/params.js';
import type { Rating } from '../../contract/protocol.js';
import type { QueryAnswer } from './agent-state.js';

/** What the agent asks of its conversation, which loads on intent (src/on-intent/conversation/). */
export interface Conversation {
  /** `queryId`: the id a message sent before the conversation had loaded was stored with. */
  send(input: string, params: Params, signedParams: string | undefined, queryId?: string): Promise<QueryAnswer>;
  stop(): void;
  rate(queryId: string, rating: Rating): Promise<void>;
  retry(queryId: string): Promise<QueryAnswer>;
  resendRefusedTokens(): void;
  /** Moves to a new conversation of another user; `conversationId` when another tab made the switch. */
  switchUser(params: Params, signedParams: string | undefined, conversationId?: string): void;
  reset(): void;
  requestHandoff(reason?: string): Promise<void>;
  resumePending(): void;
  persist(): void;
  destroy(): void;
}
