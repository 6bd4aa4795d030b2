import type { AicadoError } from '../../contract/errors.js';
import type { Params } from '../../contract/params.js';
import type { Rating } from '../../contract/protocol.js';
import type { QueryAnswer } from './agent-state.js';

/** What the agent asks of its conversation, which loads on intent (src/on-intent/conversation/). */
export interface Conversation {
  send(input: string, params: Params, signedParams: string | undefined, queryId?: string): Promise<QueryAnswer>;
  stop(): void;
  rate(queryId: string, rating: Rating): Promise<void>;
  retry(queryId: string): Promise<QueryAnswer>;
  resendRefusedTokens(): void;
  /** Moves to a new conversation of another user; `conversationId` when another tab made the switch. */
  switchUser(params: Params, signedParams: string | undefined, conversationId?: string): void;
  reset(): void;
  resumePending(): void;
  persist(): void;
  destroy(): void;
}

/** A call that needs the conversation, made before its code had loaded: it runs once it has, or fails with the agent. */
export interface WaitingCall {
  run(conversation: Conversation): void;
  fail?(error: AicadoError): void;
  /** The stored message a waiting `send` sends. */
  queryId?: string;
}

/** The calls waiting for the conversation, in the order they were made. */
export class WaitingCalls {
  #calls: WaitingCall[] = [];

  get length(): number {
    return this.#calls.length;
  }

  add(call: WaitingCall): void {
    this.#calls.push(call);
  }

  queryIds(): Set<string | undefined> {
    return new Set(this.#calls.map((call) => call.queryId));
  }

  /** Runs them all, in order, on the conversation that has loaded; one that throws does not stop the others. */
  runAll(conversation: Conversation): void {
    for (const call of this.#calls.splice(0)) {
      try {
        call.run(conversation);
      } catch (error) {
        console.error('[aicado]', error);
      }
    }
  }

  /** Fails the calls that answer (`send`, `rate`) with `error`, telling `report` of each; drops the others. */
  abandon(error: AicadoError, report?: (error: AicadoError) => void): void {
    for (const { fail } of this.#calls.splice(0)) {
      if (!fail) continue;
      fail(error);
      report?.(error);
    }
  }
}
