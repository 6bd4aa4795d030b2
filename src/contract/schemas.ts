import * as z from 'zod/mini';
import { PARAM_ISSUE_CODES } from './errors.js';
import { checkParams, type Params } from './params.js';
import { CONVERSATION_ID_PATTERN, QUERY_ID_PATTERN, QUERY_LIMITS, STATUS_TEXT_MAX_LENGTH, WEBHOOK_EVENT_TYPE } from './protocol.js';

// The shapes of the wire protocol (names and limits are in `protocol.ts`): the backend and the webhook
// helper parse with these schemas; the browser reads its few response shapes with the guards in
// `transport/wire.ts`, which a unit test holds to these schemas, so zod stays out of the script tag.

/** Params on the wire obey the same rules as everywhere else: the one params module decides. */
export const ParamsSchema = z.custom<Params>((value) => checkParams(value).ok);

export const QueryContextSchema = z.object({
  page_url: z.optional(z.string().check(z.maxLength(QUERY_LIMITS.maxUrlLength))),
  referrer: z.optional(z.string().check(z.maxLength(QUERY_LIMITS.maxUrlLength))),
  locale: z.optional(z.string().check(z.maxLength(QUERY_LIMITS.maxLocaleLength))),
  sdk: z.optional(z.string().check(z.maxLength(QUERY_LIMITS.maxSdkLength))),
});
export type QueryContext = z.infer<typeof QueryContextSchema>;

/** Body of `POST /v1/agents/{agentId}/queries`. `params` is checked by `checkParams` (every issue at once), not here. */
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

export const ParamIssueSchema = z.object({
  key: z.string(),
  code: z.enum(PARAM_ISSUE_CODES),
  message: z.string(),
});

/** JSON error body of every non-2xx answer. */
export const ApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.optional(z.array(ParamIssueSchema)) }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;

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
    params: ParamsSchema,
    verified_params: z.optional(ParamsSchema),
    context: z.optional(QueryContextSchema),
  }),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;
