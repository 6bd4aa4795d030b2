import type { WebhookEventType } from '../../src/contract/protocol.js';
import type { QueryCompletedEvent, QueryFeedbackEvent, WebhookEvent, WebhookEventOf } from '../../src/contract/webhook-events.js';

/** Narrows a verified webhook to `query.completed`, as a receiver does; any other type fails the test. */
export function completed(event: WebhookEvent): QueryCompletedEvent {
  if (event.type !== 'query.completed') throw new Error(`expected a query.completed event, got ${event.type}`);
  return event;
}

/** Narrows a verified webhook to `query.feedback`; any other type fails the test. */
export function feedback(event: WebhookEvent): QueryFeedbackEvent {
  if (event.type !== 'query.feedback') throw new Error(`expected a query.feedback event, got ${event.type}`);
  return event;
}

/** Narrows a verified webhook to the given type; any other type fails the test. */
export function eventOf<T extends WebhookEventType>(type: T, event: WebhookEvent): WebhookEventOf<T> {
  if (event.type !== type) throw new Error(`expected a ${type} event, got ${event.type}`);
  return event as WebhookEventOf<T>;
}

/** The `type` of a received webhook, read from its body (unverified: for sorting what came, not for trusting it). */
export function typeOf(webhook: { body: string }): WebhookEventType {
  return (JSON.parse(webhook.body) as { type: WebhookEventType }).type;
}

/** The received webhooks of a type (or of any of several), in the order they came. */
export function ofType<W extends { body: string }>(received: readonly W[], type: WebhookEventType | readonly WebhookEventType[]): W[] {
  const types: readonly WebhookEventType[] = typeof type === 'string' ? [type] : type;
  return received.filter((webhook) => types.includes(typeOf(webhook)));
}

/** The events of one query: its answer and its ratings (a test about them leaves the lifecycle events aside). */
export const QUERY_EVENT_TYPES: readonly WebhookEventType[] = ['query.completed', 'query.feedback'];

/**
 * Waits until `count` webhooks of `type` have come to a receiver that records every request, and returns
 * them in the order they came: a test about answers counts answers, whatever lifecycle events came beside.
 */
export async function waitForType<W extends { body: string }>(
  receiver: { received: readonly W[] },
  type: WebhookEventType | readonly WebhookEventType[],
  count: number,
  timeoutMs = 15_000,
): Promise<W[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = ofType(receiver.received, type);
    if (found.length >= count) return found.slice(0, count);
    if (Date.now() > deadline) throw new Error(`expected ${count} ${String(type)} webhook(s), got ${found.length} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
