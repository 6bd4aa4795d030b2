import type { AicadoError } from '../contract/errors.js';
import type { Params } from '../contract/params.js';
import type { Rating } from '../contract/protocol.js';
import type { QueryAnswer } from '../transport/query.js';
import type { ChatMessage } from './transcript.js';

/** The events an agent emits, with their payloads. */
export type AgentEvents = {
  ready: { agentId: string };
  open: Record<string, never>;
  close: Record<string, never>;
  query: { queryId: string; input: string; params: Params };
  delta: { queryId: string; text: string };
  /** What the agent is doing before its answer starts (plain text). */
  status: { queryId: string; text: string };
  response: QueryAnswer;
  /** The visitor (or `stop()`) cut an answer short; `output` is the part shown. */
  stopped: { queryId: string; output: string };
  feedback: { queryId: string; rating: Rating };
  /** Answers completed while the bubble was closed; 0 again when it opens. */
  unread: { count: number };
  error: { error: AicadoError; queryId?: string };
  params: { params: Params };
};

/** What the widget renders. */
export interface AgentState {
  open: boolean;
  online: boolean;
  conversationId: string;
  messages: readonly ChatMessage[];
  unread: number;
}
