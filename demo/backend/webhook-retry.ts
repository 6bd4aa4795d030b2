import { backoffDelay } from '../../src/contract/backoff.js';

export { parseRetryAfter } from '../../src/contract/retry-after.js';

/** Longest wait a receiver may ask for with `retry-after`; beyond it the schedule's own delay is used. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Delay before the next webhook delivery attempt, or undefined when the schedule is exhausted.
 * `attempts` counts the attempts made so far (≥ 1); the schedule lists the waits between attempts.
 */
export function webhookRetryDelay(
  schedule: readonly number[],
  attempts: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  const base = schedule[attempts - 1];
  if (base === undefined) return undefined;
  return backoffDelay(base, { jitter: 0.2, retryAfterMs, maxRetryAfterMs: MAX_RETRY_AFTER_MS, random });
}
