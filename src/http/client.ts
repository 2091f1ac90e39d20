import { registerSecret } from '../secrets/redact.js';
import {
  HttpStatusError,
  NetworkError,
  RequestTimeoutError,
  ResponseTooLargeError,
  hostOf,
  pathOf,
  type NetworkFailure,
} from './errors.js';
import {
  fetchTransport,
  nodeTransport,
  type FetchLike,
  type HeaderReader,
  type Transport,
  type TransportResponse,
} from './transport.js';
import {
  DEFAULT_RETRY_POLICY,
  backoffMs,
  isSafeToRepeat,
  rateLimitDelayMs,
  refusedDelayMs,
  type RetryEvent,
  type RetryPolicy,
} from './retry.js';
import { RatePacer } from './pacing.js';
import { readCappedBody } from './capped-body.js';

/**
 * THE HTTP core: every remote call (Okta and Auth0 management, token endpoints, discovery, JWKS, hook checks) goes
 * through `HttpClient.request`. It adds what every call needs: a time limit per request, a byte cap on the body
 * (enforced while it streams in), the retries of ./retry.ts, request ids on errors, and the registration of every
 * credential it carries with the redactor, so no output path can show one. Bodies are read whole (capped) before
 * the response is returned: callers get bytes, not streams. Redirects are never followed: credentials are never
 * sent on to where one points.
 */
export type { FetchLike, HeaderReader };

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

export const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export interface HttpOptions {
  /** Per request (each attempt), from sending to the last byte of the body. */
  timeoutMs?: number | undefined;
  /** The most bytes a response body may have. */
  maxBytes?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  clock?: Partial<Clock> | undefined;
  /** In place of node:http and the proxy (./transport.ts). */
  fetch?: FetchLike | undefined;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read (default process.env). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Pacing by the servers' rate limit headers; shared by every core made from this one with `with` (default on). */
  pacer?: RatePacer | false | undefined;
}

type RequestBody = string | URLSearchParams | Uint8Array;

interface HttpRequest {
  url: string;
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: RequestBody | undefined;
  /** A JSON body (sets content-type). */
  json?: unknown;
  /** A POST that may be repeated without doing the work twice (a token request, a lifecycle call). */
  idempotent?: boolean | undefined;
  timeoutMs?: number | undefined;
  maxBytes?: number | undefined;
  signal?: AbortSignal | undefined;
  /** What the request is for, in network error messages: "Cannot reach {host} for {what}". */
  what?: string | undefined;
  /**
   * Called before each attempt, for what must be fresh every time (a client assertion's jti, a DPoP proof with the
   * server's latest nonce); what it returns is merged over headers and replaces the body.
   */
  prepare?: ((attempt: number) => Promise<{ headers?: Record<string, string>; body?: RequestBody } | void>) | undefined;
}

export interface HttpResponse {
  status: number;
  ok: boolean;
  headers: HeaderReader;
  url: string;
  method: string;
  requestId: string | undefined;
  bytes: Uint8Array;
  text(): string;
  /** The body as JSON, or undefined when it is empty or not JSON. */
  json(): unknown;
}

/** The request id a server gives for support: Okta's X-Okta-Request-Id, Auth0's (and others') X-Request-Id. */
export function requestIdOf(headers: HeaderReader): string | undefined {
  return (
    headers.get('x-okta-request-id') ?? headers.get('x-auth0-requestid') ?? headers.get('x-request-id') ?? undefined
  );
}

export class HttpClient {
  private readonly clock: Clock;
  private readonly policy: RetryPolicy;
  private readonly pacer: RatePacer | undefined;
  private transport: Transport | undefined;

  constructor(readonly options: HttpOptions = {}) {
    this.clock = { ...systemClock, ...options.clock };
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.pacer = options.pacer === false ? undefined : (options.pacer ?? new RatePacer());
  }

