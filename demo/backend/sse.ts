import type { ServerResponse } from 'node:http';
import { EVENT_STREAM_TYPE, SSE_EVENTS } from '../../src/contract/protocol.js';
import { SSE_HEARTBEAT, type SseEventName } from './protocol.js';
import type { DeltaEvent, DoneEvent, ErrorEvent, StatusEvent } from '../../src/contract/schemas.js';

/**
 * Writes a query's Server-Sent Events: `status`es and `delta`s, then one `done` or `error`. A comment
 * line every `heartbeatMs` while the stream is open tells the client (its idle watchdog) and proxies that
 * the query is in hand even while nothing else is said. Writes after the client left are dropped.
 */
export class SseStream {
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor(
    private readonly res: ServerResponse,
    heartbeatMs: number,
  ) {
    res.writeHead(200, {
      'content-type': `${EVENT_STREAM_TYPE}; charset=utf-8`,
      // `no-cache`, not `no-store`: Chromium reports a streamed `no-store` response as cancelled
      // (net::ERR_ABORTED) even when the page read it to the end.
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    this.heartbeat = setInterval(() => this.write(SSE_HEARTBEAT), heartbeatMs);
    this.heartbeat.unref();
    res.once('close', () => clearInterval(this.heartbeat));
  }

  status(event: StatusEvent): void {
    this.send(SSE_EVENTS.status, event);
  }

  delta(event: DeltaEvent): void {
    this.send(SSE_EVENTS.delta, event);
  }

  done(event: DoneEvent): void {
    this.send(SSE_EVENTS.done, event);
    this.end();
  }

  error(event: ErrorEvent): void {
    this.send(SSE_EVENTS.error, event);
    this.end();
  }

  private send(name: SseEventName, data: object): void {
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
