// The webhook receiver as the README's Next.js route handler section shows.
import { createWebhookHandler } from 'aicado-embed/server';

export const POST = createWebhookHandler({
  secret: process.env.AICADO_WEBHOOK_SECRET!,
  async onEvent(event) {
    const { user_id } = event.data.params;
    console.log(`verified ${JSON.stringify({ user_id, event })}`);
  },
});
