import { randomBytes } from 'node:crypto';
import type { Params } from '../../src/contract/params.js';
import { WEBHOOK_EVENT_TYPES, type Rating } from '../../src/contract/protocol.js';
import type { QueryCompletedEvent, QueryFeedbackEvent } from '../../src/contract/schemas.js';
import type { Answer, ValidQuery } from './query-runner.js';

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
    },
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
