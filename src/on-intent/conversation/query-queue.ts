import { AicadoError, abandonedError, isAicadoError } from '../../contract/errors.js';
import type { QueryRequest } from '../../contract/schemas.js';
import { QUERY_ACTIONS } from '../../contract/protocol.js';
import type { QueryAnswer } from '../../at-load/core/agent-state.js';
import type { QueryQueueHost } from './query-queue-host.js';
import { QUERY_RETRY, isRetryable, queryRetryDelay } from './query-retry.js';

/**
 * A query another tab sent is asked for only after this long: its own tab asks for the lock at once, but
 * a browser may register that request after this tab's (Chromium does, under load). This tab is there to
 * take the query over should its tab go away, not to race it.
 */
export const TAKEOVER_DELAY_MS = 1000;

/**
 * The queries of one conversation that have not been answered yet, each run with its retries. A query
 * runs at most once at a time: a second `run` of the same id (a resume racing a retry) joins the first,
 * and across tabs the host's `exclusive` lets one tab run it while the others wait to see how it ends.
 * A query that failed for good leaves the stored queue (it is kept in memory only, for `retry`).
 */
export class QueryQueue {
  #pending: QueryRequest[];
  readonly #failed = new Map<string, QueryRequest>();
  readonly #running = new Map<string, Promise<QueryAnswer>>();
  readonly #stopping = new Map<string, Promise<QueryAnswer>>();
  /** Queries whose attempts run in this tab (it holds their lock). */
  readonly #owned = new Set<string>();

  constructor(
    private readonly host: QueryQueueHost,
    stored: readonly QueryRequest[] = [],
  ) {
    this.#pending = [...stored];
  }

  /** What survives a reload: the pending queries, without any token (the one in force is added when sent). */
  get stored(): QueryRequest[] {
    return this.#pending.map(({ signed_params: _token, ...request }) => request);
  }

  /** Queues a new query and runs it. */
  add(request: QueryRequest): Promise<QueryAnswer> {
    this.#pending.push(request);
    // Run first: it asks for the query's lock as soon as it can, the other tabs only TAKEOVER_DELAY_MS after hearing of it.
    const run = this.#run(request, false);
    this.host.onChange();
    return run;
  }

