import type { QueryCompletedEvent, QueryFeedbackEvent, WebhookEvent } from '../../src/contract/schemas.js';

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
