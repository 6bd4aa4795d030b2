import { WEBHOOK_EVENT_TYPES } from '../contract/protocol.js';
import { WebhookEventSchema, type WebhookEvent } from '../contract/webhook-events.js';
import { WebhookVerificationError } from './errors.js';
import { bodyText, readWebhookHeaders, signerFor, toleranceOf, type WebhookBody, type WebhookHeaders } from './webhook-input.js';

export type { WebhookBody, WebhookHeaders } from './webhook-input.js';

export interface VerifyWebhookOptions {
  /** How far the `webhook-timestamp` may be from now, in either direction: a finite number ≥ 0. Default 300 seconds. */
  toleranceSeconds?: number;
}

const encoder = new TextEncoder();
const KNOWN_TYPES: readonly string[] = Object.values(WEBHOOK_EVENT_TYPES);

/** Checks the Standard Webhooks signature and timestamp of an Aicado webhook and returns its typed event. */
export function verifyWebhook(rawBody: WebhookBody, headers: WebhookHeaders, secret: string, options?: VerifyWebhookOptions): WebhookEvent {
  // Arguments first (the caller's mistakes), then the request itself (the sender's).
  const tolerance = toleranceOf(options);
  const signer = signerFor(secret);
  const body = bodyText(rawBody);
  const { id, timestamp, signature: signatureHeader } = readWebhookHeaders(headers);

  // The library signs "id.timestamp.body"; its own verify() has a fixed tolerance, so only its signer is used.
  const expected = encoder.encode(signer.sign(id, new Date(timestamp * 1000), body).slice('v1,'.length));
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
  const type = typeOf(json);
  if (type !== undefined && !KNOWN_TYPES.includes(type)) {
    throw new WebhookVerificationError(
      'invalid_payload',
      `The webhook body's type is ${JSON.stringify(type.slice(0, 100))}, not one of ${KNOWN_TYPES.join(', ')} (an Aicado newer than this aicado-embed may send types it does not know: update it)`,
    );
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

/** The `type` of a JSON object when it is a string; undefined for anything else. */
function typeOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const type: unknown = (json as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
