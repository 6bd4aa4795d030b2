export { verifyWebhook } from './verify.js';
export type { VerifyWebhookOptions, WebhookBody, WebhookHeaders } from './verify.js';
export { createWebhookHandler, createMemoryDedupeStore } from './handler.js';
export type { WebhookDedupeStore, WebhookHandlerOptions } from './handler.js';
export { WebhookVerificationError, isWebhookVerificationError } from './errors.js';
export type { WebhookVerificationErrorCode } from './errors.js';
export type { WebhookEvent } from '../contract/protocol.js';
