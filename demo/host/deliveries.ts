import type { IncomingMessage, ServerResponse } from 'node:http';

/** A delivery as `GET /v1/deliveries` lists it, with the agent whose secret listed it. */
export interface HostDelivery {
  id: string;
  agent_id: string;
  type: string;
  status: string;
  attempts: number;
  replays: number;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
}

/** The newest deliveries the page shows; older ones stay in the backend's log. */
const SHOWN = 50;
/** Pages of 1,000 read at most per agent: a demo's log, not an operator console. */
const MAX_PAGES = 20;
const REPLAY_PATH = /^\/api\/deliveries\/([^/]+)\/replay$/;

/**
 * The page's window on the backend's delivery log. The page never holds a webhook secret: this server
 * calls `GET /v1/deliveries` and `POST /v1/deliveries/{id}/replay` with each agent's own secret.
 */
export function createDeliveryRoutes(apiBase: string, webhookSecrets: Readonly<Record<string, string>>) {
  const call = (path: string, secret: string, method = 'GET') =>
    fetch(new URL(path, apiBase), { method, headers: { authorization: `Bearer ${secret}` }, signal: AbortSignal.timeout(5000) });

  async function listOf(agentId: string, secret: string): Promise<HostDelivery[]> {
    const rows: HostDelivery[] = [];
    let cursor: string | null = '';
    for (let page = 0; cursor !== null && page < MAX_PAGES; page++) {
      const search = new URLSearchParams({ limit: '1000', ...(cursor ? { cursor } : {}) });
      const response = await call(`/v1/deliveries?${search}`, secret);
      if (!response.ok) throw new Error(`GET /v1/deliveries answered ${response.status}`);
      const body = (await response.json()) as { deliveries: Omit<HostDelivery, 'agent_id'>[]; next_cursor: string | null };
      rows.push(...body.deliveries.map((delivery) => ({ ...delivery, agent_id: agentId })));
      cursor = body.next_cursor;
    }
    return rows;
  }

  /** Answers `GET /api/deliveries` and `POST /api/deliveries/{id}/replay` (404 for any other path under it). */
  return async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/api/deliveries') {
      // Agents sharing a secret list the same rows: each row once.
      const byId = new Map<string, HostDelivery>();
      for (const [agentId, secret] of Object.entries(webhookSecrets)) {
        for (const row of await listOf(agentId, secret)) if (!byId.has(row.id)) byId.set(row.id, row);
      }
      const newest = [...byId.values()].sort((a, b) => b.created_at.localeCompare(a.created_at)).slice(0, SHOWN);
      sendJson(res, 200, { deliveries: newest });
      return;
    }
    const replay = REPLAY_PATH.exec(path);
    if (!replay) {
      sendJson(res, 404, { error: { code: 'not_found', message: `No route for ${path}` } });
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: { code: 'method_not_allowed', message: 'Use POST' } }, { allow: 'POST' });
      return;
    }
    // A replay changes state: only this page may ask (a form on another site cannot send JSON or this origin).
    const origin = req.headers.origin;
    if (!origin || new URL(origin).host !== req.headers.host || !req.headers['content-type']?.startsWith('application/json')) {
      sendJson(res, 403, { error: { code: 'forbidden', message: 'Replay from the demo page' } });
      return;
    }
    const { agent_id: agentId } = (await readJson(req)) as { agent_id?: unknown };
    const secret = typeof agentId === 'string' && Object.hasOwn(webhookSecrets, agentId) ? webhookSecrets[agentId] : undefined;
    if (!secret) {
      sendJson(res, 400, { error: { code: 'unknown_agent', message: `No agent "${String(agentId)}" in this host app` } });
      return;
    }
    const response = await call(`/v1/deliveries/${encodeURIComponent(decodeURIComponent(replay[1] ?? ''))}/replay`, secret, 'POST');
    sendJson(res, response.status, await response.json());
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 4096) return {};
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return {};
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}
