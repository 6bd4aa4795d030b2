import { AicadoError } from '../../contract/errors.js';
import { QUERY_ACTIONS, type Rating } from '../../contract/protocol.js';
import { postQueryAction } from '../transport/actions.js';
import type { Agent } from '../../at-load/core/agent.js';
import type { ChatMessage } from '../../at-load/core/agent-state.js';

/**
 * `rate()`: shows the rating at once (`update`, which stores it), posts it with the conversation,
 * and takes it back if the API refuses it. Emits `feedback` once the API has it.
 */
export async function rateAnswer(
  agent: Agent,
  update: (queryId: string, patch: Partial<ChatMessage>) => void,
  queryId: string,
  rating: Rating,
): Promise<void> {
  if (rating !== 'up' && rating !== 'down' && rating !== null)
    throw new AicadoError('invalid_input', `rate() takes 'up', 'down' or null, got ${String(rating)}`);
  const message = agent.state.messages.find((m) => m.id === queryId && (m.status === 'done' || m.status === 'stopped'));
  if (!message) throw new AicadoError('unknown_query', `No answer with query id ${queryId} to rate`);
  const previous = message.rating;
  update(queryId, { rating: rating ?? undefined });
  try {
    const { apiBase, agentId } = agent.options;
    await postQueryAction(apiBase, agentId, queryId, QUERY_ACTIONS.feedback, {
      conversation_id: message.conversationId ?? agent.state.conversationId,
      rating,
    });
  } catch (error) {
    update(queryId, { rating: previous });
    throw error;
  }
  agent.events.emit('feedback', { queryId, rating });
}
