import { createHash } from 'node:crypto';
import type { Params } from '../../src/contract/params.js';
import { WEBHOOK_EVENT_TYPES, type AnswerStatus } from '../../src/contract/protocol.js';
import { SourcesSchema, type Consent, type QueryContext, type Source } from '../../src/contract/schemas.js';
import { HttpError } from './http.js';
import type { ChatModel, ModelOutput } from './models/index.js';
import type { WebhookOutbox } from './outbox.js';
import type { BackendStore, StoredQuery } from './store.js';
import { completedEventFor, conversationDeliveryOf, formEventFor, startedEventFor } from './webhook-events.js';

/** A query that passed every check: the only shape the runner accepts. */
export interface ValidQuery {
  agentId: string;
  queryId: string;
  conversationId: string;
  input: string;
  params: Params;
  /** Params from a valid signed-params token: vouched for by the host's server, kept apart from `params`. */
  verifiedParams?: Params;
  context: QueryContext;
  /** The consent given in the pre-chat form; `query.completed` carries it. */
  consent?: Consent | undefined;
  /** The first query after the pre-chat form: `form.submitted` is committed before its `query.completed`. */
  formSubmitted?: boolean;
}

/** A query's answer as `done` and a stop's answer carry it. */
export interface Answer {
  output: string;
  status: AnswerStatus;
  sources: Source[];
}

/** Where a query stands: answered before, being answered by another request, or now claimed by the caller. */
export type QueryState =
  | { kind: 'stored'; answer: Answer }
  | { kind: 'running'; finished: Promise<unknown> }
  | { kind: 'claimed'; claim: QueryClaim };

/**
 * The right to answer a new query_id, held by one request: it runs the model, or releases the claim
 * (its token or rate limit refused it) so a waiting duplicate can claim the query in turn.
 */
export interface QueryClaim {
  run(out: ModelOutput): Promise<Answer>;
  /** Gives the claim up unless `run` was called; safe to call more than once. */
  release(): void;
}

interface RunningQuery {
  fingerprint: string;
  agentId: string;
  conversationId: string;
  finished: Promise<unknown>;
  /** Aborted when the visitor stops the answer, even before the model started. */
  stop: AbortController;
}

/**
 * Runs each query_id at most once to completion: the model runs, then the answer and its webhook row are
 * committed together. Later requests with the same query_id get the stored answer.
 */
export class QueryRunner {
  private readonly running = new Map<string, RunningQuery>();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly store: BackendStore,
    private readonly outbox: WebhookOutbox,
    /** The model of an agent (its `model` in the agents file, else `--model`). */
    private readonly modelOf: (agentId: string) => ChatModel,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Finds the state of a query_id and, when it is new, claims it in the same synchronous step, so two
   * requests can never both run it. Throws 409 when the query_id was used for a different query, and
   * when its conversation has ended: a new query_id is refused there, while an answered one is still
   * replayed (idempotency first).
   */
  claim(query: ValidQuery): QueryState {
    const fingerprint = fingerprintOf(query);
    const stored = this.store.getQuery(query.queryId);
    const running = this.running.get(query.queryId);
    const known = stored ?? running;
    if (known && known.fingerprint !== fingerprint) {
      throw new HttpError(
        409,
        'idempotency_conflict',
        `query_id ${query.queryId} was already used with a different agent, conversation, input or params; use a new query_id`,
      );
    }
    if (stored) return { kind: 'stored', answer: answerOf(stored) };
    if (running) return { kind: 'running', finished: running.finished };
    if (this.store.conversations.isEnded(query.agentId, query.conversationId)) {
      throw new HttpError(
        409,
        'conversation_ended',
        `Conversation ${query.conversationId} has ended; send the query in a new conversation (a new conversation_id, the same query_id)`,
      );
    }

    let settle: () => void = () => undefined;
    const entry: RunningQuery = {
      fingerprint,
      agentId: query.agentId,
      conversationId: query.conversationId,
      finished: new Promise<void>((resolve) => (settle = resolve)),
      stop: new AbortController(),
    };
    this.running.set(query.queryId, entry);
    let used = false;
    const finish = () => {
      // Only this claim's own entry is removed: the query_id may have been claimed again since.
      if (this.running.get(query.queryId) === entry) this.running.delete(query.queryId);
      settle();
    };
    return {
      kind: 'claimed',
      claim: {
        run: (out) => {
          if (used) throw new Error(`the claim on ${query.queryId} was already used`);
          used = true;
          const finished = this.generateAndCommit(query, out, entry.stop.signal);
          finished.then(finish, finish);
          return finished;
        },
        release: () => {
          if (used) return;
          used = true;
          finish();
        },
      },
    };
  }

