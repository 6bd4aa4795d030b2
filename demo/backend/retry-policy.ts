export { parseRetryAfter } from '../../src/contract/retry-after.js';

/** Longest wait a receiver may ask for with `retry-after`; beyond it the schedule's own delay is used. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Delay before the next attempt, or undefined when the schedule is exhausted.
 * `attempts` counts the attempts made so far (≥ 1); the schedule lists the waits between attempts.
 */
export function nextRetryDelay(
  schedule: readonly number[],
  attempts: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  const base = schedule[attempts - 1];
  if (base === undefined) return undefined;
  // ±20 % jitter, so receivers recovering from an outage are not hit by every sender at once.
  const jittered = Math.round(base * (0.8 + random() * 0.4));
  return retryAfterMs !== undefined && retryAfterMs > jittered && retryAfterMs <= MAX_RETRY_AFTER_MS ? retryAfterMs : jittered;
}
