import type { HeaderReader } from './transport.js';

/**
 * When the HTTP core tries a request again, and how long it waits first.
 *
 * - 429 (any method: the server did not do the work): wait until the rate limit window resets (Okta's
 *   X-Rate-Limit-Reset or Auth0's X-RateLimit-Reset, epoch seconds; else Retry-After), plus jitter, bounded; a
 *   longer wait gives up and returns the 429 for the caller to report.
 * - 5xx (not 501) and dropped connections: only for calls that are safe to repeat (GET, HEAD, PUT, DELETE,
 *   OPTIONS, or a POST the caller marks idempotent), with exponential backoff and jitter.
 * - A refused connection (nothing listens): two quick tries (100 ms, 200 ms), then the error, not the whole backoff.
 * - A timeout is not retried: the time limit is the caller's bound on the whole wait.
 */
export interface RetryPolicy {
  /** Retries after 5xx or a dropped connection (safe calls only). */
  maxRetries: number;
  /** Retries after a refused connection. */
  maxRefusedRetries: number;
  /** Retries after 429. */
  maxRateLimitRetries: number;
  /** Longest single wait for a rate limit window. */
  maxRateLimitWaitMs: number;
  /** First backoff after a 5xx or dropped connection; doubles each time, up to 8 s. */
  baseBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  maxRefusedRetries: 2,
  maxRateLimitRetries: 6,
  maxRateLimitWaitMs: 65_000,
  baseBackoffMs: 250,
};

export type RetryReason = 'rate-limit' | 'server-error' | 'connection';

/** What the core is about to wait for, so the UI can say so. */
export interface RetryEvent {
  reason: RetryReason;
  method: string;
  /** The request's path (never the query, which may carry a cursor or a filter). */
  path: string;
  /** 1-based count of retries for this reason. */
  attempt: number;
  delayMs: number;
  status?: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function isSafeToRepeat(method: string, idempotent = false): boolean {
  return idempotent || SAFE_METHODS.has(method.toUpperCase());
}

const REFUSED_STEP_MS = 100;
const MAX_BACKOFF_MS = 8000;

export function refusedDelayMs(attempt: number): number {
  return REFUSED_STEP_MS * attempt;
}

export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  return (
    Math.min(MAX_BACKOFF_MS, policy.baseBackoffMs * 2 ** (attempt - 1)) + Math.floor(random() * policy.baseBackoffMs)
  );
}

/** Jitter added to a rate limit wait, so that clients sharing a limit do not all come back at the same instant. */
const JITTER_BASE_MS = 100;
const JITTER_SPREAD_MS = 200;

/**
 * How long to wait after a 429 (or a 503 with Retry-After), or undefined when the answer does not say. Reset
 * headers are epoch seconds by the server's clock: when its Date header differs clearly from ours, it is used as
 * "now". Retry-After is seconds or an HTTP date.
 */
export function rateLimitDelayMs(
  headers: HeaderReader,
  nowMs: number,
  random: () => number = Math.random,
): number | undefined {
  const wait = rateLimitWaitMs(headers, nowMs);
  return wait === undefined ? undefined : wait + rateLimitJitterMs(random);
}

export function rateLimitJitterMs(random: () => number): number {
  return JITTER_BASE_MS + Math.floor(random() * JITTER_SPREAD_MS);
}

/** The wait the server asks for, without jitter. */
export function rateLimitWaitMs(headers: HeaderReader, nowMs: number): number | undefined {
  const reset = (headers.get('x-rate-limit-reset') ?? headers.get('x-ratelimit-reset'))?.trim();
  if (reset && /^\d+$/.test(reset)) {
    let now = nowMs;
    const serverDate = Date.parse(headers.get('date') ?? '');
    if (Number.isFinite(serverDate) && Math.abs(serverDate - nowMs) > 2000) now = serverDate;
    return Math.max(0, Number(reset) * 1000 - now);
  }
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  return undefined;
}
