import { Webhook } from 'standardwebhooks';
import type { QueryCompletedEvent } from '../../src/contract/schemas.js';
import { isWebhookVerificationError, type WebhookVerificationErrorCode } from '../../src/server/index.js';

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const OTHER_SECRET = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkh';

export const EVENT: QueryCompletedEvent = {
  type: 'query.completed',
  id: 'evt_test0001',
  created_at: '2026-11-28T12:00:00.000Z',
  data: {
    agent_id: 'demo',
    query_id: 'q_abcdefgh12',
    conversation_id: 'c_abcdefgh12',
    input: 'Where is my order?',
    output: 'You said: "Where is my order?"',
    status: 'completed',
    sources: [{ title: 'Orders help', url: 'https://shop.example/help/orders' }],
    params: { user_id: 'u_42', count: 3, beta: true, ref: null },
    context: { page_url: 'https://shop.example/orders' },
  },
};

/** Signs a body as the backend does; `at` in seconds since the epoch. */
export function signed(
  body: string = JSON.stringify(EVENT),
  options: { id?: string; at?: number; secret?: string } = {},
): { body: string; headers: Record<string, string> } {
  const id = options.id ?? EVENT.id;
  const at = options.at ?? Math.floor(Date.now() / 1000);
  const signature = new Webhook(options.secret ?? SECRET).sign(id, new Date(at * 1000), body);
  return { body, headers: { 'webhook-id': id, 'webhook-timestamp': String(at), 'webhook-signature': signature } };
}

/** The error code verifyWebhook throws, or undefined when it returns. */
export function codeOf(run: () => unknown): WebhookVerificationErrorCode | undefined {
  try {
    run();
  } catch (error) {
    if (isWebhookVerificationError(error)) return error.code;
    throw error;
  }
  return undefined;
}
