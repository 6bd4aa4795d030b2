import type { ServerResponse } from 'node:http';
import type { DeltaEvent, DoneEvent, ErrorEvent } from '../../src/contract/protocol.js';

/** A comment line now and then keeps proxies from closing a stream during a slow model. */
const HEARTBEAT_MS = 15_000;

/** Writes a query's Server-Sent Events: `delta`s, then one `done` or `error`. Writes after the client left are dropped. */
export class SseStream {
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
    res.once('close', () => clearInterval(this.heartbeat));
  }

  delta(event: DeltaEvent): void {
    this.send('delta', event);
  }

  done(event: DoneEvent): void {
    this.send('done', event);
    this.end();
  }

  error(event: ErrorEvent): void {
    this.send('error', event);
    this.end();
  }

  private send(name: string, data: object): void {
    // JSON.stringify escapes newlines, so one `data:` line always holds the whole payload.
    this.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(text: string): void {
    if (!this.res.writableEnded && !this.res.destroyed) this.res.write(text);
  }

  private end(): void {
    clearInterval(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
  }
}
