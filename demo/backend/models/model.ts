import type { Params } from '../../../src/contract/params.js';
import type { QueryContext } from '../../../src/contract/protocol.js';

/** What a model sees of a query. */
export interface ModelRequest {
  agentId: string;
  input: string;
  params: Params;
  verifiedParams?: Params | undefined;
  context: QueryContext;
}

/** Produces an answer, reporting each piece through `onDelta`; resolves with the whole output. */
export interface ChatModel {
  readonly name: string;
  generate(request: ModelRequest, onDelta: (text: string) => void, signal: AbortSignal): Promise<string>;
}
