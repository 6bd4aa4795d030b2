// The webhook event union of `aicado-embed/server`, checked against the published declarations: a
// handler narrows on `type`, and reading a field of the other event without narrowing does not compile.
import { createWebhookHandler, type QueryCompletedEvent, type QueryFeedbackEvent, type WebhookEvent } from 'aicado-embed/server';

declare const event: WebhookEvent;

// Both events carry the params (and verified params) of their query.
const params: Record<string, string | number | boolean | null> = event.data.params;
void params;
// @ts-expect-error only query.completed has the visitor's input
void event.data.input;
// @ts-expect-error only query.feedback has a rating
void event.data.rating;

if (event.type === 'query.completed') {
  const completed: QueryCompletedEvent = event;
  const status: 'completed' | 'stopped' = event.data.status;
  const urls: string[] = event.data.sources.map((source) => source.url);
  void [completed, status, urls, event.data.input, event.data.output];
} else {
  const feedback: QueryFeedbackEvent = event;
  const rating: 'up' | 'down' | null = event.data.rating;
  void [feedback, rating];
}

createWebhookHandler({
  secret: 'whsec_x',
  onEvent(received) {
    switch (received.type) {
      case 'query.completed':
        return void received.data.output;
      case 'query.feedback':
        return void received.data.rating;
      default: {
        const never: never = received;
        return never;
      }
    }
  },
});
