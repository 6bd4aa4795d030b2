import { Webhook } from 'standardwebhooks';
import { parseRetryAfter, webhookRetryDelay } from './webhook-retry.js';
import type { AttemptOutcome, BackendStore, DeliveryRow } from './store.js';

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
  /** Attempts in flight at once; enough to keep pace with a receiver that takes ~100 ms per answer. */
  maxConcurrent?: number;
}

/** How much of a receiver's answer is read: enough for an error message, never a flood. */
const SNIPPET_BYTES = 512;
const SNIPPET_CHARS = 200;

/** Delivers committed webhook rows at least once: signs each attempt, retries on a schedule, survives restarts. */
export class WebhookOutbox {
  private readonly signers = new Map<string, Webhook>();
  private readonly pollIntervalMs: number;
  private readonly maxConcurrent: number;
  private readonly attempts = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wakePending = false;
  private closed = false;

  constructor(private readonly options: WebhookOutboxOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.maxConcurrent = options.maxConcurrent ?? 64;
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
      store.recordAttempt(row.id, { status: 'dead', error: `agent "${row.agent_id}" is no longer served by this backend: nowhere to deliver` });
      this.options.log(`outbox: ${row.id} → dead: agent "${row.agent_id}" is not configured`);
      return;
    }
    const timeout = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    let outcome: AttemptOutcome;
    try {
      const timestamp = new Date();
      const response = await fetch(endpoint.url, {
        method: 'POST',
        redirect: 'manual', // a redirect is a failed delivery, not something to follow
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'aicado-reference-backend',
          'webhook-id': row.id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': this.signerFor(endpoint.secret).sign(row.id, timestamp, row.body),
        },
        body: row.body,
      });
      const snippet = await readSnippet(response);
      outcome = this.outcomeOf(attemptNumber, response, snippet);
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
    store.recordAttempt(row.id, outcome);
    const detail = outcome.status === 'delivered' ? '' : `: ${outcome.error}`;
    this.options.log(`outbox: ${row.id} attempt ${attemptNumber} → ${outcome.status}${detail}`);
  }

  private signerFor(secret: string): Webhook {
    let signer = this.signers.get(secret);
    if (!signer) this.signers.set(secret, (signer = new Webhook(secret)));
    return signer;
  }

  private outcomeOf(attemptNumber: number, response: Response, snippet: string): AttemptOutcome {
    if (response.status >= 200 && response.status < 300) return { status: 'delivered', at: Date.now() };
    const error = `HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`;
    if (response.status === 410) return { status: 'stopped', error: `${error} (410 Gone: the endpoint asked to stop)` };
    return this.failure(attemptNumber, error, parseRetryAfter(response.headers.get('retry-after'), Date.now()));
  }

  private failure(attemptNumber: number, error: string, retryAfterMs: number | undefined): AttemptOutcome {
    const delay = webhookRetryDelay(this.options.retrySchedule, attemptNumber, retryAfterMs);
    if (delay === undefined) return { status: 'dead', error: `${error} (gave up after ${attemptNumber} attempts)` };
    return { status: 'pending', error, nextAttemptAt: Date.now() + delay };
  }
}

/** The start of a receiver's answer, as one line; the rest is never read, and the body is cancelled. */
async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      const piece = value.subarray(0, SNIPPET_BYTES - size);
      chunks.push(piece);
      size += piece.byteLength;
    }
  } catch {
    // A body that fails midway still gave its start; the status says the rest.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  chunks.reduce((offset, chunk) => (bytes.set(chunk, offset), offset + chunk.byteLength), 0);
  return new TextDecoder().decode(bytes).replace(/\s+/g, ' ').trim().slice(0, SNIPPET_CHARS);
}

function describeFetchError(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason.message : 'aborted';
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `network error: ${detail}`;
}