  /** Runs every stored query that is not running yet (after a reload). */
  resume(): void {
    for (const request of this.#pending) this.#run(request, true).catch(() => undefined);
  }

  /** Sends a failed query again, with its id and the params it was first sent with. */
  retry(queryId: string): Promise<QueryAnswer> {
    const failed = this.#failed.get(queryId);
    if (failed) {
      this.#failed.delete(queryId);
      this.#pending.push(failed);
      const run = this.#run(failed, false);
      this.host.onChange();
      return run;
    }
    const pending = this.#pending.find((r) => r.query_id === queryId);
    if (!pending) return Promise.reject(new AicadoError('unknown_query', `No failed query with id ${queryId}`));
    return this.#run(pending, false);
  }

  /**
   * Takes the pending queries another tab stored: new ones are run (they wait for the tab that holds
   * them, and are taken over if it goes away); ones no longer pending are dropped, unless run here.
   */
  adopt(stored: readonly QueryRequest[]): void {
    const ids = new Set(stored.map((r) => r.query_id));
    this.#pending = this.#pending.filter((r) => ids.has(r.query_id) || this.#owned.has(r.query_id));
    for (const request of stored) {
      if (this.#pending.some((r) => r.query_id === request.query_id)) continue;
      this.#pending.push(request);
      this.#run(request, true, TAKEOVER_DELAY_MS).catch(() => undefined);
    }
  }

  /**
   * Stops a pending query: it leaves the stored queue at once (never sent again, not after a reload) and
   * the API is asked to stop its model run. Resolves with the API's answer for it — stopped, or completed
   * if that came first — or, when the API cannot be told, with `shown` as the stopped output. The query's
   * run, if any, resolves with the same. Undefined when the query is not pending.
   */
  stop(queryId: string, shown: string): Promise<QueryAnswer> | undefined {
    const request = this.#pending.find((r) => r.query_id === queryId);
    if (!request) return this.#stopping.get(queryId);
    this.#settle(request);
    this.host.onChange();
    const fallback: QueryAnswer = { queryId, output: shown, status: 'stopped', sources: [] };
    const { host } = this;
    const stopping = host.transport
      .postQueryAction(host.apiBase, host.agentId, queryId, QUERY_ACTIONS.stop, { conversation_id: request.conversation_id })
      .then(
        (answer) => answer ?? fallback,
        () => fallback,
      );
    this.#stopping.set(queryId, stopping);
    return stopping;
  }

  /** Forgets every query; their runs see that they were abandoned (the caller cancels the scope). */
  clear(): void {
    this.#pending = [];
    this.#failed.clear();
    this.#running.clear();
    this.#stopping.clear();
  }

  #run(request: QueryRequest, resumed: boolean, delayMs = 0): Promise<QueryAnswer> {
    const id = request.query_id;
    const running = this.#running.get(id);
    if (running) return running;
    // A reset, identify or destroy abandons the query; it must never be sent after that.
    const abandoned = () => !this.#pending.includes(request);
    const runExclusively = () => this.host.exclusive(id, () => this.#attempts(request, resumed, abandoned), abandoned, resumed);
    // Without a delay the lock is asked for at once.
    const run = (delayMs ? this.host.scope.sleep(delayMs).then(runExclusively) : runExclusively())
      // Abandoned before its turn came: a stopped query ends with the stop's answer, any other is aborted.
      .then((answer) => answer ?? this.#stopping.get(id) ?? Promise.reject(new AicadoError('aborted', 'The query was abandoned')))
      .finally(() => {
        if (this.#running.get(id) === run) this.#running.delete(id);
      });
    this.#running.set(id, run);
    return run;
  }

  async #attempts(request: QueryRequest, resumed: boolean, abandoned: () => boolean): Promise<QueryAnswer> {
    const queryId = request.query_id;
    // Waiting for the lock, this tab may have missed that another tab finished the query.
    const elsewhere = this.host.settledElsewhere(queryId, resumed);
    if (elsewhere) {
      this.#settle(request);
      if (isAicadoError(elsewhere)) throw elsewhere;
      return elsewhere;
    }
    this.#owned.add(queryId);
    try {
      return await this.#attemptsInThisTab(request, abandoned);
    } finally {
      this.#owned.delete(queryId);
    }
  }

  async #attemptsInThisTab(request: QueryRequest, abandoned: () => boolean): Promise<QueryAnswer> {
    const { host } = this;
    const queryId = request.query_id;
    // A query for a conversation the API ended moves, once, to a new conversation, with the same query id.
    let moved = false;
    for (let attempt = 0; ; attempt++) {
      try {
        if (abandoned()) throw new AicadoError('aborted', 'The query was abandoned');
        host.onAttempt(queryId, attempt);
        await host.online();
        // Nothing is sent if the query was abandoned while offline.
        if (abandoned()) throw new AicadoError('aborted', 'The query was abandoned');
        // The token in force now: a query resent after a reload or a refresh must not carry an expired one.
        // Pending queries are stored per identity, so the current token is the same user's.
        const refused = host.refusal();
        if (refused) throw refused;
        const token = host.token();
        if (token) request.signed_params = token;
        else delete request.signed_params;
        const answer = await host.transport.attemptQuery({
          apiBase: host.apiBase,
          agentId: host.agentId,
          request,
          scope: host.scope,
          onDelta: (text) => host.onDelta(queryId, text),
          onStatus: (text) => host.onStatus(queryId, text),
        });
        this.#settle(request);
        host.onAnswer(queryId, answer);
        return answer;
      } catch (cause) {
        if (abandoned()) {
          // A stopped query ends with the stop's answer instead of being retried.
          const stopping = this.#stopping.get(queryId);
          if (stopping) return stopping;
          throw abandonedError(cause);
        }
        const error = isAicadoError(cause) ? cause : new AicadoError('network', String(cause), { cause });
        if (error.code === 'conversation_ended' && !moved) {
          moved = true;
          request.conversation_id = host.conversationEnded(queryId, request.conversation_id);
          host.onChange();
          continue;
        }
        if (isRetryable(error) && attempt + 1 < QUERY_RETRY.maxAttempts) {
          host.onRetrying(queryId);
          await host.scope.sleep(queryRetryDelay(attempt, error.retryAfterMs));
          continue;
        }
        this.#settle(request);
        this.#failed.set(queryId, request);
        host.onFailure(queryId, error);
        throw error;
      }
    }
  }

  /** Takes a query out of the stored queue; the caller stores the new state. */
  #settle(request: QueryRequest): void {
    this.#pending = this.#pending.filter((r) => r !== request);
  }
}
