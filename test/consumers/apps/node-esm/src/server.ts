// An ESM TypeScript app on Hono receiving Aicado webhooks, as the README's fetch-style section shows.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createWebhookHandler, type WebhookEvent } from 'aicado-embed/server';

const secret = process.env.AICADO_WEBHOOK_SECRET;
if (!secret) throw new Error('set AICADO_WEBHOOK_SECRET');

const handleWebhook = createWebhookHandler({
  secret,
  onEvent(event: WebhookEvent) {
    const { user_id } = event.data.params;
    console.log(`verified ${JSON.stringify({ user_id, event })}`);
  },
  // A handler per event type, given its own event (checked against the package's declarations by the strict build).
  on: {
    'conversation.ended': (event) =>
      console.log(`ended ${event.data.conversation_id}: ${event.data.reason}, ${event.data.transcript.length} turns`),
  },
});

const app = new Hono();
app.post('/webhooks/aicado', (c) => handleWebhook(c.req.raw));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
