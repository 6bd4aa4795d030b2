import { randomBytes } from 'node:crypto';
import type { Params } from '../../src/contract/params.js';
import { WEBHOOK_EVENT_TYPES, type EndReason, type Rating } from '../../src/contract/protocol.js';
import type {
  ConversationEndedEvent,
  ConversationStartedEvent,
  FormSubmittedEvent,
  HandoffRequestedEvent,
  QueryCompletedEvent,
  QueryFeedbackEvent,
  WebhookEvent,
} from '../../src/contract/webhook-events.js';
import type { Answer, ValidQuery } from './query-runner.js';
import type { ConversationDelivery, EndingConversation } from './store-conversations.js';
import { withTranscript } from './transcript.js';

// The webhook events the backend commits to its outbox; each is serialised once and sent unchanged on every attempt.

const newEventId = (): string => `evt_${randomBytes(16).toString('base64url')}`;

/** `query.completed`: the answer, in full or as far as it streamed before the visitor stopped it. */
export function completedEventFor(query: ValidQuery, answer: Answer, now: number): QueryCompletedEvent {
  return {
    type: WEBHOOK_EVENT_TYPES.completed,
    id: newEventId(),
    created_at: new Date(now).toISOString(),
    data: {
      agent_id: query.agentId,
      query_id: query.queryId,
      conversation_id: query.conversationId,
      input: query.input,
      output: answer.output,
      status: answer.status,
      sources: answer.sources,
      params: query.params,
      ...(query.verifiedParams ? { verified_params: query.verifiedParams } : {}),
      context: query.context,
      ...(query.consent ? { consent: query.consent } : {}),
    },
  };
}

/** `conversation.started`: the conversation's first query came, with these params and context. */
export function startedEventFor(query: ValidQuery, now: number): ConversationStartedEvent {
  return {
    type: WEBHOOK_EVENT_TYPES.started,
    id: newEventId(),
    created_at: new Date(now).toISOString(),
    data: {
      agent_id: query.agentId,
      conversation_id: query.conversationId,
      started_at: new Date(now).toISOString(),
      params: query.params,
      ...(query.verifiedParams ? { verified_params: query.verifiedParams } : {}),
      context: query.context,
    },
  };
}

/** `form.submitted`: the visitor sent the pre-chat form; the params are those of the query it precedes. */
export function formEventFor(query: ValidQuery, now: number): FormSubmittedEvent {
  return {
    type: WEBHOOK_EVENT_TYPES.form,
    id: newEventId(),
    created_at: new Date(now).toISOString(),
    data: {
      agent_id: query.agentId,
      conversation_id: query.conversationId,
      params: query.params,
      ...(query.verifiedParams ? { verified_params: query.verifiedParams } : {}),
      ...(query.consent ? { consent: query.consent } : {}),
    },
  };
}

/** The conversation a lifecycle event is about. */
export interface ConversationRef {
  agentId: string;
  conversationId: string;
}

/** The last query's params (`{}` when there was none), `verified_params` apart. */
function lastParamsOf(ending: EndingConversation): { params: Params; verified_params?: Params } {
  const last = ending.lastTurn;
  if (!last) return { params: {} };
  return {
    params: JSON.parse(last.params) as Params,
    ...(last.verified_params === null ? {} : { verified_params: JSON.parse(last.verified_params) as Params }),
  };
}

/** `conversation.ended`, with the transcript bounded (see `withTranscript`). */
export function endedEventFor(
  conversation: ConversationRef,
  ending: EndingConversation,
  reason: EndReason,
  endedAt: number,
  now: number,
): ConversationEndedEvent {
  const event: ConversationEndedEvent = {
    type: WEBHOOK_EVENT_TYPES.ended,
    id: newEventId(),
    created_at: new Date(now).toISOString(),
    data: {
      agent_id: conversation.agentId,
      conversation_id: conversation.conversationId,
      reason,
      started_at: new Date(ending.startedAt).toISOString(),
      ended_at: new Date(endedAt).toISOString(),
      ...lastParamsOf(ending),
      transcript: [],
      truncated: false,
    },
  };
  return withTranscript(event, ending.turns);
}

/** `handoff.requested`, with the transcript so far, bounded (see `withTranscript`). */
export function handoffEventFor(
  conversation: ConversationRef,
  ending: EndingConversation,
  reason: string | undefined,
  now: number,
): HandoffRequestedEvent {
  const event: HandoffRequestedEvent = {
    type: WEBHOOK_EVENT_TYPES.handoff,
    id: newEventId(),
    created_at: new Date(now).toISOString(),
    data: {
      agent_id: conversation.agentId,
      conversation_id: conversation.conversationId,
      ...(reason === undefined ? {} : { reason }),
      ...lastParamsOf(ending),
      transcript: [],
      truncated: false,
    },
  };
  return withTranscript(event, ending.turns);
}

/** The outbox row of a conversation's event, serialised once: every attempt sends these bytes. */
export function conversationDeliveryOf(event: Exclude<WebhookEvent, QueryFeedbackEvent | QueryCompletedEvent>): ConversationDelivery {
  return {
    id: event.id,
    agent_id: event.data.agent_id,
    conversation_id: event.data.conversation_id,
    type: event.type,
    body: JSON.stringify(event),
    created_at: Date.parse(event.created_at),
  };
}

/** What `query.feedback` says about the rated query, all of it from the backend's store. */
export interface RatedQuery {
  agentId: string;
  queryId: string;
  conversationId: string;
  params: Params;
  verifiedParams: Params | undefined;
}

/** `query.feedback`: a visitor's rating, with the params of the rated query (never those of the page now). */
export function feedbackEventFor(query: RatedQuery, rating: Rating, now: number): QueryFeedbackEvent {
  return {
    type: WEBHOOK_EVENT_TYPES.feedback,
    id: newEventId(),
    created_at: new Date(now).toISOString(),
    data: {
      agent_id: query.agentId,
      query_id: query.queryId,
      conversation_id: query.conversationId,
      rating,
      params: query.params,
      ...(query.verifiedParams ? { verified_params: query.verifiedParams } : {}),
    },
  };
}
