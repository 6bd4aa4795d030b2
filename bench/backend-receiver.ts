import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_HEADERS } from '../src/contract/protocol.js';

// The bench's webhook receiver, as its own process so that the load generator's work does not delay
// it (that would show as webhook lag of the backend). Answers 204 to every webhook and keeps the first
// arrival of each webhook-id; `GET /stats` returns them, `GET /count` how many. Prints its URL on start.

const first = new Map<string, [receivedAt: number, committedAt: number]>();
let attempts = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ distinct: first.size }));
    return;
  }
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attempts, first: [...first] }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    attempts++;
    const id = String(req.headers[WEBHOOK_HEADERS.id]);
    if (!first.has(id)) {
      const { created_at } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { created_at: string };
      first.set(id, [Date.now(), Date.parse(created_at)]);
    }
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => console.log(`receiver listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
process.once('SIGTERM', () => process.exit(0));
