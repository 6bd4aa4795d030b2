import { AicadoError } from '../../contract/errors.js';
import {
  EVENT_STREAM_TYPE,
  HEADERS,
  JSON_TYPE,
  QUERY_ACCEPT,
  SSE_EVENTS,
  queriesPath,
  type AicadoErrorCode,
} from '../../contract/protocol.js';
import { parseRetryAfter } from '../../contract/retry-after.js';
import type { DoneEvent, QueryRequest } from '../../contract/schemas.js';
import type { QueryAnswer } from '../../at-load/core/agent-state.js';
import { readServerSentEvents } from './sse.js';
import { asApiError, asDeltaEvent, asDoneEvent, asErrorEvent, asStatusEvent } from './wire.js';

/** The answer a `done` event (or a stop's reply) carries. */
export const answerOf = (done: DoneEvent): QueryAnswer => ({
  queryId: done.query_id,
  output: done.output,
  status: done.status ?? 'completed',
  sources: done.sources ?? [],
});

export interface PostQueryOptions {
  apiBase: string;
  agentId: string;
  request: QueryRequest;
  onDelta: (text: string) => void;
  /** What the agent is doing before or between deltas (plain text). */
  onStatus?: (text: string) => void;
  /** Any byte of the answer arrived, a heartbeat included. */
  onProgress?: () => void;
  signal?: AbortSignal;
}

/** After `done`, at most this many further bytes are read while waiting for the stream to close. */
const MAX_TRAILING_BYTES = 16 * 1024;

/**
 * Sends one query and streams its answer. Every failure becomes an AicadoError carrying the server's
 * code and message; `status` and `retryAfterMs` let the caller decide whether to retry.
 */
export async function postQuery({
  apiBase,
  agentId,
  request,
  onDelta,
  onStatus,
  onProgress,
  signal,
}: PostQueryOptions): Promise<QueryAnswer> {
  let response: Response;
  try {
    response = await fetch(apiBase + queriesPath(agentId), {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE, accept: QUERY_ACCEPT, [HEADERS.idempotencyKey]: request.query_id },
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
  if (type.includes(EVENT_STREAM_TYPE) && response.body) return readStream(response.body, onDelta, onStatus, onProgress);

  const answer = asDoneEvent(await response.json().catch(() => undefined));
  if (!answer) throw new AicadoError('invalid_response', 'The Aicado API answered with an unexpected body');
  onDelta(answer.output);
  return answerOf(answer);
}

async function readStream(
  body: ReadableStream<Uint8Array>,
  onDelta: (text: string) => void,
  onStatus?: (text: string) => void,
  onProgress?: () => void,
): Promise<QueryAnswer> {
  let answer: QueryAnswer | undefined;
  let trailing = 0;
  try {
    for await (const message of readServerSentEvents(body, onProgress)) {
      // The stream is read to its close after `done`, so the browser sees a completed request rather
      // than an aborted one; a server that keeps talking past `done` is cut off after a few KB.
      if (answer) {
        if ((trailing += message.data.length) > MAX_TRAILING_BYTES) break;
        continue;
      }
      const data = parseJson(message.data);
      if (message.event === SSE_EVENTS.delta) {
        const delta = asDeltaEvent(data);
        if (delta) onDelta(delta.text);
      } else if (message.event === SSE_EVENTS.status) {
        const status = asStatusEvent(data);
        if (status) onStatus?.(status.text);
      } else if (message.event === SSE_EVENTS.done) {
        const done = asDoneEvent(data);
        if (!done) throw new AicadoError('invalid_response', 'The answer stream ended with a malformed done event');
        answer = answerOf(done);
      } else if (message.event === SSE_EVENTS.error) {
        const error = asErrorEvent(data);
        throw error
          ? new AicadoError(error.code as AicadoErrorCode, error.message, { status: error.status ?? 500 })
          : new AicadoError('invalid_response', 'The answer stream ended with a malformed error event', { status: 500 });
      }
    }
  } catch (cause) {
    if (cause instanceof AicadoError) throw cause;
    if (answer) return answer; // the answer is complete; only the close of the stream was lost
    throw new AicadoError('network', 'The connection dropped while the answer was streaming', { cause });
  }
  if (answer) return answer;
  throw new AicadoError('network', 'The answer stream ended before it was complete');
}

/** The AicadoError for a non-2xx answer, with the server's code, message and `retry-after`. */
export async function httpError(response: Response): Promise<AicadoError> {
  const body = asApiError(await response.json().catch(() => undefined));
  const retryAfterMs = parseRetryAfter(response.headers.get(HEADERS.retryAfter));
  const init = { status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (!body) return new AicadoError('http_error', `The Aicado API answered ${response.status}`, init);
  const { code, message, issues } = body.error;
  // The API answers with the codes of `ERROR_CODES` (a test holds the backend to it); not re-checked
  // here, to keep the list out of the script tag.
  return new AicadoError(code as AicadoErrorCode, message, { ...init, ...(issues ? { issues } : {}) });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
