// `npm run demo`: the reference backend and the host app in one process, on loopback, no account needed.
import { randomBytes } from 'node:crypto';
import { startBackend } from '../backend/server.js';
import { startHost } from './server.js';

const HOST_PORT = Number(process.env.PORT ?? 3000);
const BACKEND_PORT = Number(process.env.BACKEND_PORT ?? 8787);
const DATA_DIR = process.env.DATA_DIR ?? '.data';
const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;

const backend = await startBackend({
  port: BACKEND_PORT,
  host: '127.0.0.1',
  agents: ['demo', 'demo-inline'],
  webhookUrl: `http://127.0.0.1:${HOST_PORT}/webhooks`,
  webhookSecret,
  allowedOrigins: [`http://localhost:${HOST_PORT}`, `http://127.0.0.1:${HOST_PORT}`],
  dataDir: `${DATA_DIR}/backend`,
  log: (message) => console.log(`[backend] ${message}`),
});
const host = await startHost({ port: HOST_PORT, host: '127.0.0.1', webhookSecret, apiBase: backend.url, dataDir: `${DATA_DIR}/host` });

console.log(`aicado backend listening on ${backend.url}`);
console.log(`host app (webhook receiver) listening on ${host.url}`);
console.log(`\n  Open ${host.url} in your browser.\n`);

const stop = async () => {
  await host.close();
  await backend.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
