import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DELIVERIES_PAGE } from '../protocol.js';
import { HttpError, sendJson } from '../http.js';
import type { BackendStore, DeliveryRow, DeliveryStatus } from '../store.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'dead', 'stopped'];

/** Matches `POST /v1/deliveries/{id}/replay`; group 1 is the (encoded) delivery id, its `webhook-id`. */
export const DELIVERY_REPLAY_PATH_PATTERN = /^\/v1\/deliveries\/([^/]+)\/replay\/?$/;

interface DeliveriesRouteOptions {
  store: BackendStore;
  agents: readonly { id: string; webhookSecret: string }[];
  /** Told when a replayed row is due, so it goes out now rather than at the next poll. */
  wakeOutbox: () => void;
}

/**
 * The operator's view of the webhook outbox (demo, tests, bench). The bearer token is an agent's webhook
 * secret, and it reaches that agent's deliveries (and those of agents sharing the secret): whoever can
 * read them could as well receive them.
 *
 * - `GET /v1/deliveries[?query_id=…&status=…&cursor=…&limit=…]`: oldest first, one page at a time.
 * - `POST /v1/deliveries/{id}/replay`: sends a finished delivery again (see `BackendStore.replayDelivery`).
 */
export function createDeliveriesRoute({ store, agents, wakeOutbox }: DeliveriesRouteOptions) {
  const tokens = agents.map((agent) => ({ id: agent.id, expected: digest(`Bearer ${agent.webhookSecret}`) }));
  function agentsOf(req: IncomingMessage): string[] {
    const given = digest(req.headers.authorization ?? '');
    // Every token is compared, in constant time each, so the time taken says nothing about which matched.
    const agentIds = tokens.filter((token) => timingSafeEqual(given, token.expected)).map((token) => token.id);
    if (!agentIds.length) {
      throw new HttpError(401, 'unauthorized', 'Send an agent\'s webhook secret as "authorization: Bearer whsec_…"', {
        headers: { 'www-authenticate': 'Bearer realm="aicado-deliveries"' },
      });
    }
    return agentIds;
  }

  function listDeliveries(req: IncomingMessage, res: ServerResponse, search: URLSearchParams): void {
    const agentIds = agentsOf(req);
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
  }

  // Another agent's delivery is answered as unknown, like one that never existed: a token learns nothing
  // about the rows it cannot list.
  function replayDelivery(req: IncomingMessage, res: ServerResponse, deliveryId: string): void {
    const agentIds = agentsOf(req);
    const result = store.replayDelivery(deliveryId, agentIds, Date.now());
    if ('refused' in result) {
      const shown = deliveryId.slice(0, 80);
      if (result.refused === 'unknown') throw new HttpError(404, 'unknown_delivery', `No delivery "${shown}" of this token's agent`);
      throw new HttpError(
        409,
        'delivery_pending',
        `Delivery "${shown}" is still pending (waiting for its next attempt or in flight); replay it once it is delivered, dead or stopped`,
      );
    }
    wakeOutbox();
    sendJson(res, 202, { delivery: toApi(result.replayed) });
  }

  return { listDeliveries, replayDelivery };
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
    conversation_id: row.conversation_id,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    replays: row.replays,
    last_error: row.last_error,
    next_attempt_at: isoOrNull(row.next_attempt_at),
    delivered_at: isoOrNull(row.delivered_at),
    created_at: new Date(row.created_at).toISOString(),
  };
}

function isoOrNull(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}
