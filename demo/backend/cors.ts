import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS, QUERY_REQUEST_HEADERS } from '../../src/contract/protocol.js';
import { HttpError, sendError } from './http.js';

const ALLOWED_METHODS = 'POST, GET';
const ALLOWED_HEADERS = QUERY_REQUEST_HEADERS.join(', ');

/** Browser-origin policy: listed origins (or `*`) may call; requests without Origin are server-to-server. */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.origins = new Set(allowedOrigins.map((origin) => origin.replace(/\/+$/, '')));
  }

  /**
   * Sets the CORS headers for an allowed origin and answers preflights.
   * Returns true when the request has been fully answered (preflight or refusal).
   */
  apply(req: IncomingMessage, res: ServerResponse): boolean {
    res.setHeader('vary', 'origin');
    const origin = req.headers.origin;
    if (origin !== undefined && !this.allows(origin)) {
      sendError(res, new HttpError(403, 'origin_not_allowed', `Origin ${origin} is not allowed; start the backend with --allowed-origin ${origin}`));
      return true;
    }
    if (origin !== undefined) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', HEADERS.retryAfter);
    }
    if (req.method !== 'OPTIONS') return false;
    res.writeHead(204, {
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': '600',
    });
    res.end();
    return true;
  }

  private allows(origin: string): boolean {
    return this.origins.has('*') || this.origins.has(origin);
  }
}
