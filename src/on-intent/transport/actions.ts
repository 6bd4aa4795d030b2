import { AicadoError } from '../../contract/errors.js';
import { type ConversationAction, conversationActionPath, JSON_TYPE, queryActionPath, type QueryAction } from '../../contract/protocol.js';
import type { QueryAnswer } from '../../at-load/core/agent-state.js';
import { answerOf, httpError } from './query.js';
import { asDoneEvent } from './wire.js';

/**
 * POSTs a small JSON body to the API; resolves with the answer the reply carries (a stop's), else
 * undefined. `keepalive`: the request outlives a page being left. Failures are AicadoErrors as for queries.
 */
async function postAction(apiBase: string, path: string, body: object, keepalive?: boolean): Promise<QueryAnswer | undefined> {
  let response: Response;
  try {
    response = await fetch(apiBase + path, {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify(body),
      credentials: 'omit',
      keepalive,
    });
  } catch (cause) {
    throw new AicadoError('network', `Could not reach the Aicado API at ${apiBase}`, { cause });
  }
  if (!response.ok) throw await httpError(response);
  const done = asDoneEvent(await response.json().catch(() => undefined));
  return done && answerOf(done);
}

/** Tells the API what the visitor did with one answer: `stop` it, or `feedback` on it. */
export const postQueryAction = (apiBase: string, agentId: string, queryId: string, action: QueryAction, body: object) =>
  postAction(apiBase, queryActionPath(agentId, queryId, action), body);

/** Tells the API what became of a whole conversation: the SDK left it (`end`), or the visitor asked for a person (`handoff`). */
export const postConversationAction = (
  apiBase: string,
  agentId: string,
  conversationId: string,
  action: ConversationAction,
  body: object,
) => postAction(apiBase, conversationActionPath(agentId, conversationId, action), body, action === 'end').then(() => undefined);
