import { Webhook } from 'standardwebhooks';
import { WebhookEventSchema, type WebhookEvent } from '../contract/schemas.js';
import { HEADERS } from '../contract/protocol.js';
import { WebhookVerificationError } from './errors.js';

export interface VerifyWebhookOptions {
  /** How far the `webhook-timestamp` may be from now, in either direction. Default 300 seconds. */
  toleranceSeconds?: number;
}

/** A Fetch `Headers`, or a plain object such as Node's `IncomingMessage#headers` (any letter case). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** The raw request body exactly as received: text or bytes. */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

const DEFAULT_TOLERANCE_SECONDS = 300;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Checks the Standard Webhooks signature and timestamp of an Aicado webhook and returns its typed event. */
export function verifyWebhook(
  rawBody: WebhookBody,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): WebhookEvent {
  const id = readHeader(headers, HEADERS.webhookId);
  const timestampHeader = readHeader(headers, HEADERS.webhookTimestamp);
  const signatureHeader = readHeader(headers, HEADERS.webhookSignature);
  const missing = [
    id ? undefined : HEADERS.webhookId,
    timestampHeader ? undefined : HEADERS.webhookTimestamp,
    signatureHeader ? undefined : HEADERS.webhookSignature,
  ].filter((name) => name !== undefined);
  if (!id || !timestampHeader || !signatureHeader) {
    throw new WebhookVerificationError('missing_headers', `Missing webhook header(s): ${missing.join(', ')}`);
  }
  if (!/^\d{1,15}$/.test(timestampHeader)) {
    throw new WebhookVerificationError(
      'missing_headers',
      `webhook-timestamp must be a Unix time in whole seconds, got "${timestampHeader.slice(0, 40)}"`,
    );
  }

  const body = typeof rawBody === 'string' ? rawBody : decoder.decode(rawBody);
  const timestamp = Number(timestampHeader);
  // The library signs "id.timestamp.body"; its own verify() has a fixed tolerance, so only its signer is used.
  const expected = encoder.encode(createSigner(secret).sign(id, new Date(timestamp * 1000), body).slice('v1,'.length));
  const candidates = signatureHeader
    .split(/\s+/)
    .map((entry) => entry.replace(/,$/, '')) // tolerates duplicate headers joined with ", "
    .filter((entry) => entry.startsWith('v1,'));
  if (candidates.length === 0) {
    throw new WebhookVerificationError('bad_signature', 'webhook-signature has no "v1,<base64>" entry');
  }
  // Every entry is compared (no early exit) so timing does not reveal which one matched.
  let matched = false;
  for (const candidate of candidates) {
    if (timingSafeEqual(encoder.encode(candidate.slice('v1,'.length)), expected)) matched = true;
  }
  if (!matched) {
    throw new WebhookVerificationError(
      'bad_signature',
      'No webhook-signature entry matches the body: the secret is wrong or the body was changed (verify the raw bytes, not re-serialised JSON)',
    );
  }

  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const skew = Math.floor(Date.now() / 1000) - timestamp;
  if (skew > tolerance) {
    throw new WebhookVerificationError('expired', `webhook-timestamp is ${skew} s old; at most ${tolerance} s are accepted`);
  }
  if (-skew > tolerance) {
    throw new WebhookVerificationError(
      'expired',
      `webhook-timestamp is ${-skew} s in the future; at most ${tolerance} s are accepted (check the clocks)`,
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new WebhookVerificationError('invalid_payload', 'The webhook body is not valid JSON', { cause });
  }
  const parsed = WebhookEventSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(body)');
    throw new WebhookVerificationError(
      'invalid_payload',
      `The webhook body is not an Aicado event; invalid field(s): ${[...new Set(fields)].join(', ')}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function createSigner(secret: string): Webhook {
  try {
    return new Webhook(secret);
  } catch (cause) {
    throw new TypeError('The webhook secret must be the "whsec_<base64>" value Aicado gave you', { cause });
  }
}

function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name)?.trim() || undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(' ') : value;
    return text.trim() || undefined;
  }
  return undefined;
}

function isFetchHeaders(headers: WebhookHeaders): headers is Headers {
  return typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function';
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
