import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveConfig, type BackendConfig, type BackendOptions } from './config/index.js';
import { ConversationLifecycle } from './conversation-lifecycle.js';
import { CorsPolicy } from './cors.js';
import { guardConnections, HttpError, sendError, sendJson } from './http.js';
import { createModel } from './models/index.js';
import { WebhookOutbox } from './outbox.js';
import { QueryRunner } from './query-runner.js';
import { RateLimiter } from './rate-limiter.js';
import { createDefinitionRoute } from './routes/definition.js';
import { createDeliveriesRoute, DELIVERY_REPLAY_PATH_PATTERN } from './routes/deliveries.js';
import { createConversationActionsRoute } from './routes/conversation-actions.js';
import { createQueryActionsRoute } from './routes/query-actions.js';
import { createQueriesRoute } from './routes/queries.js';
import { BackendStore } from './store.js';
import type { ChatModel } from './models/index.js';
import type { ConversationAction, QueryAction } from '../../src/contract/protocol.js';
import {
  AGENT_PATH_PATTERN,
  CONVERSATION_ACTION_PATH_PATTERN,
  DELIVERIES_PATH,
  HEALTH_PATH,
  QUERIES_PATH_PATTERN,
  QUERY_ACTION_PATH_PATTERN,
} from './protocol.js';

export interface RunningBackend {
  /** Base URL, e.g. `http://127.0.0.1:8787`, with the real port when `port` was 0. */
  url: string;
  /** The normalised configuration, including generated secrets. */
  config: BackendConfig;
  /** Stops accepting, aborts model runs and delivery attempts, and closes the database. */
  close(): Promise<void>;
}

/** Starts the reference backend: query API, SSE, idempotency, conversations, signed webhooks and a durable outbox. */
export async function startBackend(options: BackendOptions = {}): Promise<RunningBackend> {
  const config = resolveConfig(options);
  const agents = new Map(config.agents.map((agent) => [agent.id, agent]));
  const store = new BackendStore(config.dataDir);
  const outbox = new WebhookOutbox({
    store,
    endpointOf: (agentId) => {
      const agent = agents.get(agentId);
      return agent && { url: agent.webhookUrl, secret: agent.webhookSecret };
    },
    retrySchedule: config.retrySchedule,
    timeoutMs: config.deliveryTimeoutMs,
    maxConcurrent: config.deliveryConcurrency,
    log: config.log,
  });
  const models = new Map<string, ChatModel>();
  const modelOf = (agentId: string): ChatModel => {
    const name = agents.get(agentId)?.model ?? 'echo';
    let model = models.get(name);
    if (!model) models.set(name, (model = createModel(name, config)));
    return model;
  };
  const runner = new QueryRunner(store, outbox, modelOf, config.log);
  const lifecycle = new ConversationLifecycle({
    store,
    wakeOutbox: () => outbox.wake(),
    idleMs: config.conversationIdleMinutes * 60_000,
    log: config.log,
  });
  // Each agent admits its own origins; routes of no agent (deliveries, health) the backend-wide ones.
  const cors = new CorsPolicy(config.allowedOrigins, config.log);
  const agentCors = new Map(config.agents.map((agent) => [agent.id, new CorsPolicy(agent.allowedOrigins, config.log)]));
  const getDefinition = createDefinitionRoute(config.agents);
  const rateLimiter = new RateLimiter();
  const rateLimits = { perConversation: config.rateLimit, perAddress: config.rateLimitPerAddress };
  const handleQuery = createQueriesRoute({
    agents: config.agents,
    signedParamsMaxLifetimeSeconds: config.signedParamsMaxLifetimeSeconds,
    heartbeatMs: config.heartbeatMs,
    runner,
    rateLimiter,
    rateLimits,
    log: config.log,
  });
  const handleAction = createQueryActionsRoute({ agents: [...agents.keys()], runner, store, outbox, rateLimiter, rateLimits });
  const handleConversationAction = createConversationActionsRoute({
    agents: [...agents.keys()],
    lifecycle,
    rateLimiter,
    perAddress: config.rateLimitPerAddress,
  });
  const deliveries = createDeliveriesRoute({ store, agents: config.agents, wakeOutbox: () => outbox.wake() });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Prefixed rather than resolved, so a path such as `//x` stays a path instead of becoming a host.
    const url = new URL(`http://backend.invalid${req.url?.startsWith('/') ? req.url : '/'}`);
    const queries = QUERIES_PATH_PATTERN.exec(url.pathname);
    const action = QUERY_ACTION_PATH_PATTERN.exec(url.pathname);
    const conversationAction = CONVERSATION_ACTION_PATH_PATTERN.exec(url.pathname);
    const definition = AGENT_PATH_PATTERN.exec(url.pathname);
    const agentId = decodeSegment((queries ?? action ?? conversationAction ?? definition)?.[1] ?? '');
    if ((agentCors.get(agentId) ?? cors).apply(req, res)) return;
    if (queries) {
      allowMethods(req, 'POST');
      return handleQuery(req, res, agentId);
    }
    if (action) {
      allowMethods(req, 'POST');
      return handleAction(req, res, agentId, decodeSegment(action[2] ?? ''), action[3] as QueryAction);
    }
    if (conversationAction) {
      allowMethods(req, 'POST');
      const [, , conversationId, name] = conversationAction;
      return handleConversationAction(req, res, agentId, decodeSegment(conversationId ?? ''), name as ConversationAction);
    }
    if (definition) {
      allowMethods(req, 'GET');
      return getDefinition(req, res, agentId);
    }
    if (url.pathname === DELIVERIES_PATH) {
      allowMethods(req, 'GET');
      return deliveries.listDeliveries(req, res, url.searchParams);
    }
    const replay = DELIVERY_REPLAY_PATH_PATTERN.exec(url.pathname);
    if (replay) {
      allowMethods(req, 'POST');
      return deliveries.replayDelivery(req, res, decodeSegment(replay[1] ?? ''));
    }
    if (url.pathname === HEALTH_PATH) {
      allowMethods(req, 'GET');
      return sendJson(res, 200, { ok: true });
    }
    throw new HttpError(404, 'not_found', `No route for ${req.method ?? 'GET'} ${url.pathname}`);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    route(req, res).catch((error: unknown) => {
      const known = error instanceof HttpError ? error : new HttpError(500, 'internal', 'Internal error');
      if (!(error instanceof HttpError)) config.log(`unexpected error on ${req.method} ${req.url}: ${stackOf(error)}`);
      if (!res.headersSent) sendError(res, known);
      else res.end();
    });
  }

  const server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      // Node looks for overdue requests only this often (30 s by default, which would let them linger).
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    handle,
  );
  server.maxConnections = config.maxConnections;
  guardConnections(server, { perAddress: config.maxConnectionsPerAddress, headersTimeoutMs: config.headersTimeoutMs, log: config.log });
  let lastDropLog = 0;
  server.on('drop', () => {
    const now = Date.now();
    if (now - lastDropLog < 60_000) return; // once a minute is enough to explain the refusals
    lastDropLog = now;
    config.log(`connection cap reached (${config.maxConnections} open): dropping new connections; raise it with --max-connections`);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    store.close();
    throw error;
  }
  outbox.start();
  lifecycle.start();

  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    config: { ...config, port },
    close: () =>
      (closing ??= (async () => {
        runner.close();
        lifecycle.close();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await outbox.close();
        store.close();
      })()),
  };
}

function allowMethods(req: IncomingMessage, method: string): void {
  if (req.method !== method) {
    throw new HttpError(405, 'method_not_allowed', `Use ${method} here, not ${req.method ?? '?'}`, { headers: { allow: method } });
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
