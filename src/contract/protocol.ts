// The names of the wire protocol between the SDK, the Aicado API and the site owner's webhook receiver:
// paths, headers, event names, limits and error codes. The shapes of bodies and events are the zod
// schemas in `schemas.ts` and `webhook-events.ts`. This file imports nothing, so the browser bundle takes names from it freely.

/** Path of an agent's public definition: `GET {apiBase}/v1/agents/{agentId}` (name and declared params). */
export const agentPath = (agentId: string): string => `/v1/agents/${encodeURIComponent(agentId)}`;
/** Path of the query endpoint: `POST {apiBase}/v1/agents/{agentId}/queries`. */
export const queriesPath = (agentId: string): string => `${agentPath(agentId)}/queries`;
/** What a visitor does with one answer: stop it while it streams, or rate it. */
export const QUERY_ACTIONS = /* @__PURE__ */ Object.freeze({ stop: 'stop', feedback: 'feedback' } as const);
export type QueryAction = (typeof QUERY_ACTIONS)[keyof typeof QUERY_ACTIONS];
/** `POST {apiBase}/v1/agents/{agentId}/queries/{query_id}/{stop | feedback}`. */
export const queryActionPath = (agentId: string, queryId: string, action: QueryAction): string =>
  `${queriesPath(agentId)}/${encodeURIComponent(queryId)}/${action}`;

/** What the SDK or the visitor does with a whole conversation: end it (it leaves), or ask for a person. */
export const CONVERSATION_ACTIONS = /* @__PURE__ */ Object.freeze({ end: 'end', handoff: 'handoff' } as const);
export type ConversationAction = (typeof CONVERSATION_ACTIONS)[keyof typeof CONVERSATION_ACTIONS];
/** `POST {apiBase}/v1/agents/{agentId}/conversations/{conversation_id}/{end | handoff}`. */
export const conversationActionPath = (agentId: string, conversationId: string, action: ConversationAction): string =>
  `${agentPath(agentId)}/conversations/${encodeURIComponent(conversationId)}/${action}`;

/** Why a conversation ended: idle time passed, the SDK left it (`reset`, a switch of user), or the visitor asked for a person. */
export const END_REASONS = ['idle', 'reset', 'user_switched', 'handoff'] as const;
export type EndReason = (typeof END_REASONS)[number];
/** The reasons the SDK may give in `POST …/end` (idle and handoff are the backend's to decide). */
export const CLIENT_END_REASONS = ['reset', 'user_switched'] as const;
export type ClientEndReason = (typeof CLIENT_END_REASONS)[number];

/** Longest reason a hand-off may give (`requestHandoff(reason)`). */
export const HANDOFF_REASON_MAX_LENGTH = 500;

/** Bounds of the conversation lifecycle: the body of `conversation.ended` / `handoff.requested`, and the idle time. */
export const CONVERSATION_LIMITS = /* @__PURE__ */ Object.freeze({
  /** A webhook carrying a transcript stays this small: turns beyond it are left out from the middle (`truncated: true`). */
  maxTranscriptEventBytes: 256 * 1024,
  /** Default minutes without a query after which the backend ends a conversation (`--conversation-idle-minutes`). */
  defaultIdleMinutes: 30,
});

/** How a declared param is asked in the pre-chat form (`ask.input`); the default follows the type (and `enum`). */
export const ASK_INPUTS = ['text', 'email', 'tel', 'url', 'number', 'select', 'checkbox'] as const;
export type AskInput = (typeof ASK_INPUTS)[number];
/** Bounds of the form's texts in a definition. */
export const FORM_LIMITS = /* @__PURE__ */ Object.freeze({
  maxLabelLength: 100,
  maxPlaceholderLength: 100,
  maxConsentTextLength: 1000,
  maxConsentVersionLength: 64,
});

/** Request and response headers of the query API, lower case as Node reads them. */
export const HEADERS = /* @__PURE__ */ Object.freeze({ idempotencyKey: 'idempotency-key', retryAfter: 'retry-after' });
/** Standard Webhooks headers of every webhook request. */
export const WEBHOOK_HEADERS = /* @__PURE__ */ Object.freeze({
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
});

export const JSON_TYPE = 'application/json';
export const EVENT_STREAM_TYPE = 'text/event-stream';
/** The SDK's `accept`: a stream, or a JSON answer from servers that cannot stream. */
export const QUERY_ACCEPT = `${EVENT_STREAM_TYPE}, ${JSON_TYPE};q=0.9`;

