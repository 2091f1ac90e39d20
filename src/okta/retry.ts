/**
 * Retries for Okta's management API, as a request executor the SDK calls for every request (including its own
 * OAuth token requests).
 *
 * - 429 (any method: Okta did not do the work): wait until X-Rate-Limit-Reset plus a little jitter, bounded, then
 *   try again. The SDK's DefaultRequestExecutor also retries 429s, but it waits Reset - Date + 1 s with no
 *   bound and no jitter, and it does nothing for 5xx or dropped connections; hence this executor instead.
 * - 5xx and dropped connections: retried only for calls that are safe to repeat (GET, HEAD, PUT, DELETE, the
 *   lifecycle activate/deactivate POSTs and token requests). A create (POST to a collection) is never repeated
 *   here: the caller checks by name whether it happened before trying again (see apply.ts).
 */
export interface ExecutorRequest {
  url: string;
  method?: string;
  headers?: Record<string, string | number>;
  body?: unknown;
}

export interface ExecutorResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type Transport = (request: ExecutorRequest) => Promise<ExecutorResponse>;

export interface RetryEvent {
  reason: 'rate-limit' | 'server-error' | 'connection';
  method: string;
  path: string;
  attempt: number;
  delayMs: number;
  status?: number;
}

export interface RetryOptions {
  /** Retries after 5xx or a dropped connection (safe calls only). */
  maxRetries?: number;
  /**
   * Retries after a refused connection (nothing listens: a dead org or emulator), quickly, so the error comes
   * within a second rather than after the whole backoff.
   */
  maxRefusedRetries?: number;
  /** Retries after 429. */
  maxRateLimitRetries?: number;
  /** Longest single wait for a rate limit reset; a longer one gives up (the caller reports it). */
  maxRateLimitWaitMs?: number;
  /** First backoff after a 5xx or dropped connection; doubles each time. */
  baseBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  onRetry?: (event: RetryEvent) => void;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const SAFE_POSTS = [/\/lifecycle\/(activate|deactivate)$/, /\/oauth2\/(?:[^/]+\/)?v1\/token$/];
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ECONNABORTED',
]);

export function methodOf(request: ExecutorRequest): string {
  return String(request.method ?? 'GET').toUpperCase();
}

export function pathOfUrl(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/** Whether repeating the request cannot do the work twice. */
export function isSafeToRepeat(request: ExecutorRequest): boolean {
  const method = methodOf(request);
  if (SAFE_METHODS.has(method)) return true;
  if (method !== 'POST') return false;
  const path = pathOfUrl(request.url);
  return SAFE_POSTS.some((pattern) => pattern.test(path));
}

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string; errno?: string }).code ?? (error as { errno?: string }).errno;
  if (code && CONNECTION_CODES.has(code)) return true;
  if (error.name === 'FetchError' && /socket hang up|ECONNRESET|network|premature close/i.test(error.message)) return true;
  return /socket hang up|premature close/i.test(error.message);
}

/** The wait before each retry of a refused connection: 100 ms, 200 ms. */
const REFUSED_BACKOFF_MS = 100;

/** Nothing listens there (ECONNREFUSED, on the error or its cause): retrying at length will not help. */
export function isConnectionRefused(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown; errno?: unknown }).code ?? (current as { errno?: unknown }).errno;
    if (code === 'ECONNREFUSED') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** How long to wait after a 429: until X-Rate-Limit-Reset (epoch seconds), plus jitter; undefined when unknown. */
export function rateLimitDelayMs(
  headers: ExecutorResponse['headers'],
  nowMs: number,
  random: () => number = Math.random,
): number | undefined {
  const reset = headers.get('x-rate-limit-reset');
  if (!reset || reset.includes(',') || !/^\d+$/.test(reset.trim())) return undefined;
  let now = nowMs;
  // Okta's clock decides when the window resets: use its Date header when ours is clearly off.
  const date = Date.parse(headers.get('date') ?? '');
  if (Number.isFinite(date) && Math.abs(date - nowMs) > 2000) now = date;
  const wait = Number(reset.trim()) * 1000 - now;
  return Math.max(0, wait) + 100 + Math.floor(random() * 400);
}

export class RetryingExecutor {
  private readonly options: Required<Omit<RetryOptions, 'onRetry'>> & Pick<RetryOptions, 'onRetry'>;

  constructor(
    private readonly transport: Transport,
    options: RetryOptions = {},
  ) {
    this.options = {
      maxRetries: options.maxRetries ?? 4,
      maxRefusedRetries: options.maxRefusedRetries ?? 2,
      maxRateLimitRetries: options.maxRateLimitRetries ?? 6,
      maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 65_000,
      baseBackoffMs: options.baseBackoffMs ?? 250,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
      onRetry: options.onRetry,
    };
  }

  async fetch(request: ExecutorRequest): Promise<ExecutorResponse> {
    const { maxRetries, maxRefusedRetries, maxRateLimitRetries, maxRateLimitWaitMs, sleep, now, random, onRetry } = this.options;
    const safe = isSafeToRepeat(request);
    const method = methodOf(request);
    const path = pathOfUrl(request.url);
    let failures = 0;
    let limited = 0;
    for (;;) {
      let response: ExecutorResponse;
      try {
        response = await this.transport(request);
      } catch (error) {
        const refused = isConnectionRefused(error);
        if (!safe || failures >= (refused ? maxRefusedRetries : maxRetries) || !isConnectionError(error)) throw error;
        failures += 1;
        const delayMs = refused ? REFUSED_BACKOFF_MS * failures : this.backoff(failures);
        onRetry?.({ reason: 'connection', method, path, attempt: failures, delayMs });
        await sleep(delayMs);
        continue;
      }
      if (response.status === 429 && limited < maxRateLimitRetries) {
        const delayMs = rateLimitDelayMs(response.headers, now(), random) ?? this.backoff(limited + 1);
        if (delayMs > maxRateLimitWaitMs) return response;
        limited += 1;
        await discard(response);
        onRetry?.({ reason: 'rate-limit', method, path, attempt: limited, delayMs, status: 429 });
        await sleep(delayMs);
        continue;
      }
      if (response.status >= 500 && response.status !== 501 && safe && failures < maxRetries) {
        failures += 1;
        await discard(response);
        const delayMs = this.backoff(failures);
        onRetry?.({ reason: 'server-error', method, path, attempt: failures, delayMs, status: response.status });
        await sleep(delayMs);
        continue;
      }
      return response;
    }
  }

  private backoff(attempt: number): number {
    const base = this.options.baseBackoffMs * 2 ** (attempt - 1);
    return Math.min(8000, base) + Math.floor(this.options.random() * this.options.baseBackoffMs);
  }
}

async function discard(response: ExecutorResponse): Promise<void> {
  try {
    await response.text();
  } catch {
    // The body of a response we drop does not matter.
  }
}
