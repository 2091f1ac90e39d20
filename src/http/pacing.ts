import { rateLimitJitterMs, rateLimitWaitMs } from './retry.js';
import type { HeaderReader } from './transport.js';

/**
 * Proactive pacing by the servers' rate limit headers (Okta's X-Rate-Limit-Limit/-Remaining/-Reset, Auth0's
 * X-RateLimit-*): each bucket's remaining calls are mirrored here and taken before a request is sent, so that
 * concurrent calls wait for the window to reset instead of spending it on 429s. The server stays the authority:
 * every answer corrects the mirror, and a 429 still goes through the retry policy.
 *
 * A bucket is known by origin and path, ids left out (`/api/v1/groups/{}/users/{}`). Okta splits a few paths by
 * method; keeping those together is the cautious side (the tighter limit wins).
 */
interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

interface Bucket {
  limit: number;
  remaining: number;
  /** When the window ends, by our clock; undefined after a reset until an answer says when the next one ends. */
  resetAtMs: number | undefined;
}

/** While a new window's first answers are on their way, how often to look again, and for how long at most. */
const UNKNOWN_WINDOW_POLL_MS = 50;
const UNKNOWN_WINDOW_MAX_WAIT_MS = 1000;

export class RatePacer {
  private readonly buckets = new Map<string, Bucket>();

  /** Waits until the bucket of `url` has a call left, and takes it; returns the time waited. */
  async acquire(url: string, clock: PaceClock): Promise<number> {
    const key = bucketKey(url);
    let waited = 0;
    let waitedUnknown = 0;
    for (;;) {
      const bucket = this.buckets.get(key);
      if (!bucket) return waited;
      const now = clock.now();
      if (bucket.resetAtMs !== undefined && now >= bucket.resetAtMs) {
        bucket.remaining = bucket.limit;
        bucket.resetAtMs = undefined;
      }
      if (bucket.remaining > 0) {
        bucket.remaining -= 1;
        return waited;
      }
      // No answer says when this window ends (they failed, or carry no headers): go, and let the server say.
      if (bucket.resetAtMs === undefined && waitedUnknown >= UNKNOWN_WINDOW_MAX_WAIT_MS) return waited;
      const delay =
        bucket.resetAtMs === undefined
          ? UNKNOWN_WINDOW_POLL_MS
          : bucket.resetAtMs - now + rateLimitJitterMs(() => clock.random());
      await clock.sleep(delay);
      waited += delay;
      if (bucket.resetAtMs === undefined) waitedUnknown += delay;
    }
  }

  /** What an answer says about its bucket. */
  observe(url: string, status: number, headers: HeaderReader, nowMs: number): void {
    const limit = numberHeader(headers, 'limit');
    const remaining = numberHeader(headers, 'remaining');
    const wait = rateLimitWaitMs(headers, nowMs);
    if (limit === undefined || remaining === undefined || wait === undefined || limit <= 0) return;
    // An answer from a window that has ended (it was in flight over the reset) says nothing about this one.
    if (wait <= 0) return;
    const resetAtMs = nowMs + wait;
    const key = bucketKey(url);
    const left = status === 429 ? 0 : remaining;
    const bucket = this.buckets.get(key);
    // A later reset is a new window (resets are whole seconds); within one, the lower count wins (calls in flight).
    if (!bucket || (bucket.resetAtMs !== undefined && resetAtMs >= bucket.resetAtMs + 500)) {
      this.buckets.set(key, { limit, remaining: left, resetAtMs });
      return;
    }
    bucket.limit = limit;
    bucket.remaining = Math.min(bucket.remaining, left);
    bucket.resetAtMs = bucket.resetAtMs === undefined ? resetAtMs : Math.max(bucket.resetAtMs, resetAtMs);
  }
}

function numberHeader(headers: HeaderReader, name: 'limit' | 'remaining'): number | undefined {
  const value = (headers.get(`x-rate-limit-${name}`) ?? headers.get(`x-ratelimit-${name}`))?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** origin + path with its id-like segments (a login, or letters and digits mixed, as in 00u1a2b3) left out. */
export function bucketKey(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname
    .split('/')
    .map((segment) =>
      /[@%]/.test(segment) || (/\d/.test(segment) && !/^[a-zA-Z]+\d*$/.test(segment)) ? '{}' : segment,
    )
    .join('/');
  return `${parsed.origin}${path}`;
}
