import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, type ReceivedWebhook, type ReceiverBehaviour } from './receiver.js';

/** One delivery attempt and how the receiver answered it (`hang`: never, the sender's timeout fired). */
export interface Attempt extends ReceivedWebhook {
  answer: number | 'hang';
}

/**
 * A webhook receiver that can be stopped (its port refuses connections) and started again on the same
 * port, as a site owner's server that goes down and comes back. Attempts are recorded across restarts.
 */
export async function startRestartableReceiver() {
  const attempts: Attempt[] = [];
  const hanging = new Set<ServerResponse>();
  let behaviour: ReceiverBehaviour = () => ({ status: 200 });
  let server: Server | undefined;
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([key, value]) => [key, String(value)]));
    const webhook = { headers, body, receivedAt: Date.now() };
    const answer = behaviour(webhook);
    attempts.push({ ...webhook, answer: answer === 'hang' ? 'hang' : answer.status });
    if (answer === 'hang') {
      hanging.add(res);
      res.once('close', () => hanging.delete(res));
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end('{}');
  };

  const start = async () => {
    const next = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        next.off('error', reject);
        resolve();
      });
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };

  const stop = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      if (!current) return resolve();
      current.close(() => resolve());
      current.closeAllConnections();
    });

  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    attempts,
    setBehaviour(next: ReceiverBehaviour) {
      behaviour = next;
    },
    /** Requests held open right now by a `hang` answer. */
    get hangingCount() {
      return hanging.size;
    },
    get running() {
      return server !== undefined;
    },
    /** Closes the server and every connection: the port refuses connections until `restart`. */
    stop,
    /** Listens again on the same port. */
    restart: start,
    close: stop,
  };
}
