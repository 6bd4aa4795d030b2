import type { Source } from '../../contract/schemas.js';
import { asSources } from '../transport/wire.js';
import type { ChatMessage } from '../../at-load/core/agent-state.js';

/** The sources of an answer the widget may show: those that pass the protocol's guard (a stored transcript is shared with every script of the origin). */
export const shownSources = (message: ChatMessage): Source[] => asSources(message.sources) ?? [];
