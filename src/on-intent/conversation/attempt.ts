import { AicadoError } from '../../contract/errors.js';
import type { QueryRequest } from '../../contract/schemas.js';
import type { QueryAnswer } from '../../at-load/core/agent-state.js';
import { postQuery } from '../transport/query.js';
import type { CancellationScope } from './cancellation-scope.js';

/** Without a byte from the server for this long (heartbeats count), an attempt is abandoned and retried. */
export const IDLE_TIMEOUT_MS = 30_000;

export interface AttemptOptions {
  apiBase: string;
  agentId: string;
  request: QueryRequest;
  scope: CancellationScope;
  onDelta: (text: string) => void;
  onStatus: (text: string) => void;
}

/**
 * One try at a query: streams the answer, and times out when no byte arrives for `IDLE_TIMEOUT_MS`.
 * A slow model (tool calls, reasoning) is not idle: the server's heartbeats keep the attempt alive.
 */
export function attemptQuery({ apiBase, agentId, request, scope, onDelta, onStatus }: AttemptOptions): Promise<QueryAnswer> {
  const controller = scope.controller();
  let timedOut = false;
  // One timer per attempt, re-armed lazily: a 2,000-delta answer must not mean 2,000 timers.
  let lastProgress = Date.now();
  const watchdog = () => {
    const idleFor = Date.now() - lastProgress;
    if (idleFor < IDLE_TIMEOUT_MS) idle = scope.setTimer(watchdog, IDLE_TIMEOUT_MS - idleFor);
    else {
      timedOut = true;
      controller.abort();
    }
  };
  let idle = scope.setTimer(watchdog, IDLE_TIMEOUT_MS);
  return postQuery({
    apiBase,
    agentId,
    request,
    signal: controller.signal,
    onProgress: () => {
      lastProgress = Date.now();
    },
    onDelta,
    onStatus,
  })
    .catch((error: unknown) => {
      if (timedOut) throw new AicadoError('timeout', `No answer from the Aicado API for ${IDLE_TIMEOUT_MS / 1000} s`, { cause: error });
      throw error;
    })
    .finally(() => {
      scope.clearTimer(idle);
      controller.release();
    });
}
