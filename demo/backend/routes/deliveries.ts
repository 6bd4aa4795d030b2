import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DELIVERIES_PAGE } from '../protocol.js';
import { HttpError, sendJson } from '../http.js';
import type { BackendStore, DeliveryRow, DeliveryStatus } from '../store.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'dead', 'stopped'];

/**
 * `GET /v1/deliveries[?query_id=…&status=…&cursor=…&limit=…]`: the webhook outbox, oldest first, one page
 * at a time, for the operator (demo, tests, bench). The bearer token is an agent's webhook secret, and it
 * lists that agent's deliveries (and those of agents sharing the secret): whoever can read them could as
 * well receive them.
 */
export function createDeliveriesRoute(store: BackendStore, agents: readonly { id: string; webhookSecret: string }[]) {
  const tokens = agents.map((agent) => ({ id: agent.id, expected: digest(`Bearer ${agent.webhookSecret}`) }));
  return function listDeliveries(req: IncomingMessage, res: ServerResponse, search: URLSearchParams): void {
    const given = digest(req.headers.authorization ?? '');
    // Every token is compared, in constant time each, so the time taken says nothing about which matched.
    const agentIds = tokens.filter((token) => timingSafeEqual(given, token.expected)).map((token) => token.id);
    if (!agentIds.length) {
      throw new HttpError(401, 'unauthorized', 'Send an agent\'s webhook secret as "authorization: Bearer whsec_…"', {
        headers: { 'www-authenticate': 'Bearer realm="aicado-deliveries"' },
      });
    }
    const limit = limitOf(search.get('limit'));
    const page = store.listDeliveries({
      agentIds,
      queryId: search.get('query_id') || undefined,
      status: statusOf(search.get('status')),
      afterRowid: cursorOf(search.get('cursor')),
      limit,
    });
    const last = page.rows.at(-1);
    sendJson(res, 200, { deliveries: page.rows.map(toApi), next_cursor: page.more && last ? encodeCursor(last.rowid) : null });
  };
}

function limitOf(value: string | null): number {
  if (value === null || value === '') return DELIVERIES_PAGE.defaultLimit;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > DELIVERIES_PAGE.maxLimit) {
    throw new HttpError(
      400,
      'invalid_request',
      `limit must be a whole number from 1 to ${DELIVERIES_PAGE.maxLimit}, got "${value.slice(0, 20)}"`,
    );
  }
  return limit;
}

function statusOf(value: string | null): DeliveryStatus | undefined {
  if (value === null || value === '') return undefined;
  if (!(STATUSES as readonly string[]).includes(value)) {
    throw new HttpError(400, 'invalid_request', `status must be one of ${STATUSES.join(', ')}, got "${value.slice(0, 20)}"`);
  }
  return value as DeliveryStatus;
}

/** Cursors are opaque to clients: the position of the last row of the previous page. */
function encodeCursor(rowid: number): string {
  return Buffer.from(`d:${rowid}`).toString('base64url');
}

function cursorOf(value: string | null): number {
  if (value === null || value === '') return 0;
  const match = /^d:(\d{1,15})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) throw new HttpError(400, 'invalid_request', 'cursor must be a next_cursor value from a previous page');
  return Number(match[1]);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function toApi(row: DeliveryRow) {
  return {
    id: row.id,
    query_id: row.query_id,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    last_error: row.last_error,
    next_attempt_at: isoOrNull(row.next_attempt_at),
    delivered_at: isoOrNull(row.delivered_at),
    created_at: new Date(row.created_at).toISOString(),
  };
}

function isoOrNull(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}
