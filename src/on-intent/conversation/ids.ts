import { nanoid } from 'nanoid';

/** A query id, also sent as the `idempotency-key`: the same id is reused for every retry. */
export const newQueryId = (): string => `q_${nanoid()}`;

/** The SDK's own conversation id; distinct from any `session_id` the host sets. */
export const newConversationId = (): string => `c_${nanoid()}`;
