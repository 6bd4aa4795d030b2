import { ApiErrorSchema, DeltaEventSchema, DoneEventSchema, ErrorEventSchema, type QueryRequest } from '../contract/protocol.js';
import type { ParamIssue } from '../contract/params.js';
import { AicadoError } from '../errors.js';
import { readServerSentEvents } from './sse.js';

export interface QueryAnswer {
  queryId: string;
  output: string;
}

export interface PostQueryOptions {
  apiBase: string;
  agentId: string;
  request: QueryRequest;
  onDelta: (text: string) => void;
  signal?: AbortSignal;
}

/**
 * Sends one query and streams its answer. Every failure becomes an AicadoError carrying the server's
 * code and message; `status` and `retryAfterMs` let the caller decide whether to retry.
 */
export async function postQuery({ apiBase, agentId, request, onDelta, signal }: PostQueryOptions): Promise<QueryAnswer> {
  let response: Response;
  try {
    response = await fetch(`${apiBase}/v1/agents/${encodeURIComponent(agentId)}/queries`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream, application/json;q=0.9',
        'idempotency-key': request.query_id,
      },
      body: JSON.stringify(request),
      signal: signal ?? null,
      credentials: 'omit',
    });
  } catch (cause) {
    if (signal?.aborted) throw new AicadoError('aborted', 'The query was cancelled', { cause });
    throw new AicadoError('network', `Could not reach the Aicado API at ${apiBase}`, { cause });
  }
  if (!response.ok) throw await httpError(response);

  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/event-stream') && response.body) return readStream(response.body, onDelta);

  const answer = DoneEventSchema.safeParse(await response.json().catch(() => undefined));
  if (!answer.success) throw new AicadoError('invalid_response', 'The Aicado API answered with an unexpected body');
  onDelta(answer.data.output);
  return { queryId: answer.data.query_id, output: answer.data.output };
}

async function readStream(body: ReadableStream<Uint8Array>, onDelta: (text: string) => void): Promise<QueryAnswer> {
  try {
    for await (const message of readServerSentEvents(body)) {
      const data = parseJson(message.data);
      if (message.event === 'delta') {
        const delta = DeltaEventSchema.safeParse(data);
        if (delta.success) onDelta(delta.data.text);
      } else if (message.event === 'done') {
        const done = DoneEventSchema.safeParse(data);
        if (!done.success) throw new AicadoError('invalid_response', 'The answer stream ended with a malformed done event');
        return { queryId: done.data.query_id, output: done.data.output };
      } else if (message.event === 'error') {
        const error = ErrorEventSchema.safeParse(data);
        throw error.success
          ? new AicadoError(error.data.code, error.data.message, { status: 500 })
          : new AicadoError('invalid_response', 'The answer stream ended with a malformed error event', { status: 500 });
      }
    }
  } catch (cause) {
    if (cause instanceof AicadoError) throw cause;
    throw new AicadoError('network', 'The connection dropped while the answer was streaming', { cause });
  }
  throw new AicadoError('network', 'The answer stream ended before it was complete');
}

async function httpError(response: Response): Promise<AicadoError> {
  const body = ApiErrorSchema.safeParse(await response.json().catch(() => undefined));
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const init = { status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (!body.success) return new AicadoError('http_error', `The Aicado API answered ${response.status}`, init);
  const { code, message, issues } = body.data.error;
  return new AicadoError(code, message, { ...init, ...(issues ? { issues: issues as ParamIssue[] } : {}) });
}

/** `retry-after` as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
