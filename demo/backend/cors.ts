import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS } from '../../src/contract/protocol.js';
import { QUERY_REQUEST_HEADERS } from './protocol.js';
import { HttpError, sendError } from './http.js';

const ALLOWED_METHODS = 'POST, GET';
const ALLOWED_HEADERS = QUERY_REQUEST_HEADERS.join(', ');
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** A refused origin is logged at most this often, so a busy page cannot flood the log. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/** What the backend allows, in words, for its start-up output. */
export function describeOrigins(allowedOrigins: readonly string[]): string {
  return allowedOrigins.length
    ? `browser origins allowed: ${allowedOrigins.join(', ')}`
    : 'browser origins allowed: loopback only (localhost, 127.0.0.1, [::1]) on any port; allow a site with --allowed-origin <origin>';
}

/**
 * Browser-origin policy: listed origins (or `*`), or with none listed any loopback origin, may call;
 * requests without Origin are server-to-server. A refused origin gets a 403 `origin_not_allowed` that
 * the page can read (the CORS grant is on that error, whose body is only the explanation) and nothing
 * runs for it.
 */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;
  private readonly loggedAt = new Map<string, number>();

  constructor(
    allowedOrigins: readonly string[],
    private readonly log: (message: string) => void,
  ) {
    this.origins = new Set(allowedOrigins.map((origin) => origin.replace(/\/+$/, '')));
  }

  /**
   * Sets the CORS headers and answers preflights and refusals.
   * Returns true when the request has been fully answered (preflight or refusal).
   */
  apply(req: IncomingMessage, res: ServerResponse): boolean {
    res.setHeader('vary', 'origin');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', HEADERS.retryAfter);
    }
    // Every preflight passes: otherwise the browser would hide the refusal below behind a CORS error.
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': '600',
      });
      res.end();
      return true;
    }
    if (origin === undefined || this.allows(origin)) return false;
    this.logRefusal(origin);
    sendError(
      res,
      new HttpError(403, 'origin_not_allowed', `Origin ${origin} is not allowed; start the backend with --allowed-origin ${origin}`),
    );
    return true;
  }

  private allows(origin: string): boolean {
    if (this.origins.has('*') || this.origins.has(origin)) return true;
    return this.origins.size === 0 && isLoopback(origin);
  }

  private logRefusal(origin: string): void {
    const now = Date.now();
    const last = this.loggedAt.get(origin);
    if (last !== undefined && now - last < REFUSAL_LOG_INTERVAL_MS) return;
    if (this.loggedAt.size >= 1000) this.loggedAt.clear(); // bounded, whatever the pages send
    this.loggedAt.set(origin, now);
    this.log(
      `origin ${origin.slice(0, 200)} refused (not allowed); to allow it, start the backend with --allowed-origin ${origin.slice(0, 200)}`,
    );
  }
}

function isLoopback(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname) && url.origin === origin;
  } catch {
    return false;
  }
}
