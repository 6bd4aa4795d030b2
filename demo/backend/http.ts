import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ParamIssue } from '../../src/contract/params.js';
import type { AicadoErrorCode } from '../../src/contract/protocol.js';
import type { ApiErrorBody } from '../../src/contract/schemas.js';

/** An error answered as `{ error: { code, message, issues? } }` with its HTTP status. */
export class HttpError extends Error {
  override readonly name = 'HttpError' as const;

  constructor(
    readonly status: number,
    readonly code: AicadoErrorCode,
    message: string,
    readonly extra: { issues?: ParamIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  get body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.extra.issues ? { issues: this.extra.issues } : {}) } };
  }
}

/** The developer's own machine; the rest of 127.0.0.0/8 is treated as any other address. */
const LOCAL_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** Headers a proxy adds: a request carrying one was passed on for someone else, whatever its address. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/** Whether a connection's address is this machine's own (127.0.0.1 or ::1). */
export function isLocalAddress(address: string | undefined): boolean {
  return address !== undefined && LOCAL_ADDRESSES.has(address);
}

/** A request from this machine that no proxy on it passed on: the developer's own, told more when it errs. */
export function isLocalCaller(req: IncomingMessage): boolean {
  return isLocalAddress(req.socket.remoteAddress) && PROXY_HEADERS.every((name) => req.headers[name] === undefined);
}

/** Longest silence of a client before its first byte or within its request body, headers timeout permitting. */
const REQUEST_SILENCE_MS = 5_000;

export interface ConnectionLimits {
  /** Connections one address may hold open; 0 is no cap. The machine's own address is exempt. */
  perAddress: number;
  headersTimeoutMs: number;
  log: (message: string) => void;
}

/**
 * Caps the connections of each client address, and closes a connection that goes silent while its
 * request is still coming (before the first byte, or within the body); once the request is in, the
 * answer may take as long as the model does.
 */
export function guardConnections(server: Server, { perAddress, headersTimeoutMs, log }: ConnectionLimits): void {
  const silenceMs = Math.min(headersTimeoutMs, REQUEST_SILENCE_MS);
  const open = new Map<string, number>();
  let lastDropLog = 0;
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (perAddress > 0 && !isLocalAddress(address)) {
      const held = open.get(address) ?? 0;
      if (held >= perAddress) {
        socket.destroy();
        if (Date.now() - lastDropLog > 60_000) {
          lastDropLog = Date.now(); // once a minute is enough to explain the refusals
          log(
            `per-address connection cap reached (${perAddress} open from ${address}): dropping its new connections; raise it with --max-connections-per-address`,
          );
        }
        return;
      }
      open.set(address, held + 1);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
      });
    }
    socket.setTimeout(silenceMs); // Node's HTTP server closes a socket whose timeout nobody handles
  });
  // Before the route handler, so the timer is set for the body it reads; Node resets it for keep-alive after the answer.
  server.prependListener('request', (req: IncomingMessage) => {
    req.socket.setTimeout(silenceMs);
    req.once('end', () => req.socket.setTimeout(0));
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, error.body, error.extra.headers);
}

/** Reads a JSON request body of at most `maxBytes`, refusing (413) as soon as it is known to be larger. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'unsupported_media_type', `Send the body as application/json, not ${type || 'no content-type'}`);
  }
  const tooLarge = () => new HttpError(413, 'body_too_large', `The body exceeds ${maxBytes} bytes`, { headers: { connection: 'close' } });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();

  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'request_aborted', 'The request body was not received completely');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `The body is not valid JSON: ${(error as Error).message}`);
  }
}
