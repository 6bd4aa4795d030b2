// The bridge: what the first part imports on intent. It hands each agent its conversation, and mounts the panel.
import type { CreateConversation } from '../at-load/core/agent.js';
import { ChatConversation } from './conversation/chat-conversation.js';

export { mountWidget } from './panel/mount.js';

export const createConversation: CreateConversation = (agent) => new ChatConversation(agent);
