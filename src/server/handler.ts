import { WEBHOOK_HEADERS, type AicadoErrorCode } from '../contract/protocol.js';
import type { WebhookEvent } from '../contract/schemas.js';
import { isWebhookVerificationError, WebhookVerificationError } from './errors.js';
import { BodyReadError, discard, readBodyCapped } from './read-body.js';
import { verifyWebhook } from './verify.js';
import { readWebhookHeaders, signerFor, toleranceOf } from './webhook-input.js';

/** Aicado webhooks are a few KB; a body this large is refused with 413 before it fills memory. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Remembers processed `webhook-id`s so a retried delivery is acknowledged without running `onEvent` again. */
export interface WebhookDedupeStore {
  has(id: string): boolean | Promise<boolean>;
  add(id: string): void | Promise<void>;
}

export interface WebhookHandlerOptions {
  /** The endpoint's `whsec_…` secret. */
  secret: string;
  /** Runs once per verified event; throwing answers 500 so Aicado retries. */
  onEvent(event: WebhookEvent, request: Request): void | Promise<void>;
  toleranceSeconds?: number;
  store?: WebhookDedupeStore;
  /** Largest body accepted, in bytes; default 1 MB (1,048,576). Larger ones get 413 `body_too_large`. */
  maxBodyBytes?: number;
}

/** Makes a fetch-style route (`Request` → `Response`) that verifies, dedupes and dispatches Aicado webhooks. */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const { secret, onEvent, store } = options;
  // A misconfiguration throws here, at start-up, instead of refusing every delivery until they die.
  signerFor(secret);
  const verifyOptions = { toleranceSeconds: toleranceOf(options) };
  const maxBodyBytes = maxBodyBytesOf(options.maxBodyBytes);
  const inFlight = new Set<string>();
  return async (request) => {
    if (request.method !== 'POST') {
      await discard(request);
      return json(405, { error: { code: 'method_not_allowed', message: `Use POST, not ${request.method}` } }, { allow: 'POST' });
    }
    let event: WebhookEvent;
    try {
      readWebhookHeaders(request.headers); // before the body: a request without them is not worth reading
      const body = await readBodyCapped(request, maxBodyBytes);
      event = verifyWebhook(body, request.headers, secret, verifyOptions);
    } catch (error) {
      if (error instanceof BodyReadError) {
        if (error.reason === 'too_large')
          return json(
            413,
            { error: { code: 'body_too_large' satisfies AicadoErrorCode, message: error.message } },
            { connection: 'close' },
          );
        return json(400, { error: { code: 'request_aborted' satisfies AicadoErrorCode, message: error.message } });
      }
      if (!isWebhookVerificationError(error)) throw error;
      await discard(request);
      return json(400, { error: { code: error.code, message: error.message } });
    }
    // Verified above, so the header is present and covered by the signature.
    const id = request.headers.get(WEBHOOK_HEADERS.id) ?? event.id;
    // A retry can arrive while the first delivery is still being handled (a slow handler outlives the
    // sender's timeout): it is told to come back later instead of running the handler a second time.
    if (store && inFlight.has(id)) {
      return json(409, { error: { code: 'in_progress', message: `Webhook ${id} is being handled; retry later` } }, { 'retry-after': '5' });
    }
    inFlight.add(id);
    try {
      if (store && (await store.has(id))) return json(200, { ok: true, duplicate: true });
      await onEvent(event, request);
      await store?.add(id);
    } catch (error) {
      console.error('aicado webhook handler failed', error);
      return json(500, { error: { code: 'handler_failed', message: 'The webhook handler failed; the delivery will be retried' } });
    } finally {
      inFlight.delete(id);
    }
    return json(200, { ok: true });
  };
}

/** An in-memory dedupe store for one process, forgetting the oldest ids beyond `maxEntries` (default 10,000). */
export function createMemoryDedupeStore(options: { maxEntries?: number } = {}): WebhookDedupeStore {
  const maxEntries = options.maxEntries ?? 10_000;
  const seen = new Set<string>();
  return {
    has: (id) => seen.has(id),
    add: (id) => {
      seen.add(id);
      // A Set iterates in insertion order, so the first entry is the oldest.
      for (const oldest of seen) {
        if (seen.size <= maxEntries) break;
        seen.delete(oldest);
      }
    },
  };
}

function maxBodyBytesOf(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_BODY_BYTES;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new WebhookVerificationError(
      'invalid_options',
      `maxBodyBytes must be a whole number of bytes ≥ 1 (default ${DEFAULT_MAX_BODY_BYTES}), got ${String(value)}`,
    );
  }
  return value;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
