import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS, QUERY_ACTIONS, QUERY_LIMITS, WEBHOOK_EVENT_TYPES, type QueryAction } from '../../../src/contract/protocol.js';
import { FeedbackRequestSchema, StopRequestSchema } from '../../../src/contract/schemas.js';
import type { Params } from '../../../src/contract/params.js';
import { HttpError, readJsonBody, sendJson } from '../http.js';
import type { WebhookOutbox } from '../outbox.js';
import type { QueryRunner } from '../query-runner.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { BackendStore } from '../store.js';
import { feedbackEventFor } from '../webhook-events.js';
import { describeIssues } from '../../../src/contract/zod-issues.js';
import { doneEventOf, unknownAgent } from './queries.js';

export interface QueryActionsRouteDeps {
  /** The ids of the agents served. */
  agents: readonly string[];
  runner: QueryRunner;
  store: BackendStore;
  outbox: WebhookOutbox;
  /** Ratings are limited like queries (each change is a webhook), per conversation and per client address. */
  rateLimiter: RateLimiter;
  rateLimits: { perConversation: number; perAddress: number };
}

/**
 * `POST /v1/agents/{agentId}/queries/{query_id}/stop | feedback`. The query must be this agent's and the
 * body's conversation's, or it is unknown (404): a visitor can act only on the answers of their conversation.
 */
export function createQueryActionsRoute({ agents, runner, store, outbox, rateLimiter, rateLimits }: QueryActionsRouteDeps) {
  const known = new Set(agents);
  const unknownQuery = (queryId: string) => new HttpError(404, 'unknown_query', `No answered query ${queryId} in this conversation`);

  return async function handleAction(
    req: IncomingMessage,
    res: ServerResponse,
    agentId: string,
    queryId: string,
    action: QueryAction,
  ): Promise<void> {
    if (!known.has(agentId)) throw unknownAgent(agentId, known, req);
    const body = await readJsonBody(req, QUERY_LIMITS.maxActionBodyBytes);

    if (action === QUERY_ACTIONS.stop) {
      const parsed = StopRequestSchema.safeParse(body);
      if (!parsed.success) throw new HttpError(400, 'invalid_request', `Invalid stop: ${describeIssues(parsed.error.issues)}`);
      const answer = await runner.stop(agentId, queryId, parsed.data.conversation_id);
      if (!answer) throw unknownQuery(queryId);
      return sendJson(res, 200, doneEventOf(queryId, answer));
    }

    const parsed = FeedbackRequestSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', `Invalid feedback: ${describeIssues(parsed.error.issues)}`);
    const { conversation_id: conversationId, rating } = parsed.data;
    const stored = store.getQuery(queryId);
    if (!stored || stored.agent_id !== agentId || stored.conversation_id !== conversationId) throw unknownQuery(queryId);
    const refused = rateLimiter.take([
      { key: `ratings:${agentId}/${conversationId}`, perMinute: rateLimits.perConversation },
      { key: `ratings-address:${req.socket.remoteAddress ?? 'unknown'}`, perMinute: rateLimits.perAddress },
    ]);
    if (refused) {
      throw new HttpError(429, 'rate_limited', `Too many ratings; retry in ${refused.waitSeconds} s`, {
        headers: { [HEADERS.retryAfter]: String(refused.waitSeconds) },
      });
    }
    // The params are the rated query's, as stored with its answer: never the page's current ones.
    const rated = {
      agentId,
      queryId,
      conversationId,
      params: JSON.parse(stored.params) as Params,
      verifiedParams: stored.verified_params === null ? undefined : (JSON.parse(stored.verified_params) as Params),
    };
    const now = Date.now();
    const changed = store.rateQuery(queryId, rating, now, () => {
      const event = feedbackEventFor(rated, rating, now);
      return { id: event.id, query_id: queryId, type: WEBHOOK_EVENT_TYPES.feedback, body: JSON.stringify(event), created_at: now };
    });
    if (changed) outbox.wake();
    sendJson(res, 200, { query_id: queryId, rating });
  };
}
