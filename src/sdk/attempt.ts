import type { QueryRequest } from '../contract/protocol.js';
import { AicadoError } from '../errors.js';
import { postQuery, type QueryAnswer } from '../transport/query.js';
import type { Scheduler } from './scheduler.js';

/** Without progress for this long, an attempt is abandoned (and retried by the caller). */
export const IDLE_TIMEOUT_MS = 30_000;

export interface AttemptOptions {
  apiBase: string;
  agentId: string;
  request: QueryRequest;
  scheduler: Scheduler;
  onDelta: (text: string) => void;
}

/** One try at a query: streams the answer, and times out when no byte arrives for `IDLE_TIMEOUT_MS`. */
export function attemptQuery({ apiBase, agentId, request, scheduler, onDelta }: AttemptOptions): Promise<QueryAnswer> {
  const controller = scheduler.controller();
  let timedOut = false;
  // One timer per attempt, re-armed lazily: a 2,000-delta answer must not mean 2,000 timers.
  let lastProgress = Date.now();
  const watchdog = () => {
    const idleFor = Date.now() - lastProgress;
    if (idleFor < IDLE_TIMEOUT_MS) idle = scheduler.setTimer(watchdog, IDLE_TIMEOUT_MS - idleFor);
    else {
      timedOut = true;
      controller.abort();
    }
  };
  let idle = scheduler.setTimer(watchdog, IDLE_TIMEOUT_MS);
  return postQuery({
    apiBase,
    agentId,
    request,
    signal: controller.signal,
    onDelta: (text) => {
      lastProgress = Date.now();
      onDelta(text);
    },
  })
    .catch((error: unknown) => {
      if (timedOut) throw new AicadoError('timeout', `No answer from the Aicado API for ${IDLE_TIMEOUT_MS / 1000} s`, { cause: error });
      throw error;
    })
    .finally(() => {
      scheduler.clearTimer(idle);
      controller.release();
    });
}
