/** Why a webhook was refused; `missing_headers` also covers headers that are present but malformed. */
export type WebhookVerificationErrorCode = 'missing_headers' | 'bad_signature' | 'expired' | 'invalid_payload';

/** Thrown by `verifyWebhook` when a request is not a genuine, fresh, well-formed Aicado webhook. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError' as const;
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for a WebhookVerificationError, also one from another realm or bundle copy, where `instanceof` fails. */
export function isWebhookVerificationError(value: unknown): value is WebhookVerificationError {
  return (
    value instanceof WebhookVerificationError ||
    (Object.prototype.toString.call(value) === '[object Error]' && (value as Error).name === 'WebhookVerificationError')
  );
}
