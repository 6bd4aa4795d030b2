// `npm run demo`: the reference backend and the host app in one process, on loopback, no account needed.
// The agents are those of demo/agents.json: two, each with its own declared params, webhook URL and secrets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAgentsFile } from '../../src/contract/agents-file.js';
import { findFreePort, isPortFree } from '../backend/config/index.js';
import { startBackend } from '../backend/server.js';
import { startHost } from './server.js';

const HOST_PORT = Number(process.env.PORT ?? 3000);
const BACKEND_PORT = Number(process.env.BACKEND_PORT ?? 8787);
const DATA_DIR = process.env.DATA_DIR ?? '.data';
const AGENTS_FILE = join(import.meta.dirname, '../agents.json');

/**
 * A taken port is a setting to change, not a crash: one line that names the variable and a port that was
 * bound free just now (neither of the demo's own), then exit 1.
 */
async function exitPortTaken(variable: string, port: number): Promise<never> {
  const free = await findFreePort(port, '127.0.0.1', [HOST_PORT, BACKEND_PORT]);
  const suggestion = free === undefined ? `another ${variable}` : `another one, e.g. ${variable}=${free} npm run demo (free just now)`;
  console.error(`Port ${port} is already in use: start the demo with ${suggestion}`);
  process.exit(1);
}

async function exitIfPortTaken(error: unknown, variable: string, port: number): Promise<void> {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') await exitPortTaken(variable, port);
}

// Both ports are checked before anything starts; `--check-ports` stops there, so a script can check them
// before its build. They are checked again on binding, as another process may take one in between.
for (const [variable, port] of [
  ['PORT', HOST_PORT],
  ['BACKEND_PORT', BACKEND_PORT],
] as const) {
  if (!(await isPortFree(port, '127.0.0.1'))) await exitPortTaken(variable, port);
}
if (process.argv.includes('--check-ports')) process.exit(0);

// The file's webhook URLs name the host app on port 3000; PORT moves it, and the URLs with it.
const agentEntries = Object.fromEntries(
  parseAgentsFile(readFileSync(AGENTS_FILE, 'utf8'), 'demo/agents.json').map(({ id, ...entry }) => [
    id,
    { ...entry, webhookUrl: new URL(new URL(entry.webhookUrl).pathname, `http://127.0.0.1:${HOST_PORT}`).href },
  ]),
);

const backend = await startBackend({
  port: BACKEND_PORT,
  host: '127.0.0.1',
  agentEntries,
  // No allowedOrigins: the backend's default answers every loopback origin, the host page and your own dev app alike.
  dataDir: `${DATA_DIR}/backend`,
  log: (message) => console.log(`[backend] ${message}`),
}).catch(async (error: unknown) => {
  await exitIfPortTaken(error, 'BACKEND_PORT', BACKEND_PORT);
  throw error;
});
const { agents } = backend.config;
const webhookSecrets = Object.fromEntries(agents.map((agent) => [agent.id, agent.webhookSecret]));
const host = await startHost({
  port: HOST_PORT,
  host: '127.0.0.1',
  webhookSecrets,
  apiBase: backend.url,
  dataDir: `${DATA_DIR}/host`,
}).catch(async (error: unknown) => {
  await backend.close();
  await exitIfPortTaken(error, 'PORT', HOST_PORT);
  throw error;
});

const agentLines = agents.map(
  (agent) => `  ${agent.id}: declares ${Object.keys(agent.params).join(', ')}; webhooks to ${agent.webhookUrl}
    Webhook secret: ${agent.webhookSecret}
    Signing secret (signed params): ${agent.signingSecret}`,
);

console.log(`aicado backend listening on ${backend.url}
host app (webhook receiver) listening on ${host.url}

  Open ${host.url} in your browser.

Agents (demo/agents.json), each with its own declared params, webhook URL and secrets:
${agentLines.join('\n')}
  The host app verifies each agent's webhooks with that agent's secret: verifyWebhook(rawBody, headers, secret)
  Sign trusted params with an agent's signing secret on your server: signParams({ user_id }, secret, { expiresInSeconds: 900 })
  Types for init<DemoParams>(): npx aicado-embed types --api-base ${backend.url} --agent demo

  Your own dev app on any loopback origin, such as http://localhost:5173, can use this backend too:
    init({ agentId: 'demo', apiBase: '${backend.url}', params: { user_id: 'u_1' } })
  Its webhooks come to this host app and show on the page. To receive them in your own app, run the
  backend alone, with a data folder apart from the demo's: npm run backend -- --data-dir .data/standalone
  --webhook-url http://localhost:<your port>/webhooks --webhook-secret ${agents[0]?.webhookSecret} (one agent),
  or npm run backend -- --data-dir .data/standalone --agents-file my-agents.json (several, each with its own, like demo/agents.json)

  Ports: PORT=${HOST_PORT} (host app), BACKEND_PORT=${BACKEND_PORT} (backend); data in DATA_DIR=${DATA_DIR}
`);

const stop = async () => {
  await host.close();
  await backend.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
