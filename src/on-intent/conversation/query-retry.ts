import { backoffDelay } from '../../contract/backoff.js';
import { isAicadoError } from '../../contract/errors.js';

/** How the SDK retries a query (same query id every time). */
export const QUERY_RETRY = Object.freeze({ baseMs: 500, maxMs: 15_000, maxAttempts: 6, jitter: 0.3 });

/** Network errors, timeouts, 408, 429 and 5xx are worth another attempt with the same query id. */
export function isRetryable(error: unknown): boolean {
  if (!isAicadoError(error)) return false;
  if (error.code === 'network' || error.code === 'timeout') return true;
  const status = error.status ?? 0;
  return status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with ±30% jitter, never shorter than the server's `retry-after`. */
export function queryRetryDelay(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const base = Math.min(QUERY_RETRY.maxMs, QUERY_RETRY.baseMs * 2 ** attempt);
  return backoffDelay(base, { jitter: QUERY_RETRY.jitter, retryAfterMs, random });
}
