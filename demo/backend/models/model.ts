import type { Params } from '../../../src/contract/params.js';
import type { QueryContext } from '../../../src/contract/schemas.js';

/** What a model sees of a query. */
export interface ModelRequest {
  agentId: string;
  input: string;
  params: Params;
  verifiedParams?: Params | undefined;
  context: QueryContext;
}

/** Where a model reports progress: pieces of the answer, and what it is doing meanwhile. */
export interface ModelOutput {
  delta(text: string): void;
  /** Plain text of at most STATUS_TEXT_MAX_LENGTH characters, shown until the next delta. */
  status(text: string): void;
}

/** A whole answer, and the documents it cites (the backend drops invalid ones). */
export interface ModelAnswer {
  output: string;
  sources?: readonly unknown[];
}

/**
 * Produces an answer, reporting each piece through `output`; resolves with the whole answer. `signal`
 * aborts when the visitor stops the answer or the backend shuts down: the model then stops working.
 */
export interface ChatModel {
  readonly name: string;
  generate(request: ModelRequest, output: ModelOutput, signal: AbortSignal): Promise<ModelAnswer>;
}
