import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Starts an HTTP server on an ephemeral loopback port. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<RunningServer & { server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json', '.html': 'text/html', '.css': 'text/css' };

export interface PageRoute {
  body: string;
  type?: string;
  headers?: Record<string, string>;
}

/** Serves `dist/` under `/` and the given pages; pages can be replaced between tests. */
export async function startStaticServer(distDir: string) {
  const pages = new Map<string, PageRoute>();
  const requests: string[] = [];
  const running = await listen(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    const page = pages.get(path);
    if (page) {
      res.writeHead(200, { 'content-type': page.type ?? 'text/html; charset=utf-8', 'cache-control': 'no-store', ...page.headers });
      res.end(page.body);
      return;
    }
    const file = normalize(join(distDir, path));
    if (!file.startsWith(distDir)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return { ...running, pages, requests };
}

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A loopback HTTP proxy in front of `target`, playing the network between the page and the backend: it records every
 * request it forwards, and while `down` it drops every connection, as a dead network would. What the page sent is
 * counted where it arrives: Playwright's request events can miss a request made right after a browser error page, and
 * its offline emulation can let out a request made while a page unloads.
 */
export async function startRecordingProxy(target: string) {
  const forwarded: ProxiedRequest[] = [];
  const network = { down: false };
  const running = await listen((req, res) => {
    if (network.down) return void req.socket.destroy();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      forwarded.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: body.toString() });
      const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      upstream.end(body);
    });
  });
  return { ...running, forwarded, network };
}
