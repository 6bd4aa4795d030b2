import type { ChatMessage } from '../../at-load/core/agent-state.js';

/** An answer still on its way: it can be stopped. */
export const inProgress = (message: ChatMessage): boolean =>
  message.role === 'agent' && (message.status === 'sending' || message.status === 'streaming' || message.status === 'retrying');
