import * as z from 'zod/mini';
import { ANSWER_STATUSES, END_REASONS, RATINGS, WEBHOOK_EVENT_TYPES } from './protocol.js';
import { ConsentSchema, ParamsSchema, QueryContextSchema, SourcesSchema } from './schemas.js';

// The events Aicado POSTs to the site owner's server, one schema each and their union; the shapes they
// share with the query API (params, context, sources, consent) are those of `schemas.ts`.

/** One turn of a conversation's transcript: a query, its answer, and the visitor's rating when there is one. */
export const TranscriptTurnSchema = z.object({
  query_id: z.string(),
  input: z.string(),
  output: z.string(),
  status: z._default(z.enum(ANSWER_STATUSES), 'completed'),
  created_at: z.string(),
  rating: z.optional(z.nullable(z.enum(RATINGS))),
});
export type TranscriptTurn = z.infer<typeof TranscriptTurnSchema>;

/** A query's answer as the site owner's server receives it. `status` and `sources` default for events of older backends. */
export const QueryCompletedEventSchema = z.object({
  type: z.literal(WEBHOOK_EVENT_TYPES.completed),
  id: z.string(),
  created_at: z.string(),
  data: z.object({
    agent_id: z.string(),
    query_id: z.string(),
    conversation_id: z.string(),
    input: z.string(),
    output: z.string(),
    status: z._default(z.enum(ANSWER_STATUSES), 'completed'),
    sources: z._default(SourcesSchema, []),
    params: ParamsSchema,
    verified_params: z.optional(ParamsSchema),
    context: z.optional(QueryContextSchema),
    consent: z.optional(ConsentSchema),
  }),
});
export type QueryCompletedEvent = z.infer<typeof QueryCompletedEventSchema>;

/** A visitor rated an answer: the params are those of the rated query, as the backend stored them. */
export const QueryFeedbackEventSchema = z.object({
  type: z.literal(WEBHOOK_EVENT_TYPES.feedback),
  id: z.string(),
  created_at: z.string(),
  data: z.object({
    agent_id: z.string(),
    query_id: z.string(),
    conversation_id: z.string(),
    rating: z.nullable(z.enum(RATINGS)),
    params: ParamsSchema,
    verified_params: z.optional(ParamsSchema),
  }),
});
export type QueryFeedbackEvent = z.infer<typeof QueryFeedbackEventSchema>;

/** A conversation's first query reached the backend: its params (those of that query) and context. */
export const ConversationStartedEventSchema = z.object({
  type: z.literal(WEBHOOK_EVENT_TYPES.started),
  id: z.string(),
  created_at: z.string(),
  data: z.object({
    agent_id: z.string(),
    conversation_id: z.string(),
    started_at: z.string(),
    params: ParamsSchema,
    verified_params: z.optional(ParamsSchema),
    context: z.optional(QueryContextSchema),
  }),
});
export type ConversationStartedEvent = z.infer<typeof ConversationStartedEventSchema>;

/** A conversation ended (idle time, reset, a switch of user, a hand-off), with its transcript; `params` are the last query's. */
export const ConversationEndedEventSchema = z.object({
  type: z.literal(WEBHOOK_EVENT_TYPES.ended),
  id: z.string(),
  created_at: z.string(),
  data: z.object({
    agent_id: z.string(),
    conversation_id: z.string(),
    reason: z.enum(END_REASONS),
    started_at: z.string(),
    ended_at: z.string(),
    params: ParamsSchema,
    verified_params: z.optional(ParamsSchema),
    transcript: z.array(TranscriptTurnSchema),
    truncated: z.boolean(),
  }),
});
export type ConversationEndedEvent = z.infer<typeof ConversationEndedEventSchema>;

/** The visitor asked for a person: the transcript so far and the last query's params; the conversation then ends. */
export const HandoffRequestedEventSchema = z.object({
  type: z.literal(WEBHOOK_EVENT_TYPES.handoff),
  id: z.string(),
  created_at: z.string(),
  data: z.object({
    agent_id: z.string(),
    conversation_id: z.string(),
    reason: z.optional(z.string()),
    params: ParamsSchema,
    verified_params: z.optional(ParamsSchema),
    transcript: z.array(TranscriptTurnSchema),
    truncated: z.boolean(),
  }),
});
export type HandoffRequestedEvent = z.infer<typeof HandoffRequestedEventSchema>;

/** The visitor sent the pre-chat form: the params of the query it precedes (the page's and the answers), and the consent. */
export const FormSubmittedEventSchema = z.object({
  type: z.literal(WEBHOOK_EVENT_TYPES.form),
  id: z.string(),
  created_at: z.string(),
  data: z.object({
    agent_id: z.string(),
    conversation_id: z.string(),
    params: ParamsSchema,
    verified_params: z.optional(ParamsSchema),
    consent: z.optional(ConsentSchema),
  }),
});
export type FormSubmittedEvent = z.infer<typeof FormSubmittedEventSchema>;

/** Body of every webhook Aicado POSTs to the site owner's server; narrow on `type`. */
export const WebhookEventSchema = z.discriminatedUnion('type', [
  QueryCompletedEventSchema,
  QueryFeedbackEventSchema,
  ConversationStartedEventSchema,
  ConversationEndedEventSchema,
  HandoffRequestedEventSchema,
  FormSubmittedEventSchema,
]);
export type WebhookEvent =
  | QueryCompletedEvent
  | QueryFeedbackEvent
  | ConversationStartedEvent
  | ConversationEndedEvent
  | HandoffRequestedEvent
  | FormSubmittedEvent;
/** The event of one `type`: `WebhookEventOf<'conversation.ended'>`. */
export type WebhookEventOf<T extends WebhookEvent['type']> = Extract<WebhookEvent, { type: T }>;
