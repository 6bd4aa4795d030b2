/**
 * `prefix` and 128 random bits in base 36, which QUERY_ID_PATTERN and CONVERSATION_ID_PATTERN accept.
 * Written here rather than imported from an id library: the first part, which every page loads, needs it.
 */
const randomId = (prefix: string): string =>
  prefix + Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('');

/** A query id, also sent as the `idempotency-key`: the same id is reused for every retry. */
export const newQueryId = (): string => randomId('q_');

/** The SDK's own conversation id; distinct from any `session_id` the host sets. */
export const newConversationId = (): string => randomId('c_');
