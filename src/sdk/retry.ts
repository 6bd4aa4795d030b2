import { isAicadoError } from '../errors.js';

export const RETRY_POLICY = Object.freeze({ baseMs: 500, maxMs: 15_000, maxAttempts: 6 });

/** Network errors, timeouts, 408, 429 and 5xx are worth another attempt with the same query id. */
export function isRetryable(error: unknown): boolean {
  if (!isAicadoError(error)) return false;
  if (error.code === 'network' || error.code === 'timeout') return true;
  const status = error.status ?? 0;
  return status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with ±30% jitter, never shorter than the server's `retry-after`. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const backoff = Math.min(RETRY_POLICY.maxMs, RETRY_POLICY.baseMs * 2 ** attempt);
  const jittered = backoff * (0.7 + 0.6 * random());
  return Math.max(jittered, retryAfterMs ?? 0);
}
