const WINDOW_MS = 60_000;
/** Forgetting idle keys is a full pass over the map, so it runs at most this often, not on every query. */
const SWEEP_EVERY_MS = 10_000;

/** One limit to apply: a key (a conversation, a client address) and how many starts a minute it may have. */
export interface RateLimit {
  key: string;
  perMinute: number;
}

/** Sliding one-minute windows of query starts per key, kept in memory. */
export class RateLimiter {
  private readonly starts = new Map<string, number[]>();
  private lastSweep = 0;

  /**
   * Records a start against every limit and returns undefined, or, when any limit is reached, records
   * nothing and returns the seconds to wait and which limit it was. A limit of 0 is no limit.
   */
  take(limits: readonly RateLimit[], now = Date.now()): { waitSeconds: number; limit: RateLimit } | undefined {
    if (now - this.lastSweep > SWEEP_EVERY_MS) this.sweep(now);
    const active = limits.filter((limit) => limit.perMinute > 0);
    let refusal: { waitSeconds: number; limit: RateLimit } | undefined;
    const windows = active.map((limit) => {
      const recent = (this.starts.get(limit.key) ?? []).filter((time) => time > now - WINDOW_MS);
      const oldest = recent[0];
      if (oldest !== undefined && recent.length >= limit.perMinute) {
        const waitSeconds = Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
        if (!refusal || waitSeconds > refusal.waitSeconds) refusal = { waitSeconds, limit };
      }
      return { key: limit.key, recent };
    });
    for (const { key, recent } of windows) {
      if (!refusal) recent.push(now);
      this.starts.set(key, recent);
    }
    return refusal;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, times] of this.starts) {
      if (times.every((time) => time <= now - WINDOW_MS)) this.starts.delete(key);
    }
  }
}
