import { AicadoError } from '../../contract/errors.js';
import { JSON_TYPE, queryActionPath, type QueryAction } from '../../contract/protocol.js';
import type { QueryAnswer } from '../../at-load/core/agent-state.js';
import { answerOf, httpError } from './query.js';
import { asDoneEvent } from './wire.js';

/**
 * Tells the API what the visitor did with one answer (`stop` it, `feedback` on it); resolves with the
 * answer the reply carries (a stop's), else undefined. Failures are AicadoErrors as for queries.
 */
export async function postQueryAction(
  apiBase: string,
  agentId: string,
  queryId: string,
  action: QueryAction,
  body: object,
): Promise<QueryAnswer | undefined> {
  let response: Response;
  try {
    response = await fetch(apiBase + queryActionPath(agentId, queryId, action), {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify(body),
      credentials: 'omit',
    });
  } catch (cause) {
    throw new AicadoError('network', `Could not reach the Aicado API at ${apiBase}`, { cause });
  }
  if (!response.ok) throw await httpError(response);
  const done = asDoneEvent(await response.json().catch(() => undefined));
  return done && answerOf(done);
}
