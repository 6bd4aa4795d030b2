import { createServer, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createWebhookHandler } from 'aicado-embed/server';
import { type ReceivedEvent, ReceivedEventStore } from './received-events.js';
import { createDeliveryRoutes } from './deliveries.js';
import { toFetchRequest } from './node-request.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PUBLIC = join(import.meta.dirname, 'public');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};
// The demo page loads the SDK exactly as a host would: the script-tag bundle and the npm ESM entry.
// The browser bundles and their maps: the script tag, its lazy part, the npm entry and its chunks.
const DIST_FILE = /^\/aicado-embed(\.[a-z-]+)*\.js(\.map)?$/;

export interface HostOptions {
  port: number;
  host: string;
  /** The webhook secret of each agent; agent `x`'s webhooks arrive at `/webhooks/x`. */
  webhookSecrets: Readonly<Record<string, string>>;
  apiBase: string;
  dataDir: string;
}

/** The site owner's app: serves the demo page and receives Aicado webhooks into its own SQLite table. */
export async function startHost(options: HostOptions) {
  const events = new ReceivedEventStore(options.dataDir);
  const watchers = new Set<ServerResponse>();
  const publish = (event: ReceivedEvent) => {
    for (const watcher of watchers) watcher.write(`event: webhook\ndata: ${JSON.stringify(event)}\n\n`);
  };
  // One route per agent, each verified with that agent's own secret.
  const webhookRoutes = new Map(
    Object.entries(options.webhookSecrets).map(([agentId, secret]) => [
      `/webhooks/${agentId}`,
      createWebhookHandler({
        secret,
        store: events,
        // Every type, as it arrives: the page shows each one.
        onEvent: (event, request) => publish(events.save(request.headers.get('webhook-id') ?? event.id, event)),
      }),
    ]),
  );

  const deliveryRoutes = createDeliveryRoutes(options.apiBase, options.webhookSecrets);

  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://host.invalid').pathname;
      if (path === '/api/deliveries' || path.startsWith('/api/deliveries/')) {
        await deliveryRoutes(req, res, path);
      } else if (path === '/favicon.ico') {
        res.writeHead(204).end();
      } else if (webhookRoutes.has(path)) {
        const response = await webhookRoutes.get(path)!(await toFetchRequest(req, 'http://host.invalid'));
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(await response.text());
      } else if (path === '/api/events') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(events.latest()));
      } else if (path === '/api/events/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        res.write(': connected\n\n');
        watchers.add(res);
        req.on('close', () => watchers.delete(res));
      } else if (path === '/config.js') {
        res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
        res.end(`window.AICADO_DEMO = ${JSON.stringify({ apiBase: options.apiBase })};`);
      } else if (DIST_FILE.test(path)) {
        await sendFile(res, join(ROOT, 'dist', path));
      } else {
        await sendFile(res, join(PUBLIC, path === '/' ? 'index.html' : path));
      }
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(options.port, options.host, done);
    });
  } catch (error) {
    events.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host === '127.0.0.1' ? 'localhost' : options.host}:${port}`,
    async close() {
      for (const watcher of watchers) watcher.end();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      events.close();
    },
  };
}

async function sendFile(res: ServerResponse, file: string): Promise<void> {
  if (!file.startsWith(PUBLIC) && !file.startsWith(join(ROOT, 'dist'))) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }
}
