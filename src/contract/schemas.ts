import * as z from 'zod/mini';
import type { ParamIssueCode } from './errors.js';
import { isHttpUrl } from './http-url.js';
import { checkParams, type Params } from './params.js';
import {
  ANSWER_STATUSES,
  CLIENT_END_REASONS,
  CONVERSATION_ID_PATTERN,
  FORM_LIMITS,
  HANDOFF_REASON_MAX_LENGTH,
  QUERY_ID_PATTERN,
  QUERY_LIMITS,
  RATINGS,
  SOURCES_LIMITS,
  STATUS_TEXT_MAX_LENGTH,
} from './protocol.js';

// The shapes of the query API (names and limits are in `protocol.ts`; the webhook events, built on these,
// in `webhook-events.ts`): the backend parses with these schemas; the browser reads its few response shapes with the guards in
// src/on-intent/transport/wire.ts, which a unit test holds to these schemas, so zod stays out of the script tag.

/** Params on the wire obey the same rules as everywhere else: the one params module decides. */
export const ParamsSchema = z.custom<Params>((value) => checkParams(value).ok);

export const QueryContextSchema = z.object({
  page_url: z.optional(z.string().check(z.maxLength(QUERY_LIMITS.maxUrlLength))),
  referrer: z.optional(z.string().check(z.maxLength(QUERY_LIMITS.maxUrlLength))),
  locale: z.optional(z.string().check(z.maxLength(QUERY_LIMITS.maxLocaleLength))),
  sdk: z.optional(z.string().check(z.maxLength(QUERY_LIMITS.maxSdkLength))),
});
export type QueryContext = z.infer<typeof QueryContextSchema>;

/** Consent given in the pre-chat form: the definition's `consent.version`, and when the visitor ticked it (ISO 8601). */
export const ConsentSchema = z.object({
  version: z.string().check(z.minLength(1), z.maxLength(FORM_LIMITS.maxConsentVersionLength)),
  accepted_at: z.string().check(z.maxLength(40)),
});
export type Consent = z.infer<typeof ConsentSchema>;

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
  /** The consent the visitor gave in the pre-chat form; sent with every query after it. */
  consent: z.optional(ConsentSchema),
  /** True on the first query after the visitor sent the pre-chat form: `form.submitted` precedes its `query.completed`. */
  form_submitted: z.optional(z.boolean()),
});
export interface QueryRequest extends Omit<z.infer<typeof QueryRequestSchema>, 'params'> {
  params: Params;
}

export const DeltaEventSchema = z.object({ text: z.string() });
/** What the agent is doing (looking something up, thinking), shown until the next delta. */
export const StatusEventSchema = z.object({ text: z.string().check(z.maxLength(STATUS_TEXT_MAX_LENGTH)) });

/** A document an answer cites: plain-text title, http(s) URL. */
export const SourceSchema = z.object({
  title: z.string().check(z.maxLength(SOURCES_LIMITS.maxTitleLength)),
  url: z.string().check(z.refine(isHttpUrl)),
});
export type Source = z.infer<typeof SourceSchema>;
/** A list of sources with every invalid entry dropped (a `javascript:` URL, a title that is no string) and at most 8 kept. */
export const SourcesSchema = z.pipe(
  z.array(z.unknown()),
  z.transform((items): Source[] =>
    items
      .flatMap((item) => {
        const source = SourceSchema.safeParse(item);
        return source.success ? [source.data] : [];
      })
      .slice(0, SOURCES_LIMITS.maxSources),
  ),
);

/** The end of an answer; also the body of a stop's answer. Without `status` the answer is complete. */
export const DoneEventSchema = z.object({
  query_id: z.string(),
  output: z.string(),
  status: z.optional(z.enum(ANSWER_STATUSES)),
  sources: z.optional(SourcesSchema),
});
/** `status`: the HTTP status the error would have had before the stream opened (retry decisions use it). */
export const ErrorEventSchema = z.object({ code: z.string(), message: z.string(), status: z.optional(z.number()) });
export type DeltaEvent = z.infer<typeof DeltaEventSchema>;
export type StatusEvent = z.infer<typeof StatusEventSchema>;
export type DoneEvent = z.infer<typeof DoneEventSchema>;
export type ErrorEvent = z.infer<typeof ErrorEventSchema>;

export const ParamIssueSchema = z.object({
  key: z.string(),
  // Any string on the wire, typed as the codes of PARAM_ISSUE_CODES: an SDK released before the API
  // added a code still reads the error body (its code, message and every issue) instead of dropping it.
  code: z.custom<ParamIssueCode>((value) => typeof value === 'string'),
  message: z.string(),
});

/** JSON error body of every non-2xx answer. */
export const ApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.optional(z.array(ParamIssueSchema)) }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;

/** Body of `POST …/queries/{query_id}/stop`: the conversation the query belongs to. */
export const StopRequestSchema = z.object({ conversation_id: z.string().check(z.regex(CONVERSATION_ID_PATTERN)) });
export type StopRequest = z.infer<typeof StopRequestSchema>;

/** Body of `POST …/queries/{query_id}/feedback`; `rating: null` takes a rating back. */
export const FeedbackRequestSchema = z.object({
  conversation_id: z.string().check(z.regex(CONVERSATION_ID_PATTERN)),
  rating: z.nullable(z.enum(RATINGS)),
});
export type FeedbackRequest = z.infer<typeof FeedbackRequestSchema>;

/** Body of `POST …/conversations/{conversation_id}/end`: why the SDK left it. */
export const EndRequestSchema = z.object({ reason: z.enum(CLIENT_END_REASONS) });
export type EndRequest = z.infer<typeof EndRequestSchema>;

/** Body of `POST …/conversations/{conversation_id}/handoff`: the visitor's or the page's reason, if any. */
export const HandoffRequestSchema = z.object({
  reason: z.optional(z.string().check(z.maxLength(HANDOFF_REASON_MAX_LENGTH))),
});
export type HandoffRequest = z.infer<typeof HandoffRequestSchema>;
