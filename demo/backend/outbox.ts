import { Webhook } from 'standardwebhooks';
import { WEBHOOK_HEADERS } from '../../src/contract/protocol.js';
import { parseRetryAfter, webhookRetryDelay } from './webhook-retry.js';
import type { AttemptOutcome, BackendStore, DeliveryRow } from './store.js';
import { WebhookPoster, type WebhookAnswer } from './webhook-post.js';

/** Where an agent's webhooks go and the secret that signs them. */
export interface WebhookEndpoint {
  url: string;
  secret: string;
}

export interface WebhookOutboxOptions {
  store: BackendStore;
  /** The endpoint of an agent as configured now, or undefined for an agent no longer served. */
  endpointOf: (agentId: string) => WebhookEndpoint | undefined;
  retrySchedule: readonly number[];
  timeoutMs: number;
  log: (message: string) => void;
  /** Upper bound between two looks at the table, in case a wake-up is missed. */
  pollIntervalMs?: number;
  /** Attempts in flight at once (default 256); deliveries keep pace only with enough of them. */
  maxConcurrent?: number;
}

/** Delivers committed webhook rows at least once: signs each attempt, retries on a schedule, survives restarts. */
export class WebhookOutbox {
  private readonly signers = new Map<string, Webhook>();
  private readonly pollIntervalMs: number;
  private readonly maxConcurrent: number;
  /** One poster (kept-alive connections) per receiver URL. */
  private readonly posters = new Map<string, WebhookPoster>();
  private readonly attempts = new Map<string, { controller: AbortController; done: Promise<void> }>();
  /** Outcomes waiting to be written, in one transaction per turn of the event loop. */
  private readonly outcomes: { id: string; outcome: AttemptOutcome }[] = [];
  private flushPending = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wakePending = false;
  private closed = false;

  constructor(private readonly options: WebhookOutboxOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.maxConcurrent = options.maxConcurrent ?? 256;
  }

  /** Starts polling; rows left undelivered by a previous process are picked up right away. */
  start(): void {
    this.wake();
  }

  /**
   * Looks for due rows soon, e.g. right after a new row was committed. Wake-ups coalesce into one look
   * per turn of the event loop and never push it back: re-arming a timer on every commit starved delivery
   * as long as commits came less than 1 ms apart.
   */
  wake(): void {
    if (this.closed || this.wakePending) return;
    this.wakePending = true;
    setImmediate(() => {
      this.wakePending = false;
      this.tick();
    });
  }