  /** The same core with some options changed (a longer timeout, a listener for retries); one pacer for both. */
  with(options: HttpOptions): HttpClient {
    return new HttpClient({
      ...this.options,
      pacer: this.pacer ?? false,
      ...options,
      retry: { ...this.options.retry, ...options.retry },
    });
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const method = (request.method ?? 'GET').toUpperCase();
    const safe = isSafeToRepeat(method, request.idempotent);
    const path = pathOf(request.url);
    const { policy, clock } = this;
    let failures = 0;
    let limited = 0;
    for (let attempt = 1; ; attempt += 1) {
      let response: HttpResponse;
      try {
        await this.pacer?.acquire(request.url, clock);
        response = await this.attempt(request, method, attempt);
        this.pacer?.observe(request.url, response.status, response.headers, clock.now());
      } catch (error) {
        if (
          !(error instanceof NetworkError) ||
          error instanceof RequestTimeoutError ||
          !safe ||
          request.signal?.aborted
        )
          throw error;
        const refused = error.failure === 'refused';
        if (error.failure === 'dns' || error.failure === 'tls') throw error;
        if (failures >= (refused ? policy.maxRefusedRetries : policy.maxRetries)) throw error;
        failures += 1;
        const delayMs = refused ? refusedDelayMs(failures) : backoffMs(policy, failures, () => clock.random());
        await this.wait({ reason: 'connection', method, path, attempt: failures, delayMs });
        continue;
      }
      const status = response.status;
      const rateLimited = status === 429 || (status === 503 && response.headers.has('retry-after'));
      if (rateLimited && (status === 429 || safe) && limited < policy.maxRateLimitRetries) {
        const delayMs =
          rateLimitDelayMs(response.headers, clock.now(), () => clock.random()) ??
          backoffMs(policy, limited + 1, () => clock.random());
        if (delayMs > policy.maxRateLimitWaitMs) return response;
        limited += 1;
        await this.wait({ reason: 'rate-limit', method, path, attempt: limited, delayMs, status });
        continue;
      }
      if (status >= 500 && status !== 501 && safe && failures < policy.maxRetries) {
        failures += 1;
        await this.wait({
          reason: 'server-error',
          method,
          path,
          attempt: failures,
          delayMs: backoffMs(policy, failures, () => clock.random()),
          status,
        });
        continue;
      }
      return response;
    }
  }

  /** Like request, but an error status throws HttpStatusError. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const response = await this.request(request);
    if (response.status >= 400) throw statusError(response);
    return response;
  }

  /**
   * This core as a fetch function, for SDKs that take one (auth0's `fetch` option): their HTTP gets our retries,
   * time limits and byte caps. Only string bodies (what JSON SDKs send) are supported.
   */
  asFetch(defaults: Partial<HttpRequest> = {}, idempotent: (method: string) => boolean = () => false): typeof fetch {
    const adapted = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
      const url = input instanceof Request ? input.url : String(input);
      const method = init.method ?? (input instanceof Request ? input.method : 'GET');
      const headers = Object.fromEntries(
        new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).entries(),
      );
      const body = init.body;
      if (
        body !== undefined &&
        body !== null &&
        typeof body !== 'string' &&
        !(body instanceof URLSearchParams) &&
        !(body instanceof Uint8Array)
      ) {
        throw new TypeError('The HTTP core sends string, form or byte bodies only.');
      }
      const response = await this.request({
        ...defaults,
        url,
        method,
        idempotent: idempotent(method.toUpperCase()),
        headers,
        ...(body !== undefined && body !== null ? { body } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
      return asFetchResponse(response);
    };
    return adapted;
  }

  private async wait(event: RetryEvent): Promise<void> {
    this.options.onRetry?.(event);
    await this.clock.sleep(event.delayMs);
  }

  private transportFn(): Transport {
    this.transport ??= this.options.fetch
      ? fetchTransport(this.options.fetch)
      : nodeTransport(this.options.env ?? process.env);
    return this.transport;
  }

  private async attempt(request: HttpRequest, method: string, attempt: number): Promise<HttpResponse> {
    const fresh = (await request.prepare?.(attempt)) ?? {};
    const headers: Record<string, string> = {
      'user-agent': 'okta-m2m',
      ...lowerKeys(request.headers ?? {}),
      ...lowerKeys(fresh.headers ?? {}),
    };
    let body = fresh.body ?? request.body;
    if (request.json !== undefined && body === undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] ??= 'application/json';
    }
    registerCredentials(headers, body);
    // What fetch would have sent: a form body says so, any answer is accepted.
    if (body instanceof URLSearchParams) headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    else if (typeof body === 'string') headers['content-type'] ??= 'text/plain;charset=UTF-8';
    headers.accept ??= '*/*';
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = request.maxBytes ?? this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const transport = this.transportFn();
    const what = request.what ?? `${method} ${pathOf(request.url)}`;
    // A failure before or while the body is read: a typed network error that says whether the timeout struck.
    const failed = (error: unknown) =>
      networkError(error, {
        url: request.url,
        method,
        what,
        timeoutMs,
        timedOut: timeout.aborted,
        callerAborted: Boolean(request.signal?.aborted),
      });
    let response: TransportResponse;
    try {
      response = await transport(request.url, {
        method,
        headers,
        signal,
        ...(body !== undefined ? { body: body instanceof URLSearchParams ? body.toString() : body } : {}),
      });
    } catch (error) {
      throw failed(error);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readCapped(response, maxBytes, request.url);
    } catch (error) {
      if (error instanceof ResponseTooLargeError) throw error;
      throw failed(error);
    }
    return bufferedResponse(response, bytes, method, request.url);
  }
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

const SECRET_FORM_FIELDS = ['client_secret', 'client_assertion', 'assertion', 'password', 'refresh_token'];

/** Every credential the request carries becomes known to the redactor before it is sent. */
function registerCredentials(headers: Record<string, string>, body: RequestBody | undefined): void {
  for (const name of ['authorization', 'dpop', 'proxy-authorization']) {
    const value = headers[name];
    if (!value) continue;
    registerSecret(value);
    const credential = /^\S+\s+(.+)$/.exec(value)?.[1];
    if (credential) registerSecret(credential);
  }
  if (body === undefined || body instanceof Uint8Array) return;
  const text = String(body);
  const contentType = headers['content-type'] ?? '';
  if (body instanceof URLSearchParams || contentType.includes('application/x-www-form-urlencoded')) {
    const params = body instanceof URLSearchParams ? body : new URLSearchParams(text);
    for (const field of SECRET_FORM_FIELDS) registerSecret(params.get(field));
  } else if (contentType.includes('json') && /"(client_secret|client_assertion|password)"/.test(text)) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      for (const field of SECRET_FORM_FIELDS) if (typeof parsed[field] === 'string') registerSecret(parsed[field]);
    } catch {
      // Not JSON after all: nothing to register.
    }
  }
}

