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

/** Parses `retry-after` (delay in seconds, or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
