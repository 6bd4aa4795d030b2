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

/** Produces an answer, reporting each piece through `output`; resolves with the whole output. */
export interface ChatModel {
  readonly name: string;
  generate(request: ModelRequest, output: ModelOutput, signal: AbortSignal): Promise<string>;
}
