import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONVERSATION_ACTIONS, CONVERSATION_ID_PATTERN, type ConversationAction, HEADERS } from '../../../src/contract/protocol.js';
import { EndRequestSchema, HandoffRequestSchema } from '../../../src/contract/schemas.js';
import { describeIssues } from '../../../src/contract/zod-issues.js';
import type { ConversationLifecycle } from '../conversation-lifecycle.js';
import { HttpError, readJsonBody, sendJson } from '../http.js';
import { CONVERSATION_ACTION_MAX_BODY_BYTES } from '../protocol.js';
import type { RateLimiter } from '../rate-limiter.js';
import { unknownAgent } from './queries.js';

export interface ConversationActionsRouteDeps {
  /** The ids of the agents served. */
  agents: readonly string[];
  lifecycle: ConversationLifecycle;
  /** Hand-offs are limited per client address: one may be sent for a conversation that had no query. */
  rateLimiter: RateLimiter;
  perAddress: number;
}

/**
 * `POST /v1/agents/{agentId}/conversations/{conversation_id}/end | handoff`. Both are idempotent and
 * answer 200 whether or not this request was the one that sent the webhooks: the SDK repeats an end
 * freely, and a visitor learns nothing about conversations that are not theirs.
 */
export function createConversationActionsRoute({ agents, lifecycle, rateLimiter, perAddress }: ConversationActionsRouteDeps) {
  const known = new Set(agents);

  return async function handleConversationAction(
    req: IncomingMessage,
    res: ServerResponse,
    agentId: string,
    conversationId: string,
    action: ConversationAction,
  ): Promise<void> {
    if (!known.has(agentId)) throw unknownAgent(agentId, known, req);
    if (!CONVERSATION_ID_PATTERN.test(conversationId)) {
      throw new HttpError(400, 'invalid_request', `Invalid conversation id "${conversationId.slice(0, 80)}" in the path`);
    }
    const body = await readJsonBody(req, CONVERSATION_ACTION_MAX_BODY_BYTES);
    const conversation = { agentId, conversationId };

    if (action === CONVERSATION_ACTIONS.end) {
      const parsed = EndRequestSchema.safeParse(body);
      if (!parsed.success) throw new HttpError(400, 'invalid_request', `Invalid end: ${describeIssues(parsed.error.issues)}`);
      lifecycle.end(conversation, parsed.data.reason);
      return sendJson(res, 200, { conversation_id: conversationId, ended: true });
    }

    const parsed = HandoffRequestSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', `Invalid hand-off: ${describeIssues(parsed.error.issues)}`);
    const refused = rateLimiter.take([{ key: `handoffs-address:${req.socket.remoteAddress ?? 'unknown'}`, perMinute: perAddress }]);
    if (refused) {
      throw new HttpError(429, 'rate_limited', `Too many hand-offs from this address; retry in ${refused.waitSeconds} s`, {
        headers: { [HEADERS.retryAfter]: String(refused.waitSeconds) },
      });
    }
    lifecycle.handoff(conversation, parsed.data.reason);
    sendJson(res, 200, { conversation_id: conversationId, handed_off: true, ended: true });
  };
}