  /** Stops polling and aborts running attempts; their rows stay pending, uncounted, for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    for (const { controller } of this.attempts.values()) controller.abort(new Error('backend shutting down'));
    await Promise.all([...this.attempts.values()].map(({ done }) => done));
    this.flush();
    for (const poster of this.posters.values()) poster.close();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), Math.max(0, delayMs));
    this.timer.unref?.();
  }

  private tick(): void {
    if (this.closed) return;
    try {
      const free = this.maxConcurrent - this.attempts.size;
      if (free > 0) {
        for (const row of this.options.store.claimDueDeliveries(Date.now(), free)) this.launch(row);
      }
      const next = this.options.store.nextDueAt();
      const wait = next === undefined ? this.pollIntervalMs : Math.min(this.pollIntervalMs, next - Date.now());
      this.schedule(this.attempts.size >= this.maxConcurrent ? this.pollIntervalMs : wait);
    } catch (error) {
      // A timer callback must not throw: that would end the process. Try again at the next poll.
      this.options.log(`outbox: polling failed: ${error instanceof Error ? error.message : String(error)}`);
      this.schedule(this.pollIntervalMs);
    }
  }

  private launch(row: DeliveryRow): void {
    const controller = new AbortController();
    const done = this.attempt(row, controller)
      .catch((error: unknown) => this.options.log(`outbox: attempt of ${row.id} failed unexpectedly: ${String(error)}`))
      .finally(() => {
        this.attempts.delete(row.id);
        this.wake();
      });
    this.attempts.set(row.id, { controller, done });
  }

  private async attempt(row: DeliveryRow, controller: AbortController): Promise<void> {
    const { store, timeoutMs } = this.options;
    const attemptNumber = row.attempts + 1;
    // Looked up on every attempt, so a restart with a new URL or a rotated secret applies to pending rows.
    const endpoint = this.options.endpointOf(row.agent_id);
    if (!endpoint) {
      this.record(row.id, { status: 'dead', error: `agent "${row.agent_id}" is no longer served by this backend: nowhere to deliver` });
      this.options.log(`outbox: ${row.id} → dead: agent "${row.agent_id}" is not configured`);
      return;
    }
    const timeout = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    let outcome: AttemptOutcome;
    try {
      const timestamp = new Date();
      const answer = await this.posterFor(endpoint.url).post(
        {
          'content-type': 'application/json',
          'user-agent': 'aicado-reference-backend',
          [WEBHOOK_HEADERS.id]: row.id,
          [WEBHOOK_HEADERS.timestamp]: String(Math.floor(timestamp.getTime() / 1000)),
          [WEBHOOK_HEADERS.signature]: this.signerFor(endpoint.secret).sign(row.id, timestamp, row.body),
        },
        row.body,
        controller.signal,
      );
      outcome = this.outcomeOf(attemptNumber, answer);
    } catch (error) {
      if (this.closed) {
        store.releaseDelivery(row.id);
        return;
      }
      outcome = this.failure(attemptNumber, describeFetchError(error, controller.signal), undefined);
    } finally {
      clearTimeout(timeout);
    }
    if (this.closed && outcome.status === 'pending') {
      store.releaseDelivery(row.id);
      return;
    }
    this.record(row.id, outcome);
    // Deliveries are listed by GET /v1/deliveries; the log tells only what went wrong.
    if (outcome.status !== 'delivered')
      this.options.log(`outbox: ${row.id} attempt ${attemptNumber} → ${outcome.status}: ${outcome.error}`);
  }

  /**
   * Queues an outcome for the next flush. Until then its row stays claimed (in flight); a crash before
   * the flush makes it due again on restart, so it is redelivered: at least once, never lost.
   */
  private record(id: string, outcome: AttemptOutcome): void {
    this.outcomes.push({ id, outcome });
    if (this.flushPending) return;
    this.flushPending = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushPending = false;
    const batch = this.outcomes.splice(0);
    if (batch.length === 0) return;
    try {
      this.options.store.recordAttempts(batch);
    } catch (error) {
      this.options.log(`outbox: recording ${batch.length} attempt(s) failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private posterFor(url: string): WebhookPoster {
    let poster = this.posters.get(url);
    if (!poster) this.posters.set(url, (poster = new WebhookPoster(url, this.maxConcurrent)));
    return poster;
  }

  private signerFor(secret: string): Webhook {
    let signer = this.signers.get(secret);
    if (!signer) this.signers.set(secret, (signer = new Webhook(secret)));
    return signer;
  }

  private outcomeOf(attemptNumber: number, { status, snippet, retryAfter }: WebhookAnswer): AttemptOutcome {
    if (status >= 200 && status < 300) return { status: 'delivered', at: Date.now() };
    const error = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
    if (status === 410) return { status: 'stopped', error: `${error} (410 Gone: the endpoint asked to stop)` };
    return this.failure(attemptNumber, error, parseRetryAfter(retryAfter, Date.now()));
  }

  private failure(attemptNumber: number, error: string, retryAfterMs: number | undefined): AttemptOutcome {
    const delay = webhookRetryDelay(this.options.retrySchedule, attemptNumber, retryAfterMs);
    if (delay === undefined) return { status: 'dead', error: `${error} (gave up after ${attemptNumber} attempts)` };
    return { status: 'pending', error, nextAttemptAt: Date.now() + delay };
  }
}

function describeFetchError(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason.message : 'aborted';
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const detail = code ?? message ?? String(error);
  return `network error: ${detail}`;
}
