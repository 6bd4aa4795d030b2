import type { QueryRequest } from '../contract/protocol.js';
import { parseRetryAfter } from '../contract/retry-after.js';
import { AicadoError } from '../errors.js';
import { readServerSentEvents } from './sse.js';
import { asApiError, asDeltaEvent, asDoneEvent, asErrorEvent } from './wire.js';

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

  const answer = asDoneEvent(await response.json().catch(() => undefined));
  if (!answer) throw new AicadoError('invalid_response', 'The Aicado API answered with an unexpected body');
  onDelta(answer.output);
  return { queryId: answer.query_id, output: answer.output };
}

async function readStream(body: ReadableStream<Uint8Array>, onDelta: (text: string) => void): Promise<QueryAnswer> {
  try {
    for await (const message of readServerSentEvents(body)) {
      const data = parseJson(message.data);
      if (message.event === 'delta') {
        const delta = asDeltaEvent(data);
        if (delta) onDelta(delta.text);
      } else if (message.event === 'done') {
        const done = asDoneEvent(data);
        if (!done) throw new AicadoError('invalid_response', 'The answer stream ended with a malformed done event');
        return { queryId: done.query_id, output: done.output };
      } else if (message.event === 'error') {
        const error = asErrorEvent(data);
        throw error
          ? new AicadoError(error.code, error.message, { status: error.status ?? 500 })
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
  const body = asApiError(await response.json().catch(() => undefined));
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const init = { status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (!body) return new AicadoError('http_error', `The Aicado API answered ${response.status}`, init);
  const { code, message, issues } = body.error;
  return new AicadoError(code, message, { ...init, ...(issues ? { issues } : {}) });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
