// A CommonJS Express app receiving Aicado webhooks, as the README's Express section shows.
const express = require('express');
const { verifyWebhook, isWebhookVerificationError } = require('aicado-embed/server');

const secret = process.env.AICADO_WEBHOOK_SECRET;
if (!secret) throw new Error('set AICADO_WEBHOOK_SECRET');

const app = express();

app.post('/webhooks/aicado', express.raw({ type: 'application/json' }), (req, res) => {
  try {
    const event = verifyWebhook(req.body, req.headers, secret);
    const { user_id } = event.data.params;
    console.log(`verified ${JSON.stringify({ user_id, event })}`);
    res.sendStatus(200);
  } catch (error) {
    if (isWebhookVerificationError(error)) {
      res.status(400).json({ error: { code: error.code, message: error.message } });
      return;
    }
    throw error;
  }
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
