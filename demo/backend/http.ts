import type { IncomingMessage, ServerResponse } from 'node:http';
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
