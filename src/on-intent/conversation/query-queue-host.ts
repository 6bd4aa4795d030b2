import type { AicadoError } from '../../contract/errors.js';
import type { QueryAction } from '../../contract/protocol.js';
import type { QueryAnswer } from '../../at-load/core/agent-state.js';
import type { AttemptOptions } from './attempt.js';
import type { CancellationScope } from './cancellation-scope.js';

// What a conversation's query queue (query-queue.ts) asks of the one that runs it (queue-host.ts), and of the network.

/** One try at a query, and a visitor's action on an answer (stop, feedback), which resolves with the answer the API replied with, if any. */
export interface QueryTransport {
  attemptQuery(options: AttemptOptions): Promise<QueryAnswer>;
  postQueryAction(apiBase: string, agentId: string, queryId: string, action: QueryAction, body: object): Promise<QueryAnswer | undefined>;
}

/** What the queue needs from its agent: where to send, when it may, and whom to tell. */
export interface QueryQueueHost {
  readonly apiBase: string;
  readonly agentId: string;
  readonly scope: CancellationScope;
  readonly transport: QueryTransport;
  /** Resolves when the browser is online (at once, or on `cancelAll`). */
  online(): Promise<void>;
  /** The signed-params token in force now. */
  token(): string | undefined;
  /** Set when the API refused this page for good (its origin): queries then fail without a request. */
  refusal(): AicadoError | undefined;
  onAttempt(queryId: string, attempt: number): void;
  onDelta(queryId: string, text: string): void;
  onStatus(queryId: string, text: string): void;
  onRetrying(queryId: string): void;
  onAnswer(queryId: string, answer: QueryAnswer): void;
  onFailure(queryId: string, error: AicadoError): void;
  /** The API ended the query's conversation (409 `conversation_ended`): the id of the conversation to send it in now. */
  conversationEnded(queryId: string, conversationId: string): string;
  /** The stored part of the queue changed. */
  onChange(): void;
  /**
   * Runs `task` in one tab at a time for this query (undefined: it was abandoned while waiting). `resumed`
   * (see below): other tabs may know of the query and ask for it at the same moment.
   */
  exclusive<T>(queryId: string, task: () => Promise<T>, abandoned: () => boolean, resumed: boolean): Promise<T | undefined>;
  /**
   * How the query ended in another tab (its answer, or its error), or undefined while it is still to be
   * run. `resumed`: this tab did not send the query itself now (a resume after a reload, or one taken
   * over from another tab), so a query that another tab no longer has pending is over.
   */
  settledElsewhere(queryId: string, resumed: boolean): QueryAnswer | AicadoError | undefined;
}