  /**
   * Stops a query of this agent and conversation: a running model is aborted and the text it streamed so
   * far is committed as a `stopped` answer (with its webhook). Answers the query's stored answer, stopped
   * or completed before the stop came; undefined when no such query is known.
   */
  async stop(agentId: string, queryId: string, conversationId: string): Promise<Answer | undefined> {
    const running = this.running.get(queryId);
    if (running && running.agentId === agentId && running.conversationId === conversationId) {
      running.stop.abort();
      await running.finished;
    }
    const stored = this.store.getQuery(queryId);
    if (!stored || stored.agent_id !== agentId || stored.conversation_id !== conversationId) return undefined;
    return answerOf(stored);
  }

  /** Aborts running model calls; nothing of theirs is committed, so a retry runs them again. */
  close(): void {
    this.shutdown.abort(new Error('backend shutting down'));
  }

  private async generateAndCommit(query: ValidQuery, out: ModelOutput, stop: AbortSignal): Promise<Answer> {
    const request = {
      agentId: query.agentId,
      input: query.input,
      params: query.params,
      verifiedParams: query.verifiedParams,
      context: query.context,
    };
    const model = this.modelOf(query.agentId);
    // After a stop nothing more reaches the client, so the text it was shown is exactly `streamed`.
    let streamed = '';
    const output: ModelOutput = {
      delta: (text) => {
        if (stop.aborted) return;
        streamed += text;
        out.delta(text);
      },
      status: (text) => {
        if (!stop.aborted) out.status(text);
      },
    };
    let answer: Answer;
    try {
      const result = await model.generate(request, output, AbortSignal.any([this.shutdown.signal, stop]));
      this.shutdown.signal.throwIfAborted();
      const sources = SourcesSchema.safeParse(result.sources ?? []);
      answer = stop.aborted ? stoppedAnswer(streamed) : { output: result.output, status: 'completed', sources: sources.data ?? [] };
    } catch (error) {
      if (this.shutdown.signal.aborted) {
        throw new HttpError(503, 'unavailable', 'The backend is shutting down; retry with the same query_id');
      }
      if (!stop.aborted) {
        this.log(`model ${model.name} failed on ${query.queryId}: ${error instanceof Error ? error.message : String(error)}`);
        throw new HttpError(502, 'model_error', 'The model failed to answer; retry with the same query_id');
      }
      answer = stoppedAnswer(streamed);
    }
    const now = Date.now();
    const event = completedEventFor(query, answer, now);
    // A query already running when its conversation ended still commits its answer and query.completed.
    this.store.completeQuery(
      {
        query_id: query.queryId,
        agent_id: query.agentId,
        conversation_id: query.conversationId,
        fingerprint: fingerprintOf(query),
        input: query.input,
        params: JSON.stringify(query.params),
        verified_params: query.verifiedParams ? JSON.stringify(query.verifiedParams) : null,
        output: answer.output,
        status: answer.status,
        sources: JSON.stringify(answer.sources),
        created_at: now,
      },
      { id: event.id, query_id: query.queryId, type: WEBHOOK_EVENT_TYPES.completed, body: JSON.stringify(event), created_at: now },
      {
        started: () => conversationDeliveryOf(startedEventFor(query, now)),
        form: query.formSubmitted ? conversationDeliveryOf(formEventFor(query, now)) : undefined,
      },
    );
    this.outbox.wake();
    return answer;
  }
}

const stoppedAnswer = (streamed: string): Answer => ({ output: streamed, status: 'stopped', sources: [] });

/** A stored answer as the protocol sends it; its sources passed the schema when they were stored. */
export function answerOf(stored: StoredQuery): Answer {
  return { output: stored.output, status: stored.status, sources: JSON.parse(stored.sources) as Source[] };
}

/** Identity of a query for idempotency; the context (page URL, …) and a refreshed signed-params token may change between retries. */
function fingerprintOf(query: ValidQuery): string {
  const params = Object.keys(query.params)
    .sort()
    .map((key) => [key, query.params[key]]);
  const identity = JSON.stringify([query.agentId, query.conversationId, query.input, params]);
  return createHash('sha256').update(identity).digest('hex');
}
