import type { IncomingMessage } from 'node:http';
import { listen } from './http.js';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

export type ReceiverBehaviour = (webhook: ReceivedWebhook) => { status: number; headers?: Record<string, string> } | 'hang';

/** A webhook receiver on loopback that records every delivery attempt; its answers are scriptable. */
export async function startReceiver() {
  const received: ReceivedWebhook[] = [];
  let behaviour: ReceiverBehaviour = () => ({ status: 200 });
  const running = await listen(async (req, res) => {
    const body = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const webhook = { headers, body, receivedAt: Date.now() };
    received.push(webhook);
    const answer = behaviour(webhook);
    if (answer === 'hang') return; // never answers; the sender's timeout must fire
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end('{}');
  });
  return {
    ...running,
    received,
    setBehaviour(next: ReceiverBehaviour) {
      behaviour = next;
    },
    /** Waits until `count` deliveries (attempts) have arrived. */
    async waitFor(count: number, timeoutMs = 15_000): Promise<ReceivedWebhook[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook(s), got ${received.length} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return received.slice(0, count);
    },
  };
}

/** The whole request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
