// A round-robin load balancer for the multi-instance proof that also duplicates: each delivery goes to the next
// instance and, at the same moment, a copy goes to another one. The sender gets the first instance's answer;
// the copy's is only counted. An instance that cannot be reached (killed) answers the sender 502.
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the instances answered, primaries and copies together. */
export interface ProxyCounts {
  /** Requests from the sender (its attempts). */
  attempts: number;
  /** Requests sent on to instances: two per attempt. */
  forwards: number;
  handled: number;
  /** 200 with `duplicate: true`: the id was handled already, the handler did not run. */
  duplicates: number;
  /** Answers by status, other than 200, and `unreachable` for an instance that was down. */
  byStatus: Record<string, number>;
  /** Attempts the sender gave up on (its timeout) before the instance answered. */
  senderTimeouts: number;
}

export interface DuplicatingProxy {
  readonly url: string;
  readonly counts: ProxyCounts;
  /** Distinct webhook ids the sender was answered 2xx for. */
  readonly acknowledged: Set<string>;
  /** Forwards not answered yet. */
  inFlight(): number;
  /** Points instance `index` at a new port (its restarted process). */
  setPort(index: number, port: number): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const FORWARDED_HEADERS = ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];

export async function startDuplicatingProxy(ports: number[]): Promise<DuplicatingProxy> {
  const agent = new Agent({ keepAlive: true });
  const counts: ProxyCounts = { attempts: 0, forwards: 0, handled: 0, duplicates: 0, byStatus: {}, senderTimeouts: 0 };
  const acknowledged = new Set<string>();
  let next = 0;
  let inFlight = 0;

  const count = (answer: Answer | undefined) => {
    const kind = !answer
      ? 'unreachable'
      : answer.status === 200
        ? answer.body.includes('"duplicate":true')
          ? 'duplicate'
          : 'handled'
        : '';
    if (kind === 'handled') counts.handled++;
    else if (kind === 'duplicate') counts.duplicates++;
    else {
      const key = kind || String(answer?.status);
      counts.byStatus[key] = (counts.byStatus[key] ?? 0) + 1;
    }
  };

  const forward = (port: number, headers: Record<string, string>, body: Buffer): Promise<Answer | undefined> => {
    counts.forwards++;
    inFlight++;
    return new Promise<Answer | undefined>((resolve) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            headers: { 'content-type': 'application/json', ...(typeof retryAfter === 'string' ? { 'retry-after': retryAfter } : {}) },
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', () => resolve(undefined));
      });
      req.on('error', () => resolve(undefined));
      req.end(body);
    }).then((answer) => {
      inFlight--;
      count(answer);
      return answer;
    });
  };

  const server = createServer(async (req, res) => {
    counts.attempts++;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the sender gave up mid-body
    }
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = { 'content-length': String(body.length) };
    for (const name of FORWARDED_HEADERS) headers[name] = String(req.headers[name] ?? '');
    const first = next++ % ports.length;
    const second = (first + 1 + Math.floor(Math.random() * (ports.length - 1))) % ports.length;
    const answered = forward(ports[first] ?? 0, headers, body);
    void forward(ports[second] ?? 0, headers, body); // counted, never waited for
    const answer = await answered;
    if (res.destroyed) {
      counts.senderTimeouts++;
      return;
    }
    if (answer && answer.status >= 200 && answer.status < 300) acknowledged.add(headers['webhook-id'] ?? '');
    if (answer) res.writeHead(answer.status, answer.headers).end(answer.body);
    else res.writeHead(502, { 'content-type': 'text/plain' }).end('instance unreachable');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    counts,
    acknowledged,
    inFlight: () => inFlight,
    setPort(index, port) {
      ports[index] = port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
