import { createHash, randomBytes } from 'node:crypto';
import type { Params } from '../../src/contract/params.js';
import { WEBHOOK_EVENT_TYPE } from '../../src/contract/protocol.js';
import type { QueryContext, WebhookEvent } from '../../src/contract/schemas.js';
import { HttpError } from './http.js';
import type { ChatModel, ModelOutput } from './models/index.js';
import type { WebhookOutbox } from './outbox.js';
import type { BackendStore } from './store.js';

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
}

/** Where a query stands: answered before, being answered by another request, or now claimed by the caller. */
export type QueryState =
  | { kind: 'stored'; output: string }
  | { kind: 'running'; finished: Promise<unknown> }
  | { kind: 'claimed'; claim: QueryClaim };

/**
 * The right to answer a new query_id, held by one request: it runs the model, or releases the claim
 * (its token or rate limit refused it) so a waiting duplicate can claim the query in turn.
 */
export interface QueryClaim {
  run(out: ModelOutput): Promise<string>;
  /** Gives the claim up unless `run` was called; safe to call more than once. */
  release(): void;
}

interface RunningQuery {
  fingerprint: string;
  finished: Promise<unknown>;
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
    private readonly model: ChatModel,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Finds the state of a query_id and, when it is new, claims it in the same synchronous step, so two
   * requests can never both run it. Throws 409 when the query_id was used for a different query.
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
    if (stored) return { kind: 'stored', output: stored.output };
    if (running) return { kind: 'running', finished: running.finished };

    let settle: () => void = () => undefined;
    const entry: RunningQuery = { fingerprint, finished: new Promise<void>((resolve) => (settle = resolve)) };
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
          const finished = this.generateAndCommit(query, out);
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

  /** Aborts running model calls; nothing of theirs is committed, so a retry runs them again. */
  close(): void {
    this.shutdown.abort(new Error('backend shutting down'));
  }

  private async generateAndCommit(query: ValidQuery, out: ModelOutput): Promise<string> {
    const request = { agentId: query.agentId, input: query.input, params: query.params, verifiedParams: query.verifiedParams, context: query.context };
    let output: string;
    try {
      output = await this.model.generate(request, out, this.shutdown.signal);
      this.shutdown.signal.throwIfAborted();
    } catch (error) {
      if (this.shutdown.signal.aborted) {
        throw new HttpError(503, 'unavailable', 'The backend is shutting down; retry with the same query_id');
      }
      this.log(`model ${this.model.name} failed on ${query.queryId}: ${error instanceof Error ? error.message : String(error)}`);
      throw new HttpError(502, 'model_error', 'The model failed to answer; retry with the same query_id');
    }
    const now = Date.now();
    const event = webhookEventFor(query, output, now);
    this.store.completeQuery(
      {
        query_id: query.queryId,
        agent_id: query.agentId,
        conversation_id: query.conversationId,
        fingerprint: fingerprintOf(query),
        input: query.input,
        params: JSON.stringify(query.params),
        output,
        created_at: now,
      },
      { id: event.id, query_id: query.queryId, body: JSON.stringify(event), created_at: now },
    );
    this.outbox.wake();
    return output;
  }
}

/** The `query.completed` event; its serialised bytes are stored once and sent unchanged on every attempt. */
export function webhookEventFor(query: ValidQuery, output: string, now: number): WebhookEvent {
  return {
    type: WEBHOOK_EVENT_TYPE,
    id: `evt_${randomBytes(16).toString('base64url')}`,
    created_at: new Date(now).toISOString(),
    data: {
      agent_id: query.agentId,
      query_id: query.queryId,
      conversation_id: query.conversationId,
      input: query.input,
      output,
      params: query.params,
      ...(query.verifiedParams ? { verified_params: query.verifiedParams } : {}),
      context: query.context,
    },
  };
}

/** Identity of a query for idempotency; the context (page URL, …) and a refreshed signed-params token may change between retries. */
function fingerprintOf(query: ValidQuery): string {
  const params = Object.keys(query.params)
    .sort()
    .map((key) => [key, query.params[key]]);
  const identity = JSON.stringify([query.agentId, query.conversationId, query.input, params]);
  return createHash('sha256').update(identity).digest('hex');
}
