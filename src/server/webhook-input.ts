import { Webhook } from 'standardwebhooks';
import { WEBHOOK_HEADERS, WEBHOOK_SECRET_PATTERN } from '../contract/protocol.js';
import { WebhookVerificationError } from './errors.js';

// Checks of what the caller passes to verifyWebhook, so a wrong kind of argument is explained by a
// WebhookVerificationError instead of surfacing as a TypeError from deep inside a library.

/** A Fetch `Headers`, or a plain object such as Node's `IncomingMessage#headers` (any letter case). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** The raw request body exactly as received: text or bytes. */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

export interface WebhookHeaderValues {
  id: string;
  timestamp: number;
  signature: string;
}

const RAW_BODY_HINT =
  "pass the raw body exactly as received (a string or bytes) and parse it only after verifying; in Express, use express.raw({ type: 'application/json' }) on the webhook route, not express.json()";
const DEFAULT_TOLERANCE_SECONDS = 300;
const decoder = new TextDecoder();

/** The body as text; anything but a string or bytes (e.g. a parsed JSON object) is refused. */
export function bodyText(rawBody: unknown): string {
  if (typeof rawBody === 'string') return rawBody;
  if (rawBody instanceof Uint8Array || rawBody instanceof ArrayBuffer) return decoder.decode(rawBody);
  throw new WebhookVerificationError('invalid_body', `The webhook body is ${describe(rawBody)}: ${RAW_BODY_HINT}`);
}

/** Reads the three Standard Webhooks headers; `missing_headers` names each one absent or malformed. */
export function readWebhookHeaders(headers: unknown): WebhookHeaderValues {
  if (!isFetchHeaders(headers) && (typeof headers !== 'object' || headers === null || Array.isArray(headers))) {
    throw new WebhookVerificationError(
      'invalid_headers',
      `The webhook headers are ${describe(headers)}: pass the request's headers, a Fetch Headers or a plain object such as req.headers`,
    );
  }
  const source = headers as Headers | Record<string, unknown>;
  const id = readHeader(source, WEBHOOK_HEADERS.id);
  const timestamp = readHeader(source, WEBHOOK_HEADERS.timestamp);
  const signature = readHeader(source, WEBHOOK_HEADERS.signature);
  if (!id || !timestamp || !signature) {
    const missing = [!id && WEBHOOK_HEADERS.id, !timestamp && WEBHOOK_HEADERS.timestamp, !signature && WEBHOOK_HEADERS.signature].filter(
      Boolean,
    );
    throw new WebhookVerificationError('missing_headers', `Missing webhook header(s): ${missing.join(', ')}`);
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError(
      'missing_headers',
      `${WEBHOOK_HEADERS.timestamp} must be a Unix time in whole seconds, got "${timestamp.slice(0, 40)}"`,
    );
  }
  return { id, timestamp: Number(timestamp), signature };
}

/** The signer for a `whsec_…` secret. */
export function signerFor(secret: unknown): Webhook {
  const refuse = (cause?: unknown) =>
    new WebhookVerificationError(
      'invalid_secret',
      `The webhook secret must be the "whsec_<base64>" value Aicado gave you, got ${typeof secret === 'string' ? `a string of ${secret.length} characters` : describe(secret)}`,
      { cause },
    );
  if (typeof secret !== 'string' || !WEBHOOK_SECRET_PATTERN.test(secret)) throw refuse();
  try {
    return new Webhook(secret);
  } catch (cause) {
    throw refuse(cause);
  }
}

/** The tolerance in seconds: a finite number ≥ 0, or the default. NaN (an unset variable through Number()) is refused. */
export function toleranceOf(options: unknown): number {
  if (options === undefined) return DEFAULT_TOLERANCE_SECONDS;
  if (typeof options !== 'object' || options === null) {
    throw new WebhookVerificationError(
      'invalid_options',
      `The options must be an object such as { toleranceSeconds: 300 }, got ${describe(options)}`,
    );
  }
  const tolerance: unknown = (options as { toleranceSeconds?: unknown }).toleranceSeconds;
  if (tolerance === undefined) return DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new WebhookVerificationError(
      'invalid_options',
      `toleranceSeconds must be a finite number of seconds ≥ 0 (default ${DEFAULT_TOLERANCE_SECONDS}), got ${describe(tolerance)}`,
    );
  }
  return tolerance;
}

function readHeader(headers: Headers | Record<string, unknown>, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name)?.trim() || undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    if (typeof value !== 'string' && !(Array.isArray(value) && value.every((entry) => typeof entry === 'string'))) {
      throw new WebhookVerificationError(
        'invalid_headers',
        `The ${name} header is ${describe(value)}; header values must be strings (or arrays of strings)`,
      );
    }
    const text = Array.isArray(value) ? value.join(' ') : value;
    return text.trim() || undefined;
  }
  return undefined;
}

function isFetchHeaders(headers: unknown): headers is Headers {
  return (
    typeof headers === 'object' &&
    headers !== null &&
    typeof (headers as Headers).get === 'function' &&
    typeof (headers as Headers).has === 'function'
  );
}

/** A value as a message names it: its kind, not its contents. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
