// `npm run demo`: the reference backend and the host app in one process, on loopback, no account needed.
import { randomBytes } from 'node:crypto';
import { startBackend } from '../backend/server.js';
import { startHost } from './server.js';

const HOST_PORT = Number(process.env.PORT ?? 3000);
const BACKEND_PORT = Number(process.env.BACKEND_PORT ?? 8787);
const DATA_DIR = process.env.DATA_DIR ?? '.data';
const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
const signingSecret = randomBytes(32).toString('base64url');

/** A taken port is a setting to change, not a crash: one line that names the variable, then exit. */
function exitIfPortTaken(error: unknown, variable: string, port: number): void {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') return;
  console.error(`Port ${port} is already in use: start the demo with another one, e.g. ${variable}=${port + 1} npm run demo`);
  process.exit(1);
}

const backend = await startBackend({
  port: BACKEND_PORT,
  host: '127.0.0.1',
  agents: ['demo', 'demo-inline'],
  webhookUrl: `http://127.0.0.1:${HOST_PORT}/webhooks`,
  webhookSecret,
  signingSecret,
  // No allowedOrigins: the backend's default answers every loopback origin, the host page and your own dev app alike.
  dataDir: `${DATA_DIR}/backend`,
  log: (message) => console.log(`[backend] ${message}`),
}).catch((error: unknown) => {
  exitIfPortTaken(error, 'BACKEND_PORT', BACKEND_PORT);
  throw error;
});
const host = await startHost({ port: HOST_PORT, host: '127.0.0.1', webhookSecret, apiBase: backend.url, dataDir: `${DATA_DIR}/host` }).catch(
  async (error: unknown) => {
    await backend.close();
    exitIfPortTaken(error, 'PORT', HOST_PORT);
    throw error;
  },
);

console.log(`aicado backend listening on ${backend.url}
host app (webhook receiver) listening on ${host.url}

  Open ${host.url} in your browser.

  Webhook secret: ${webhookSecret}
    the host app verifies each webhook with it: verifyWebhook(rawBody, headers, secret)
  Signing secret (signed params): ${signingSecret}
    sign trusted params with it on your server: signParams({ user_id }, secret, { expiresInSeconds: 900 })

  Your own dev app on any loopback origin, such as http://localhost:5173, can use this backend too:
    init({ agentId: 'demo', apiBase: '${backend.url}', params: { user_id: 'u_1' } })
  Its webhooks come to this host app and show on the page. To receive them in your own app, run the
  backend alone: npm run backend -- --webhook-url http://localhost:<your port>/webhooks --webhook-secret ${webhookSecret}

  Ports: PORT=${HOST_PORT} (host app), BACKEND_PORT=${BACKEND_PORT} (backend); data in DATA_DIR=${DATA_DIR}
`);

const stop = async () => {
  await host.close();
  await backend.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
