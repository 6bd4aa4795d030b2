import { Webhook } from 'standardwebhooks';
import type { WebhookEventType } from '../../src/contract/protocol.js';
import type { QueryCompletedEvent, WebhookEventOf } from '../../src/contract/webhook-events.js';
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

/** One event of each type besides query.completed, as the backend sends them. */
export const LIFECYCLE_EVENTS = {
  'query.feedback': {
    type: 'query.feedback',
    id: 'evt_feedback01',
    created_at: '2026-11-28T12:01:00.000Z',
    data: { agent_id: 'demo', query_id: 'q_abcdefgh12', conversation_id: 'c_abcdefgh12', rating: 'up', params: { user_id: 'u_42' } },
  },
  'conversation.started': {
    type: 'conversation.started',
    id: 'evt_started01',
    created_at: '2026-11-28T11:59:59.000Z',
    data: {
      agent_id: 'demo',
      conversation_id: 'c_abcdefgh12',
      started_at: '2026-11-28T11:59:59.000Z',
      params: { user_id: 'u_42' },
      context: { page_url: 'https://shop.example/orders' },
    },
  },
  'conversation.ended': {
    type: 'conversation.ended',
    id: 'evt_ended0001',
    created_at: '2026-11-28T12:30:00.000Z',
    data: {
      agent_id: 'demo',
      conversation_id: 'c_abcdefgh12',
      reason: 'idle',
      started_at: '2026-11-28T11:59:59.000Z',
      ended_at: '2026-11-28T12:30:00.000Z',
      params: { user_id: 'u_42' },
      transcript: [
        {
          query_id: 'q_abcdefgh12',
          input: 'Where is my order?',
          output: 'You said: "Where is my order?"',
          status: 'completed',
          created_at: '2026-11-28T12:00:00.000Z',
          rating: 'up',
        },
      ],
      truncated: false,
    },
  },
  'handoff.requested': {
    type: 'handoff.requested',
    id: 'evt_handoff01',
    created_at: '2026-11-28T12:05:00.000Z',
    data: {
      agent_id: 'demo',
      conversation_id: 'c_abcdefgh12',
      reason: 'I want a refund',
      params: { user_id: 'u_42' },
      transcript: [],
      truncated: false,
    },
  },
  'form.submitted': {
    type: 'form.submitted',
    id: 'evt_form00001',
    created_at: '2026-11-28T11:59:58.000Z',
    data: {
      agent_id: 'demo',
      conversation_id: 'c_abcdefgh12',
      params: { email: 'ada@example.com' },
      consent: { version: '2026-01', accepted_at: '2026-11-28T11:59:58.000Z' },
    },
  },
} satisfies { [T in Exclude<WebhookEventType, 'query.completed'>]: WebhookEventOf<T> };
