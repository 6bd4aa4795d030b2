import { HEADERS } from '../contract/protocol.js';
import type { WebhookEvent } from '../contract/schemas.js';
import { isWebhookVerificationError } from './errors.js';
import { verifyWebhook } from './verify.js';

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
}

/** Makes a fetch-style route (`Request` → `Response`) that verifies, dedupes and dispatches Aicado webhooks. */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const { secret, onEvent, store } = options;
  const inFlight = new Set<string>();
  const verifyOptions = options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds };
  return async (request) => {
    if (request.method !== 'POST') {
      return json(405, { error: { code: 'method_not_allowed', message: `Use POST, not ${request.method}` } }, { allow: 'POST' });
    }
    const body = new Uint8Array(await request.arrayBuffer());
    let event: WebhookEvent;
    try {
      event = verifyWebhook(body, request.headers, secret, verifyOptions);
    } catch (error) {
      if (!isWebhookVerificationError(error)) throw error;
      return json(400, { error: { code: error.code, message: error.message } });
    }
    // Verified above, so the header is present and covered by the signature.
    const id = request.headers.get(HEADERS.webhookId) ?? event.id;
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

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
