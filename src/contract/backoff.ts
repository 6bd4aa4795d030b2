/**
 * One rule for waiting before a retry, used by the SDK (queries) and the reference backend (webhooks):
 * `baseMs` with ±`jitter` (a fraction), so that clients recovering from an outage do not all come back
 * at once, and never shorter than the peer's `retry-after`, unless that asks for more than `maxRetryAfterMs`.
 */
export function backoffDelay(
  baseMs: number,
  { jitter, retryAfterMs, maxRetryAfterMs = Infinity, random = Math.random }: BackoffOptions,
): number {
  const jittered = Math.round(baseMs * (1 - jitter + 2 * jitter * random()));
  return retryAfterMs !== undefined && retryAfterMs > jittered && retryAfterMs <= maxRetryAfterMs ? retryAfterMs : jittered;
}

export interface BackoffOptions {
  jitter: number;
  retryAfterMs?: number | undefined;
  maxRetryAfterMs?: number;
  random?: () => number;
}
