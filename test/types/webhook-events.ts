// The webhook event union of `aicado-embed/server`, checked against the published declarations: a
// handler narrows on `type`, each `on` handler is given its own event, and reading a field of another
// event without narrowing does not compile.
import {
  type Consent,
  type ConversationEndedEvent,
  type ConversationStartedEvent,
  createWebhookHandler,
  type EndReason,
  type FormSubmittedEvent,
  type HandoffRequestedEvent,
  type QueryCompletedEvent,
  type QueryFeedbackEvent,
  type TranscriptTurn,
  verifyWebhook,
  type WebhookEvent,
  type WebhookEventHandler,
  type WebhookEventOf,
  type WebhookEventType,
} from 'aicado-embed/server';

declare const event: WebhookEvent;

// Every event carries its agent, its conversation and params (the query's, or the last query's).
const params: Record<string, string | number | boolean | null> = event.data.params;
const conversationId: string = event.data.conversation_id;
void [params, conversationId, event.data.verified_params];
// @ts-expect-error only query.completed has the visitor's input
void event.data.input;
// @ts-expect-error only query.feedback has a rating
void event.data.rating;
// @ts-expect-error the lifecycle events are about a conversation, not one query
void event.data.query_id;

const types: WebhookEventType[] = [
  'query.completed',
  'query.feedback',
  'conversation.started',
  'conversation.ended',
  'handoff.requested',
  'form.submitted',
];
// @ts-expect-error not an event type
const unknownType: WebhookEventType = 'conversation.finished';
void [types, unknownType];

// verifyWebhook returns the union; narrowing on `type` gives each event its own data.
const verified = verifyWebhook('{}', {}, 'whsec_x');
switch (verified.type) {
  case 'query.completed': {
    const completed: QueryCompletedEvent = verified;
    const status: 'completed' | 'stopped' = verified.data.status;
    const urls: string[] = verified.data.sources.map((source) => source.url);
    const consent: Consent | undefined = verified.data.consent;
    void [completed, status, urls, consent, verified.data.input, verified.data.output];
    break;
  }
  case 'query.feedback': {
    const feedback: QueryFeedbackEvent = verified;
    const rating: 'up' | 'down' | null = verified.data.rating;
    void [feedback, rating];
    break;
  }
  case 'conversation.started': {
    const started: ConversationStartedEvent = verified;
    const at: string = verified.data.started_at;
    void [started, at, verified.data.context?.page_url];
    break;
  }
  case 'conversation.ended': {
    const ended: ConversationEndedEvent = verified;
    const reason: EndReason = verified.data.reason;
    const turns: TranscriptTurn[] = verified.data.transcript;
    const truncated: boolean = verified.data.truncated;
    void [ended, reason, turns, truncated, verified.data.ended_at];
    break;
  }
  case 'handoff.requested': {
    const handoff: HandoffRequestedEvent = verified;
    const reason: string | undefined = verified.data.reason;
    void [handoff, reason, verified.data.transcript];
    break;
  }
  case 'form.submitted': {
    const form: FormSubmittedEvent = verified;
    const accepted: string | undefined = verified.data.consent?.accepted_at;
    void [form, accepted];
    break;
  }
  default: {
    const never: never = verified;
    void never;
  }
}

const endedOf: WebhookEventOf<'conversation.ended'> = {} as ConversationEndedEvent;
void endedOf;

// onEvent is given the union; each `on` handler its own event.
createWebhookHandler({
  secret: 'whsec_x',
  onEvent(received) {
    if (received.type === 'query.feedback') void received.data.rating;
  },
  on: {
    'conversation.ended': (e) => {
      const r: 'idle' | 'reset' | 'user_switched' | 'handoff' = e.data.reason;
      const turn: { query_id: string; input: string; output: string; rating?: 'up' | 'down' | null } | undefined = e.data.transcript[0];
      void [r, turn];
    },
    'query.completed': (e) => {
      const output: string = e.data.output;
      // @ts-expect-error a query.completed event has no transcript
      void e.data.transcript;
      void output;
    },
    'handoff.requested': async (e, request, { tx }) => {
      const reason: string | undefined = e.data.reason;
      const url: string = request.url;
      void [reason, url, tx];
    },
    'form.submitted': (e) => {
      const version: string | undefined = e.data.consent?.version;
      // @ts-expect-error a form.submitted event has no input
      void e.data.input;
      void version;
    },
  },
});

// `on` alone is enough.
createWebhookHandler({ secret: 'whsec_x', on: { 'conversation.started': (e) => void e.data.started_at } });

createWebhookHandler({
  secret: 'whsec_x',
  on: {
    // @ts-expect-error not an event type
    'conversation.finished': () => undefined,
  },
});

createWebhookHandler({
  secret: 'whsec_x',
  on: {
    // @ts-expect-error a handler of query.feedback is not given a conversation.ended event
    'query.feedback': (e: ConversationEndedEvent) => void e.data.reason,
  },
});

// @ts-expect-error onEvent, on, or both
createWebhookHandler({ secret: 'whsec_x' });

// A handler written apart, typed by its event.
const onEnded: WebhookEventHandler<ConversationEndedEvent> = (e) => void e.data.truncated;
createWebhookHandler({ secret: 'whsec_x', on: { 'conversation.ended': onEnded } });
