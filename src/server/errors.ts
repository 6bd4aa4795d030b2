import { CodedError, isNamedError } from '../contract/errors.js';

/** Why a webhook was refused; `missing_headers` also covers headers that are present but malformed. */
export type WebhookVerificationErrorCode = 'missing_headers' | 'bad_signature' | 'expired' | 'invalid_payload';

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
