// Kept apart from the zod schemas so the browser bundle can import the limits without the parser.

/** Limits of the query API, shared by the SDK (composer) and the backend. */
export const QUERY_LIMITS = Object.freeze({ maxInputLength: 4000, maxBodyBytes: 64 * 1024 });

export const QUERY_ID_PATTERN = /^q_[A-Za-z0-9_-]{8,64}$/;
export const CONVERSATION_ID_PATTERN = /^c_[A-Za-z0-9_-]{8,64}$/;

/** Agent ids, in URLs and options. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The error code for a signed-params token that is invalid, expired or forged (HTTP 401). */
export const INVALID_SIGNED_PARAMS = 'invalid_signed_params';

/** A disallowed browser origin (HTTP 403); final, the SDK does not retry it. */
export const ORIGIN_NOT_ALLOWED = 'origin_not_allowed';

/** A request body over its limit (HTTP 413). */
export const BODY_TOO_LARGE = 'body_too_large';

/** A missing or wrong bearer token on an operator endpoint such as `GET /v1/deliveries` (HTTP 401). */
export const UNAUTHORIZED = 'unauthorized';

/** The operator's view of the webhook outbox: bearer token = the webhook secret, paged with `?cursor=&limit=`. */
export const DELIVERIES_PATH = '/v1/deliveries';
export const DELIVERIES_PAGE = Object.freeze({ defaultLimit: 100, maxLimit: 1000 });

/** Names of the Server-Sent Events of a query stream. */
export const SSE_EVENTS = Object.freeze({ delta: 'delta', status: 'status', done: 'done', error: 'error' } as const);

/** Longest `status` text (plain text: what the agent is doing before or between deltas). */
export const STATUS_TEXT_MAX_LENGTH = 120;

/**
 * Signed-params tokens: a longer token is refused as `invalid_signed_params` (401), and so is one whose
 * lifetime (`exp - iat`) is longer than the cap, unless the verifier configures another cap.
 */
export const SIGNED_PARAMS_LIMITS = Object.freeze({ maxTokenBytes: 16 * 1024, maxLifetimeSeconds: 24 * 60 * 60 });
