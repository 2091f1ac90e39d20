/**
 * Auth0-style fixed one-second window. Every /api/v2 answer carries x-ratelimit-limit, -remaining and -reset
 * (epoch seconds when the window ends); past the limit the answer is 429.
 */
export class RateLimiter {
  private windowStart = 0;
  private used = 0;

  /** limit 0 = unlimited (headers still sent, with a nominal limit). */
  constructor(
    public limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(): { allowed: boolean; headers: Record<string, string> } {
    const t = this.now();
    const second = Math.floor(t / 1000);
    if (second !== this.windowStart) {
      this.windowStart = second;
      this.used = 0;
    }
    const limit = this.limit > 0 ? this.limit : 1000;
    const allowed = this.limit <= 0 || this.used < this.limit;
    if (allowed) this.used++;
    const remaining = this.limit > 0 ? Math.max(0, limit - this.used) : limit - 1;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(second + 1),
    };
    return { allowed, headers };
  }
}
