import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkDeclaredParams, checkDeclaredValues, checkQueryParams, declaredParamsError } from '../../../src/contract/declared-params.js';
import { checkParams, invalidParamsError } from '../../../src/contract/params.js';
import { EVENT_STREAM_TYPE, HEADERS, QUERY_LIMITS, STATUS_TEXT_MAX_LENGTH } from '../../../src/contract/protocol.js';
import { QueryRequestSchema, type DoneEvent } from '../../../src/contract/schemas.js';
import { isAicadoError } from '../../../src/contract/errors.js';
import { verifySignedParams } from '../../../src/server/signed-params.js';
import { HttpError, isLocalCaller, readJsonBody, sendJson } from '../http.js';
import type { AgentConfig } from '../config/index.js';
import type { ModelOutput } from '../models/index.js';
import type { Answer, QueryRunner, ValidQuery } from '../query-runner.js';
import type { RateLimiter } from '../rate-limiter.js';
import { SseStream } from '../sse.js';
import { describeIssues } from '../../../src/contract/zod-issues.js';

export interface QueriesRouteDeps {
  /** The agents served: each verifies tokens with its signing secret and checks its declared params. */
  agents: readonly AgentConfig[];
  runner: QueryRunner;
  rateLimiter: RateLimiter;
  /** Query starts a minute; 0 is no limit. */
  rateLimits: { perConversation: number; perAddress: number };
  /** Longest lifetime of a `signed_params` token accepted. */
  signedParamsMaxLifetimeSeconds: number;
  /** Interval of the keep-alive comments on open streams. */
  heartbeatMs: number;
  log: (message: string) => void;
}

/** `POST /v1/agents/{agentId}/queries`: validates, then streams (SSE) or returns (JSON) the answer. */
export function createQueriesRoute(deps: QueriesRouteDeps) {
  const agents = new Map(deps.agents.map((agent) => [agent.id, agent]));

  return async function handleQuery(req: IncomingMessage, res: ServerResponse, agentId: string): Promise<void> {
    const agent = agents.get(agentId);
    if (!agent) throw unknownAgent(agentId, agents.keys(), req);
    const { query, signedParams } = await readQuery(req, agent);
    const reply = new QueryReply(res, (req.headers.accept ?? '').toLowerCase().includes(EVENT_STREAM_TYPE), deps.heartbeatMs);
    // Per conversation, and per client address, which a visitor cannot pick afresh for every query. A
    // request that joins a running query holds a stream as one that starts it does, so it counts too;
    // once per request, however many turns it waits.
    let counted = false;
    const countStart = () => {
      if (counted) return;
      counted = true;
      const refused = deps.rateLimiter.take([
        { key: `conversation:${agentId}/${query.conversationId}`, perMinute: deps.rateLimits.perConversation },
        { key: `address:${req.socket.remoteAddress ?? 'unknown'}`, perMinute: deps.rateLimits.perAddress },
      ]);
      if (refused) {
        const what = refused.limit.key.startsWith('address:') ? 'from this address' : 'in this conversation';
        throw new HttpError(429, 'rate_limited', `Too many queries ${what}; retry in ${refused.waitSeconds} s`, {
          headers: { [HEADERS.retryAfter]: String(refused.waitSeconds) },
        });
      }
    };
    try {
      for (;;) {
        const state = deps.runner.claim(query);
        if (state.kind === 'stored') return reply.answer(query.queryId, state.answer, true);
        if (state.kind === 'running') {
          countStart();
          reply.accept(); // headers now (and heartbeats), so the client knows the query is in hand while it waits
          await state.finished; // if that run failed or was refused, the next turn claims the query here
          continue;
        }
        const { claim } = state;
        try {
          // Only a new query needs the token: a stored answer is replayed for its query_id, as the
          // protocol promises, even after the token that first authorised it has expired.
          if (signedParams !== undefined)
            query.verifiedParams ??= await verifyToken(signedParams, agent, deps.signedParamsMaxLifetimeSeconds);
          countStart();
          reply.accept();
          const answer = await claim.run(reply);
          return reply.answer(query.queryId, answer, false);
        } finally {
          claim.release();
        }
      }
    } catch (error) {
      // Before the stream opened, the server answers with a status; after, only an `error` event can.
      if (!reply.fail(error, deps.log)) throw error;
    }
  };
}

