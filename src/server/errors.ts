import { CodedError, isNamedError } from '../contract/errors.js';

/**
 * Why a webhook was refused. The sender's: `missing_headers` (also present but malformed), `bad_signature`,
 * `expired`, `invalid_payload`. The caller's (the arguments, not the request): `invalid_body` (not the raw
 * body, e.g. already parsed), `invalid_headers`, `invalid_secret`, `invalid_options`.
 */
export type WebhookVerificationErrorCode =
  | 'missing_headers'
  | 'bad_signature'
  | 'expired'
  | 'invalid_payload'
  | 'invalid_body'
  | 'invalid_headers'
  | 'invalid_secret'
  | 'invalid_options';

/** Thrown by `verifyWebhook` when a request is not a genuine, fresh, well-formed Aicado webhook. */
export class WebhookVerificationError extends CodedError<WebhookVerificationErrorCode> {
  override readonly name = 'WebhookVerificationError' as const;

  constructor(code: WebhookVerificationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options?.cause);
  }
}

/** True for a WebhookVerificationError, also one from another realm or bundle copy, where `instanceof` fails. */
export const isWebhookVerificationError = (value: unknown): value is WebhookVerificationError =>
  value instanceof WebhookVerificationError || isNamedError(value, 'WebhookVerificationError');