/** Server-Sent Events of a query stream: zero or more `delta` or `status`, then `done` or `error`. */
export const SSE_EVENTS = /* @__PURE__ */ Object.freeze({ delta: 'delta', status: 'status', done: 'done', error: 'error' } as const);

export const QUERY_LIMITS = /* @__PURE__ */ Object.freeze({
  maxInputLength: 4000,
  maxBodyBytes: 64 * 1024,
  /** A stop or feedback body: a conversation id and a rating. */
  maxActionBodyBytes: 1024,
  maxUrlLength: 2048,
  maxLocaleLength: 35,
  maxSdkLength: 64,
});

/** Longest `status` text (plain text: what the agent is doing before or between deltas). */
export const STATUS_TEXT_MAX_LENGTH = 120;

/** Sources an answer may cite (`done.sources`, `data.sources`): the first valid ones are kept, the rest dropped. */
export const SOURCES_LIMITS = /* @__PURE__ */ Object.freeze({ maxSources: 8, maxTitleLength: 200, maxUrlLength: 2048 });
/** How an answer ended: in full, or cut short by the visitor (`output` is then the partial text shown). */
export const ANSWER_STATUSES = ['completed', 'stopped'] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];
/** A visitor's rating of an answer; `null` takes the rating back. */
export const RATINGS = ['up', 'down'] as const;
export type Rating = (typeof RATINGS)[number] | null;

/**
 * Signed-params tokens: a longer token is refused as `invalid_signed_params` (401), and so is one whose
 * lifetime (`exp - iat`) is longer than the cap, unless the verifier configures another cap.
 */
export const SIGNED_PARAMS_LIMITS = /* @__PURE__ */ Object.freeze({ maxTokenBytes: 16 * 1024, maxLifetimeSeconds: 24 * 60 * 60 });

/** The value types a param can be declared with in an agent's definition. */
export const DECLARED_PARAM_TYPES = ['string', 'number', 'boolean'] as const;
export type DeclaredParamType = (typeof DECLARED_PARAM_TYPES)[number];

/** Bounds of an agent definition (the declared names follow the params rules and their count limit). */
export const DEFINITION_LIMITS = /* @__PURE__ */ Object.freeze({ maxNameLength: 100, maxDescriptionLength: 500, maxEnumValues: 100 });

export const QUERY_ID_PATTERN = /^q_[A-Za-z0-9_-]{8,64}$/;
export const CONVERSATION_ID_PATTERN = /^c_[A-Za-z0-9_-]{8,64}$/;
/** Agent ids, in URLs and options. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A Standard Webhooks secret as Aicado issues it: `whsec_` and base64. */
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/**
 * Every error code the SDK, the server helpers and the API produce, each explained in docs/errors.md (a
 * test holds the backend and that page to this list). The browser bundle imports only the type.
 */
export const ERROR_CODES = [
  // Raised in the page by the SDK, and answered by the API for the params of a query.
  'invalid_params',
  'undeclared_param',
  'invalid_param_type',
  // Raised in the page by the SDK.
  'invalid_options',
  'invalid_input',
  'not_in_browser',
  'not_initialised',
  'agent_required',
  'unknown_method',
  'unknown_query',
  'destroyed',
  'aborted',
  'network',
  'timeout',
  'http_error',
  'invalid_response',
  'internal',
  // Answered by the API.
  'invalid_request',
  'invalid_json',
  'request_aborted',
  'body_too_large',
  'unsupported_media_type',
  'idempotency_key_mismatch',
  'idempotency_conflict',
  'not_found',
  'method_not_allowed',
  'origin_not_allowed',
  'unauthorized',
  'unknown_agent',
  'unknown_delivery',
  'delivery_pending',
  'invalid_signed_params',
  'conversation_ended',
  'rate_limited',
  'model_error',
  'unavailable',
  // Answered to the sender by a site's receiver made with createWebhookHandler (aicado-embed/server).
  'in_progress',
  'handler_failed',
  'store_unavailable',
] as const;
export type AicadoErrorCode = (typeof ERROR_CODES)[number];

/** The `type` of each webhook event. */
export const WEBHOOK_EVENT_TYPES = /* @__PURE__ */ Object.freeze({
  completed: 'query.completed',
  feedback: 'query.feedback',
  started: 'conversation.started',
  ended: 'conversation.ended',
  handoff: 'handoff.requested',
  form: 'form.submitted',
} as const);
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[keyof typeof WEBHOOK_EVENT_TYPES];
