// Kept apart from the zod schemas so the browser bundle can import the limits without the parser.

/** Limits of the query API, shared by the SDK (composer) and the backend. */
export const QUERY_LIMITS = Object.freeze({ maxInputLength: 4000, maxBodyBytes: 64 * 1024 });

export const QUERY_ID_PATTERN = /^q_[A-Za-z0-9_-]{8,64}$/;
export const CONVERSATION_ID_PATTERN = /^c_[A-Za-z0-9_-]{8,64}$/;