async function readCapped(response: TransportResponse, maxBytes: number, url: string): Promise<Uint8Array> {
  const tooLarge = () =>
    new ResponseTooLargeError(
      `The answer from ${hostOf(url)} to ${pathOf(url)} is larger than ${maxBytes} bytes; okta-m2m stopped reading it.`,
      {
        maxBytes,
        status: response.status,
      },
      {
        hint: 'The server sent far more than expected: check the URL, or whether a proxy answers in its place.',
        requestId: requestIdOf(response.headers),
      },
    );
  return readCappedBody(response, maxBytes, tooLarge);
}

function bufferedResponse(response: TransportResponse, bytes: Uint8Array, method: string, url: string): HttpResponse {
  let text: string | undefined;
  const readText = () => (text ??= new TextDecoder().decode(bytes));
  return {
    status: response.status,
    ok: response.status >= 200 && response.status < 300,
    headers: response.headers,
    url,
    method,
    requestId: requestIdOf(response.headers),
    bytes,
    text: readText,
    json: () => {
      const body = readText();
      if (!body) return undefined;
      try {
        return JSON.parse(body) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}

/** A buffered response as a fetch Response, for code that takes one (an SDK's fetch, the OAuth helpers). */
export function asFetchResponse(response: HttpResponse): Response {
  const empty = [101, 204, 205, 304].includes(response.status);
  return new Response(empty ? null : response.bytes, {
    status: response.status,
    headers: [...response.headers.entries()],
  });
}

/** An error status as a typed error (summary from the body: Okta's, OAuth's or Auth0's shape). */
export function statusError(response: HttpResponse): HttpStatusError {
  const body = response.json();
  const error = new HttpStatusError(
    `${hostOf(response.url)} answered HTTP ${response.status} to ${response.method} ${pathOf(response.url)}`,
    {
      status: response.status,
      method: response.method,
      url: response.url.split('?')[0] ?? response.url,
      headers: response.headers,
      body,
      requestId: response.requestId,
    },
  );
  if (error.errorSummary) error.message += `: ${error.errorSummary}`;
  return error;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function deepestMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof Error && current.message) message = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/;

function classify(code: string | undefined, message: string): { failure: NetworkFailure; reason: string } {
  switch (code) {
    case 'ECONNREFUSED':
      return { failure: 'refused', reason: 'connection refused' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { failure: 'dns', reason: 'unknown host' };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { failure: 'reset', reason: 'the connection was closed' };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { failure: 'timeout', reason: 'connection timed out' };
    default:
      if (code && TLS_CODES.test(code)) return { failure: 'tls', reason: `TLS certificate problem (${code})` };
      if (/socket hang up|other side closed|premature close|terminated/i.test(message))
        return { failure: 'reset', reason: 'the connection was closed' };
      return { failure: 'other', reason: code ? `network error (${code})` : 'network error' };
  }
}

function networkError(
  error: unknown,
  context: { url: string; method: string; what: string; timeoutMs: number; timedOut: boolean; callerAborted: boolean },
): unknown {
  if (context.callerAborted) return error;
  const host = hostOf(context.url);
  const path = pathOf(context.url);
  const hint = `Check the URL (${originOf(context.url)}), your network and any proxy; is the server running?`;
  const name = (error as { name?: unknown } | null)?.name;
  if (context.timedOut || name === 'TimeoutError') {
    return new RequestTimeoutError(
      `Cannot reach ${host} for ${context.what}: no answer in time (${Math.round(context.timeoutMs / 1000)} s).`,
      {
        failure: 'timeout',
        detail: `no answer within ${context.timeoutMs} ms`,
        host,
        method: context.method,
        path,
        timeoutMs: context.timeoutMs,
      },
      { hint: `${hint} A slow network may need a longer --timeout.`, cause: error },
    );
  }
  const code = errorCode(error);
  const detail = deepestMessage(error);
  const { failure, reason } = classify(code, detail);
  return new NetworkError(
    `Cannot reach ${host} for ${context.what}: ${reason}.`,
    { failure, systemCode: code, detail, host, method: context.method, path },
    { hint, cause: error },
  );
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
