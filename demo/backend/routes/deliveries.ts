import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import type { BackendStore, DeliveryRow } from '../store.js';

/** `GET /v1/deliveries[?query_id=…&status=…]`: the webhook outbox, oldest first, for the demo and the tests. */
export function createDeliveriesRoute(store: BackendStore) {
  return function listDeliveries(_req: IncomingMessage, res: ServerResponse, search: URLSearchParams): void {
    const filter = {
      ...(search.get('query_id') ? { queryId: search.get('query_id') ?? '' } : {}),
      ...(search.get('status') ? { status: search.get('status') ?? '' } : {}),
    };
    sendJson(res, 200, { deliveries: store.listDeliveries(filter).map(toApi) });
  };
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
