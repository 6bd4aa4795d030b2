import { WEBHOOK_HEADERS, type AicadoErrorCode } from '../contract/protocol.js';
import type { WebhookEvent } from '../contract/webhook-events.js';
import { isWebhookVerificationError, WebhookVerificationError } from './errors.js';
import { BodyReadError, discard, readBodyCapped } from './read-body.js';
import { type ClaimResult, claimResultOf, dedupeStoreOf, type WebhookDedupeStore } from './dedupe-store.js';
import { dispatcherOf, type WebhookEventHandler, type WebhookEventHandlers } from './event-handlers.js';
import { verifyWebhook } from './verify.js';
import { readWebhookHeaders, signerFor, toleranceOf } from './webhook-input.js';

/** A claim outlives the sender's 15 s timeout, so a retry meets a live claim while a slow handler still runs. */
const DEFAULT_LEASE_MS = 60_000;

/** Aicado webhooks are a few KB; a body this large is refused with 413 before it fills memory. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

interface WebhookHandlerSettings<Tx> {
  /** The endpoint's `whsec_…` secret. */
  secret: string;
  /** Runs for every verified event (with a store, once per `webhook-id`), before the `on` handler of its type; throwing answers 500 so Aicado retries. */
  onEvent?: WebhookEventHandler<WebhookEvent, Tx>;
  /** Handlers by event type, each given its own event: `{ 'conversation.ended': (event) => … }`. An event of a type without one (and without `onEvent`) is acknowledged. */
  on?: WebhookEventHandlers<Tx>;
  toleranceSeconds?: number;
  /** Where handled ids are claimed and marked; without one every delivery runs the handlers. */
  store?: WebhookDedupeStore<Tx>;
  /** How long a claim holds before another delivery may take the id over (its process died), in ms; default 60,000. Keep it longer than the handlers take. */
  leaseMs?: number;
  /** Largest body accepted, in bytes; default 1 MB (1,048,576). Larger ones get 413 `body_too_large`. */
  maxBodyBytes?: number;
}

/** The options of `createWebhookHandler`: `onEvent`, `on`, or both. */
export type WebhookHandlerOptions<Tx = unknown> = WebhookHandlerSettings<Tx> &
  (Required<Pick<WebhookHandlerSettings<Tx>, 'onEvent'>> | Required<Pick<WebhookHandlerSettings<Tx>, 'on'>>);

/** Makes a fetch-style route (`Request` → `Response`) that verifies, dedupes and dispatches Aicado webhooks. */
export function createWebhookHandler<Tx = unknown>(options: WebhookHandlerOptions<Tx>): (request: Request) => Promise<Response> {
  const { secret } = options;
  // A misconfiguration throws here, at start-up, instead of refusing every delivery until they die.
  signerFor(secret);
  const dispatch = dispatcherOf<Tx>(options.onEvent, options.on);
  const verifyOptions = { toleranceSeconds: toleranceOf(options) };
  const maxBodyBytes = maxBodyBytesOf(options.maxBodyBytes);
  const store = dedupeStoreOf(options.store);
  const leaseMs = leaseMsOf(options.leaseMs);
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
    if (!store) return (await runHandler(() => dispatch(event, request, { tx: undefined }))) ?? json(200, { ok: true });
    if (store.transaction)
      return handleInTransaction(store, store.transaction.bind(store), id, leaseMs, (tx) => dispatch(event, request, { tx }));

    let claim: ClaimResult;
    try {
      claim = claimResultOf(await store.claim(id, leaseMs));
    } catch (error) {
      return storeUnavailable(error);
    }
    if (claim !== 'claimed') return answerToUnclaimed(claim, id);
    const failed = await runHandler(() => dispatch(event, request, { tx: undefined }));
    if (failed) {
      await releaseQuietly(store, id);
      return failed;
    }
    try {
      await store.complete(id);
    } catch (error) {
      // The handler ran: acknowledging is true, while a retry would only meet the claim and, once its lease
      // ends, run the handler a second time.
      console.error(`aicado webhook ${id} was handled, but the store could not mark it done`, error);
    }
    return json(200, { ok: true });
  };
}

/** Runs the handler inside the store's transaction: its writes through `tx` commit with the id's completion. */
async function handleInTransaction<Tx>(
  store: WebhookDedupeStore<Tx>,
  transaction: NonNullable<WebhookDedupeStore<Tx>['transaction']>,
  id: string,
  leaseMs: number,
  run: (tx: Tx) => void | Promise<void>,
): Promise<Response> {
  let failed: Response | undefined;
  try {
    const claim = claimResultOf(
      await transaction(id, leaseMs, async (tx) => {
        failed = await runHandler(() => run(tx));
        // Throwing rolls the transaction back, the claim with it.
        if (failed) throw new Error(`The webhook handler failed for ${id}`);
      }),
    );
    if (!failed) return claim === 'claimed' ? json(200, { ok: true }) : answerToUnclaimed(claim, id);
  } catch (error) {
    if (!failed) return storeUnavailable(error);
  }
  // A store that took the claim before its transaction lets it go now rather than when the lease ends.
  await releaseQuietly(store, id);
  return failed;
}

/** Resolves with a 500 response when the handler throws, undefined when it succeeds. */
async function runHandler(run: () => void | Promise<void>): Promise<Response | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    console.error('aicado webhook handler failed', error);
    return json(500, { error: { code: 'handler_failed', message: 'The webhook handler failed; the delivery will be retried' } });
  }
}

/** A release that fails only delays the next run until the lease ends, so the handler's 500 stands. */
async function releaseQuietly(store: WebhookDedupeStore, id: string): Promise<void> {
  try {
    await store.release(id);
  } catch (error) {
    console.error(`aicado webhook store could not release its claim of ${id}`, error);
  }
}

function answerToUnclaimed(claim: 'done' | 'busy', id: string): Response {
  if (claim === 'done') return json(200, { ok: true, duplicate: true });
  // A retry can arrive while the first delivery is still being handled (a slow handler outlives the
  // sender's timeout): it is told to come back later instead of running the handler a second time.
  return json(409, { error: { code: 'in_progress', message: `Webhook ${id} is being handled; retry later` } }, { 'retry-after': '5' });
}

/** The store is down: Aicado retries later, and nothing is acknowledged that was not handled. */
function storeUnavailable(error: unknown): Response {
  console.error('aicado webhook store unavailable', error);
  return json(
    503,
    { error: { code: 'store_unavailable', message: 'The dedupe store is unavailable; the delivery will be retried' } },
    { 'retry-after': '10' },
  );
}

function leaseMsOf(value: unknown): number {
  if (value === undefined) return DEFAULT_LEASE_MS;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new WebhookVerificationError(
      'invalid_options',
      `leaseMs must be a whole number of milliseconds ≥ 1 (default ${DEFAULT_LEASE_MS}, longer than the sender's timeout), got ${String(value)}`,
    );
  }
  return value;
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
