import type { AicadoError } from '../../contract/errors.js';
import type { Params } from '../../contract/params.js';
import type { AnswerStatus, Rating } from '../../contract/protocol.js';
import type { Source } from '../../contract/schemas.js';

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
  /** The conversation was handed to a person; `message` is what the panel shows. */
  handoff: { conversationId: string; reason: string | undefined; message: string };
};

/** What the widget renders. */
export interface AgentState {
  open: boolean;
  online: boolean;
  conversationId: string;
  messages: readonly ChatMessage[];
  unread: number;
}

export interface QueryAnswer {
  queryId: string;
  /** The whole answer, or the part shown before the visitor stopped it. */
  output: string;
  status: AnswerStatus;
  /** What the answer cites: at most 8, http(s) only. */
  sources: Source[];
}

export type MessageStatus = 'sending' | 'streaming' | 'retrying' | 'done' | 'stopped' | 'failed';

export interface ChatMessage {
  id: string;
  /** `notice`: a line from the site, not an answer (the hand-off's message). */
  role: 'user' | 'agent' | 'notice';
  text: string;
  queryId: string;
  status: MessageStatus;
  error?: string | undefined;
  /** The error's code, e.g. `invalid_signed_params` when the host must supply a fresh token. */
  errorCode?: string | undefined;
  /** When it was sent, or answered (epoch ms). */
  at?: number | undefined;
  /** What the agent is doing until the first delta (a `status` event). */
  progress?: string | undefined;
  sources?: Source[] | undefined;
  rating?: 'up' | 'down' | undefined;
  /** The conversation its query was sent in, when the one shown has moved on since (a hand-off, an ended conversation). */
  conversationId?: string | undefined;
  /** Counts the changes made to the message: where two tabs hold different copies, the higher one is newer. */
  rev?: number | undefined;
}