/** One response, either a JSON body or an SSE stream opened on first need; the model reports into it. */
class QueryReply implements ModelOutput {
  private stream: SseStream | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly wantsStream: boolean,
    private readonly heartbeatMs: number,
  ) {}

  accept(): void {
    if (this.wantsStream) this.stream ??= new SseStream(this.res, this.heartbeatMs);
  }

  delta(text: string): void {
    this.stream?.delta({ text });
  }

  status(text: string): void {
    this.stream?.status({ text: text.slice(0, STATUS_TEXT_MAX_LENGTH) });
  }

  /** Sends the answer; a replayed answer arrives on a stream as a single delta. */
  answer(queryId: string, answer: Answer, asOneDelta: boolean): void {
    const done = doneEventOf(queryId, answer);
    if (!this.wantsStream) return sendJson(this.res, 200, done);
    this.accept();
    if (asOneDelta && answer.output) this.delta(answer.output);
    this.stream?.done(done);
  }

  /** Reports an error on the open stream; false when no stream is open yet. */
  fail(error: unknown, log: (message: string) => void): boolean {
    if (!this.stream) return false;
    const known = error instanceof HttpError ? error : new HttpError(500, 'internal', 'Internal error; retry with the same query_id');
    if (!(error instanceof HttpError)) log(`query failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    this.stream.error({ code: known.code, message: known.message, status: known.status });
    return true;
  }
}

/** The `done` event of an answer; the same body answers a JSON client and a stop. */
export const doneEventOf = (queryId: string, { output, status, sources }: Answer): DoneEvent => ({
  query_id: queryId,
  output,
  status,
  sources,
});

/** 404 for an agent this backend does not serve; only the developer's own machine is told which it does. */
export function unknownAgent(agentId: string, served: Iterable<string>, req: IncomingMessage): HttpError {
  const listed = isLocalCaller(req) ? `; this backend serves: ${[...served].join(', ')}` : '';
  return new HttpError(404, 'unknown_agent', `No agent "${agentId}"${listed}`);
}

async function readQuery(req: IncomingMessage, agent: AgentConfig): Promise<{ query: ValidQuery; signedParams: string | undefined }> {
  const body = await readJsonBody(req, QUERY_LIMITS.maxBodyBytes);
  const parsed = QueryRequestSchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', `Invalid query: ${describeIssues(parsed.error.issues)}`);
  const request = parsed.data;
  const idempotencyKey = req.headers[HEADERS.idempotencyKey];
  if (idempotencyKey !== undefined && idempotencyKey !== request.query_id) {
    throw new HttpError(400, 'idempotency_key_mismatch', `The ${HEADERS.idempotencyKey} header must equal query_id (${request.query_id})`);
  }
  const params = checkParams(request.params);
  if (!params.ok) {
    throw new HttpError(400, 'invalid_params', invalidParamsError(params.issues).message, { issues: params.issues });
  }
  // Then the agent's own declarations, before anything runs: a refused query runs no model and fires no webhook.
  const undeclared = checkQueryParams(params.params, agent.params);
  if (undeclared.length) {
    const error = declaredParamsError(undeclared);
    throw new HttpError(400, error.code, error.message, { issues: undeclared });
  }
  const query: ValidQuery = {
    agentId: agent.id,
    queryId: request.query_id,
    conversationId: request.conversation_id,
    input: request.input,
    params: params.params,
    context: request.context ?? {},
    ...(request.consent ? { consent: request.consent } : {}),
    ...(request.form_submitted ? { formSubmitted: true } : {}),
  };
  return { query, signedParams: request.signed_params };
}

/**
 * A token that fails, or whose params break the agent's declaration, is refused before anything runs: no
 * model call, no webhook. The declaration is the contract the webhook promises, whoever signed the params;
 * `required` is left to the page's params, which every query carries.
 */
async function verifyToken(token: string, agent: AgentConfig, maxLifetimeSeconds: number) {
  let params;
  try {
    params = await verifySignedParams(token, agent.signingSecret, { maxLifetimeSeconds });
  } catch (error) {
    if (!isAicadoError(error) || error.code !== 'invalid_signed_params') throw error;
    throw new HttpError(401, 'invalid_signed_params', error.message);
  }
  const issues = [...checkDeclaredParams(params, agent.params), ...checkDeclaredValues(params, agent.params)];
  if (issues.length) {
    const { code } = declaredParamsError(issues);
    throw new HttpError(
      400,
      code,
      `Signed params do not match the agent's definition: ${issues.map((issue) => issue.message).join('; ')}`,
      {
        issues,
      },
    );
  }
  return params;
}
