import type { Agent } from '../../at-load/core/agent.js';
import type { ChatMessage, QueryAnswer } from '../../at-load/core/agent-state.js';
import type { AicadoError } from '../../contract/errors.js';
import { postQueryAction } from '../transport/actions.js';
import { attemptQuery } from './attempt.js';
import { newConversationId } from '../../contract/ids.js';
import { inProgress } from './in-progress.js';
import type { CancellationScope } from './cancellation-scope.js';
import type { QueryQueueHost, QueryTransport } from './query-queue-host.js';
import type { SharedConversation } from './shared-conversation.js';

const TRANSPORT: QueryTransport = { attemptQuery, postQueryAction };

/** What the queue's host uses of its conversation (chat-conversation.ts). */
export interface QueueOwner {
  readonly agent: Agent;
  readonly scope: CancellationScope;
  readonly shared: SharedConversation;
  refusal: AicadoError | undefined;
  updateMessage(id: string, patch: Partial<ChatMessage>, stream?: 'stream'): void;
  finish(answer: QueryAnswer): void;
  /** Tells the developer of a final failure, once per code (console-report.ts). */
  report(error: AicadoError): void;
  persist(): void;
}

/** How a conversation's queue reaches the API and tells the conversation what became of each query. */
export function queueHost(conversation: QueueOwner, transport = TRANSPORT): QueryQueueHost {
  const { agent, scope } = conversation;
  const { apiBase, agentId } = agent.options;
  return {
    apiBase,
    agentId,
    scope,
    transport,
    online: () =>
      scope.until(
        () => agent.state.online,
        (listener) => agent.subscribe(listener),
      ),
    token: () => agent.signedParams,
    refusal: () => conversation.refusal,
    onAttempt: (queryId, attempt) =>
      conversation.updateMessage(queryId, {
        text: '',
        status: attempt === 0 ? 'sending' : 'retrying',
        errorCode: undefined,
        progress: undefined,
      }),
    onDelta: (queryId, text) => {
      const message = agent.state.messages.find((m) => m.id === queryId);
      // Text that arrives after a stop is not shown: the visitor asked for it to stop.
      if (!message || !inProgress(message)) return;
      conversation.updateMessage(queryId, { text: message.text + text, status: 'streaming', progress: undefined }, 'stream');
      agent.events.emit('delta', { queryId, text });
    },
    onStatus: (queryId, text) => {
      conversation.updateMessage(queryId, { progress: text });
      agent.events.emit('status', { queryId, text });
    },
    onRetrying: (queryId) => conversation.updateMessage(queryId, { status: 'retrying' }),
    onAnswer: (_queryId, answer) => conversation.finish(answer),
    onFailure: (queryId, error) => {
      if (error.code === 'origin_not_allowed' && !conversation.refusal) {
        // Final for this page load: later queries fail without a request (the visitor sees a short notice in the widget).
        conversation.refusal = error;
        const origin = location.origin;
        error.message = `${apiBase} does not allow the origin ${origin}: allow it for agent "${agentId}" (reference backend: --allowed-origin ${origin})`;
      }
      conversation.report(error);
      conversation.updateMessage(queryId, { status: 'failed', error: error.message, errorCode: error.code });
      agent.events.emit('error', { error, queryId });
    },
    conversationEnded: (queryId, ended) => {
      // The first query to hear it starts the new conversation (the transcript stays shown); the others follow into it.
      if (agent.state.conversationId === ended) agent.update({ conversationId: newConversationId() });
      const { conversationId } = agent.state;
      // Its answer is rated in the conversation it is answered in.
      conversation.updateMessage(queryId, { conversationId });
      return conversationId;
    },
    onChange: () => conversation.persist(),
    exclusive: (queryId, task, abandoned, resumed) =>
      conversation.shared.exclusive(queryId, task, { scope, abandoned, contended: resumed }),
    settledElsewhere: (queryId, resumed) => conversation.shared.settledElsewhere(queryId, resumed),
  };
}
