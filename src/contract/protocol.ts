import * as z from 'zod/mini';
import type { ParamIssue, Params } from './params.js';

import { CONVERSATION_ID_PATTERN, QUERY_ID_PATTERN, QUERY_LIMITS, SSE_EVENTS, STATUS_TEXT_MAX_LENGTH } from './limits.js';

export { CONVERSATION_ID_PATTERN, QUERY_ID_PATTERN, QUERY_LIMITS, SSE_EVENTS, STATUS_TEXT_MAX_LENGTH };

export const QueryContextSchema = z.object({
  page_url: z.optional(z.string().check(z.maxLength(2048))),
  referrer: z.optional(z.string().check(z.maxLength(2048))),
  locale: z.optional(z.string().check(z.maxLength(35))),
  sdk: z.optional(z.string().check(z.maxLength(64))),
});
export type QueryContext = z.infer<typeof QueryContextSchema>;

/** Body of `POST /v1/agents/{agentId}/queries`. `params` is checked by `checkParams`, not here. */
export const QueryRequestSchema = z.object({
  query_id: z.string().check(z.regex(QUERY_ID_PATTERN)),
  conversation_id: z.string().check(z.regex(CONVERSATION_ID_PATTERN)),
  input: z.string().check(z.regex(/\S/), z.maxLength(QUERY_LIMITS.maxInputLength)),
  params: z.optional(z.unknown()),
  // No length here: an oversized token is refused by verifySignedParams as invalid_signed_params (401),
  // like every other bad token; the body limit still bounds it.
  signed_params: z.optional(z.string()),
  context: z.optional(QueryContextSchema),
});
export interface QueryRequest extends Omit<z.infer<typeof QueryRequestSchema>, 'params'> {
  params: Params;
}

/** Server-Sent Events of a query stream: zero or more `delta` or `status`, then `done` or `error`. */
export const DeltaEventSchema = z.object({ text: z.string() });
/** What the agent is doing (looking something up, thinking), shown until the next delta. */
export const StatusEventSchema = z.object({ text: z.string().check(z.maxLength(STATUS_TEXT_MAX_LENGTH)) });
export const DoneEventSchema = z.object({ query_id: z.string(), output: z.string() });
/** `status`: the HTTP status the error would have had before the stream opened (retry decisions use it). */
export const ErrorEventSchema = z.object({ code: z.string(), message: z.string(), status: z.optional(z.number()) });
export type DeltaEvent = z.infer<typeof DeltaEventSchema>;
export type StatusEvent = z.infer<typeof StatusEventSchema>;
export type DoneEvent = z.infer<typeof DoneEventSchema>;
export type ErrorEvent = z.infer<typeof ErrorEventSchema>;

/** JSON error body of every non-2xx answer. */
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.optional(
      z.array(z.object({ key: z.string(), code: z.string(), message: z.string() })),
    ),
  }),
});
export interface ApiErrorBody {
  error: { code: string; message: string; issues?: ParamIssue[] };
}

export const WEBHOOK_EVENT_TYPE = 'query.completed';

const ParamValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Body of the webhook Aicado POSTs to the site owner's server. */
export const WebhookEventSchema = z.object({
  type: z.literal(WEBHOOK_EVENT_TYPE),
  id: z.string(),
  created_at: z.string(),
  data: z.object({
    agent_id: z.string(),
    query_id: z.string(),
    conversation_id: z.string(),
    input: z.string(),
    output: z.string(),
    params: z.record(z.string(), ParamValueSchema),
    verified_params: z.optional(z.record(z.string(), ParamValueSchema)),
    context: z.optional(QueryContextSchema),
  }),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;
