import type { Source } from '../../contract/schemas.js';
import { asSources } from '../transport/wire.js';
import type { ChatMessage } from '../../at-load/core/agent-state.js';

/**
 * The sources of an answer that the widget may show: those that pass the protocol's guard. Checked when
 * shown rather than when loaded, so the first part carries no guard; a stored transcript is shared with
 * every script of the origin.
 */
export const shownSources = (message: ChatMessage): Source[] => asSources(message.sources) ?? [];
