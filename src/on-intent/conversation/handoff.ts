import type { Agent } from '../../at-load/core/agent.js';
import type { AgentState } from '../../at-load/core/agent-state.js';
import { AicadoError } from '../../contract/errors.js';
import { type ClientEndReason, HANDOFF_REASON_MAX_LENGTH } from '../../contract/protocol.js';
import { newConversationId } from '../../contract/ids.js';
import { completeStrings } from '../../i18n/locales.js';
import { postConversationAction } from '../transport/actions.js';

/** What the hand-off and the end use of a conversation (chat-conversation.ts). */
interface ConversationShown {
  readonly agent: Agent;
  readonly state: AgentState;
  readonly isDestroyed: boolean;
}

/** Whether the last word is the notice of a hand-off (also one another tab asked for): until the visitor writes again, there is nothing to hand over. */
export const handedOver = ({ state }: Pick<ConversationShown, 'state'>): boolean => !!state.messages.at(-1)?.id.startsWith('handoff:');

/**
 * `requestHandoff()`: the API sends `handoff.requested` and ends the conversation; the panel then shows
 * the site's message, `handoff` is emitted, and the next message starts a new conversation (the transcript
 * stays shown). A second request before the visitor writes again sends nothing.
 */
export async function handOff(conversation: ConversationShown, reason: string | undefined): Promise<void> {
  if (reason !== undefined && !(typeof reason === 'string' && reason.length <= HANDOFF_REASON_MAX_LENGTH))
    throw new AicadoError('invalid_input', `requestHandoff() takes no reason or one of at most ${HANDOFF_REASON_MAX_LENGTH} characters`);
  const { agent, state } = conversation;
  const { apiBase, agentId, handoff, strings } = agent.options;
  const { conversationId } = state;
  if (handedOver(conversation)) return;
  await postConversationAction(apiBase, agentId, conversationId, 'handoff', { reason });
  // The panel's texts complete the strings when it mounts; a page may hand over before that.
  if (!strings.handoffDone) completeStrings(agent.options);
  const message = (typeof handoff === 'object' && handoff.message) || strings.handoffDone;
  // Shown only in the conversation it was asked for (not after a reset or a switch of user meanwhile).
  const { messages } = conversation.state;
  if (conversation.isDestroyed || handedOver(conversation) || conversation.state.conversationId !== conversationId) return;
  const notice = { id: `handoff:${conversationId}`, role: 'notice', text: message, queryId: '', status: 'done', at: Date.now() } as const;
  // The API ended this conversation: the next message goes to a new one; the answers shown are rated in theirs.
  agent.update({
    conversationId: newConversationId(),
    messages: [...messages.map((m) => (m.role === 'agent' && !m.conversationId ? { ...m, conversationId } : m)), notice],
  });
  agent.events.emit('handoff', { conversationId, reason, message });
}

/**
 * Tells the API that the SDK leaves the conversation shown (`reset`, a switch of user): the site owner
 * gets `conversation.ended` now, not after the idle time. With `keepalive` (a page being left still
 * sends it); idempotent; not sent for a conversation the visitor never wrote in.
 */
export function endConversation({ agent, state }: ConversationShown, reason: ClientEndReason): void {
  // What the visitor wrote after the last hand-off, which ended the conversation before.
  const { messages } = state;
  if (messages.slice(messages.map((m) => m.role).lastIndexOf('notice') + 1).some((m) => m.role === 'user'))
    postConversationAction(agent.options.apiBase, agent.options.agentId, state.conversationId, 'end', { reason }).catch(() => undefined);
}
