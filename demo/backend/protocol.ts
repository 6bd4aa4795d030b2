import { HEADERS, type SSE_EVENTS } from '../../src/contract/protocol.js';

// The names of the protocol that only a server uses: the routes the backend matches, its operator
// endpoints, and the headers and comment lines it writes. The SDK never reads them, so they stay out of
// the shared contract; the paths the SDK builds are in `src/contract/protocol.ts`, and the patterns below
// match them (the backend tests call the SDK's builders against these routes).

/** Matches `agentPath`; group 1 is the (encoded) agent id. */
export const AGENT_PATH_PATTERN = /^\/v1\/agents\/([^/]+)\/?$/;
/** Matches `queriesPath`; group 1 is the (encoded) agent id. */
export const QUERIES_PATH_PATTERN = /^\/v1\/agents\/([^/]+)\/queries\/?$/;
/** Matches `queryActionPath`; groups: the (encoded) agent id, the query id, the action. */
export const QUERY_ACTION_PATH_PATTERN = /^\/v1\/agents\/([^/]+)\/queries\/([^/]+)\/(stop|feedback)\/?$/;
/** Matches `conversationActionPath`; groups: the (encoded) agent id, the conversation id, the action. */
export const CONVERSATION_ACTION_PATH_PATTERN = /^\/v1\/agents\/([^/]+)\/conversations\/([^/]+)\/(end|handoff)\/?$/;
/** Largest body of an end or a hand-off: a 500-character reason in any script, escaped, fits. */
export const CONVERSATION_ACTION_MAX_BODY_BYTES = 4096;
/** Webhook deliveries, for operators (`authorization: Bearer <webhook secret>`). */
export const DELIVERIES_PATH = '/v1/deliveries';
export const DELIVERIES_PAGE = Object.freeze({ defaultLimit: 100, maxLimit: 1000 });
export const HEALTH_PATH = '/healthz';

/**
 * Caching of the public definition: it carries an `etag` and is revalidated (`if-none-match`, 304) on
 * every use, which the browser's HTTP cache does by itself.
 */
export const DEFINITION_CACHING = Object.freeze({
  etagHeader: 'etag',
  ifNoneMatchHeader: 'if-none-match',
  cacheControl: 'no-cache',
});
/** The headers a browser sends cross-origin with a query (CORS allow-list). */
export const QUERY_REQUEST_HEADERS = ['content-type', 'accept', HEADERS.idempotencyKey] as const;

export type SseEventName = (typeof SSE_EVENTS)[keyof typeof SSE_EVENTS];
/** A comment line sent while a model is silent; any byte is progress to the client. */
export const SSE_HEARTBEAT = ': keep-alive\n\n';
