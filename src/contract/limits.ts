// Kept apart from the zod schemas so the browser bundle can import the limits without the parser.

/** Limits of the query API, shared by the SDK (composer) and the backend. */
export const QUERY_LIMITS = Object.freeze({ maxInputLength: 4000, maxBodyBytes: 64 * 1024 });

export const QUERY_ID_PATTERN = /^q_[A-Za-z0-9_-]{8,64}$/;
export const CONVERSATION_ID_PATTERN = /^c_[A-Za-z0-9_-]{8,64}$/;

/** Agent ids, in URLs and options. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The error code for a signed-params token that is invalid, expired or forged (HTTP 401). */
export const INVALID_SIGNED_PARAMS = 'invalid_signed_params';
