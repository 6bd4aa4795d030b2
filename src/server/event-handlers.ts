import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../contract/protocol.js';
import type { WebhookEvent, WebhookEventOf } from '../contract/webhook-events.js';
import { WebhookVerificationError } from './errors.js';
import { describe } from './webhook-input.js';

/** What a handler gets besides the event and the request; `Tx` is the store's transaction (the Postgres store's client). */
export interface WebhookEventContext<Tx = unknown> {
  /** The store's transaction when the store has one (the Postgres store): write through it and those writes commit with the id's completion. Undefined otherwise. */
  tx: Tx | undefined;
}

/** A handler of verified events of type `E`; throwing answers 500 so Aicado retries. */
export type WebhookEventHandler<E extends WebhookEvent = WebhookEvent, Tx = unknown> = (
  event: E,
  request: Request,
  context: WebhookEventContext<Tx>,
) => void | Promise<void>;

/** Handlers by event type, each given its own event: `{ 'conversation.ended': (event) => … }`. */
export type WebhookEventHandlers<Tx = unknown> = { [T in WebhookEventType]?: WebhookEventHandler<WebhookEventOf<T>, Tx> };

const KNOWN_TYPES: readonly string[] = Object.values(WEBHOOK_EVENT_TYPES);
const ON_EXAMPLE = "{ 'conversation.ended': (event) => … }";

/**
 * The one handler createWebhookHandler runs for a verified event: `onEvent`, then the `on` handler of the
 * event's type, one after the other so that a throw in either fails the delivery. Checks both when the
 * route is created, for callers without types.
 */
export function dispatcherOf<Tx>(onEvent: unknown, on: unknown): WebhookEventHandler<WebhookEvent, Tx> {
  if (onEvent === undefined && on === undefined) {
    throw new WebhookVerificationError(
      'invalid_options',
      `Give onEvent (runs for every event), on (handlers by event type, such as ${ON_EXAMPLE}), or both; got neither`,
    );
  }
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new WebhookVerificationError('invalid_options', `onEvent must be a function, got ${describe(onEvent)}`);
  }
  const handlers = handlersOf<Tx>(on);
  const every = onEvent as WebhookEventHandler<WebhookEvent, Tx> | undefined;
  return async (event, request, context) => {
    await every?.(event, request, context);
    await handlers.get(event.type)?.(event, request, context);
  };
}

function handlersOf<Tx>(on: unknown): Map<string, WebhookEventHandler<WebhookEvent, Tx>> {
  // A Map, not the caller's object: a key of its prototype is never a handler, and later edits do not count.
  const handlers = new Map<string, WebhookEventHandler<WebhookEvent, Tx>>();
  if (on === undefined) return handlers;
  if (typeof on !== 'object' || on === null || Array.isArray(on)) {
    throw new WebhookVerificationError(
      'invalid_options',
      `on must be an object of handlers by event type, such as ${ON_EXAMPLE}; got ${describe(on)}`,
    );
  }
  for (const [type, handler] of Object.entries(on)) {
    if (!KNOWN_TYPES.includes(type)) {
      throw new WebhookVerificationError(
        'invalid_options',
        `on has a handler for "${type}", which is not an event type; the types are ${KNOWN_TYPES.join(', ')}`,
      );
    }
    if (handler === undefined) continue;
    if (typeof handler !== 'function') {
      throw new WebhookVerificationError('invalid_options', `on["${type}"] must be a function, got ${describe(handler)}`);
    }
    handlers.set(type, handler as WebhookEventHandler<WebhookEvent, Tx>);
  }
  return handlers;
}
