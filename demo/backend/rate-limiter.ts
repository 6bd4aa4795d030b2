const WINDOW_MS = 60_000;

/** Sliding one-minute window of query starts per conversation, kept in memory. */
export class RateLimiter {
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly perMinute: number) {}

  /** Records a start and returns undefined, or returns the seconds to wait when the key is over its limit. */
  take(key: string, now = Date.now()): number | undefined {
    if (this.perMinute <= 0) return undefined;
    if (this.starts.size > 10_000) this.sweep(now);
    const recent = (this.starts.get(key) ?? []).filter((time) => time > now - WINDOW_MS);
    const oldest = recent[0];
    if (oldest !== undefined && recent.length >= this.perMinute) {
      this.starts.set(key, recent);
      return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
    }
    recent.push(now);
    this.starts.set(key, recent);
    return undefined;
  }

  private sweep(now: number): void {
    for (const [key, times] of this.starts) {
      if (times.every((time) => time <= now - WINDOW_MS)) this.starts.delete(key);
    }
  }
}
