/**
 * Fixed one-minute windows per bucket, like Okta's per-endpoint limits. The bucket is the endpoint family
 * (for example `GET /api/v1/users/{id}`) so ids do not create buckets of their own.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { resetAt: number; used: number }>();

  constructor(public limitPerMinute: number) {}

  /** Counts one request and returns the headers for it; `allowed` is false once the window is spent. */
  take(bucket: string, nowMs = Date.now()): { allowed: boolean; headers: Record<string, string> } {
    let window = this.windows.get(bucket);
    if (!window || nowMs >= window.resetAt * 1000) {
      window = { resetAt: Math.floor(nowMs / 60_000) * 60 + 60, used: 0 };
      this.windows.set(bucket, window);
    }
    const allowed = window.used < this.limitPerMinute;
    if (allowed) window.used++;
    return {
      allowed,
      headers: {
        'X-Rate-Limit-Limit': String(this.limitPerMinute),
        'X-Rate-Limit-Remaining': String(Math.max(0, this.limitPerMinute - window.used)),
        'X-Rate-Limit-Reset': String(window.resetAt),
      },
    };
  }

  reset(): void {
    this.windows.clear();
  }
}

const ID_SEGMENT = /^(?:[0-9a-zA-Z]{20}|default)$/;

export function rateLimitBucket(method: string, path: string): string {
  const segments = path.split('/').map((s, i) => (i > 1 && ID_SEGMENT.test(s) ? '{id}' : s));
  return `${method === 'GET' ? 'GET' : 'WRITE'} ${segments.slice(0, 6).join('/')}`;
}
