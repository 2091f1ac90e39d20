import { DEFAULT_TIMEOUT_MS, HttpClient, asFetchResponse, requestIdOf as requestIdOfHeaders } from '../http/client.js';

export type FetchLike = typeof fetch;

/**
 * One HTTP request through THE HTTP core (time limit, byte cap, redaction), as a fetch Response. A failure to
 * connect is the core's NetworkError, which names the host and the reason (refused, unknown host, timeout).
 */
export async function send(
  url: string,
  init: RequestInit,
  options: {
    fetch?: FetchLike | undefined;
    timeoutMs?: number | undefined;
    what: string;
    http?: HttpClient | undefined;
  },
): Promise<Response> {
  const http =
    options.http ?? new HttpClient({ ...(options.fetch ? { fetch: options.fetch } : {}), retry: NO_RETRIES });
  const body = init.body;
  const response = await http.request({
    url,
    method: init.method ?? 'GET',
    headers: Object.fromEntries(new Headers(init.headers).entries()),
    ...(typeof body === 'string' || body instanceof URLSearchParams ? { body } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: MAX_BODY_BYTES,
    what: options.what,
  });
  return asFetchResponse(response);
}

/** Discovery and JWKS reads are tried once, as before the HTTP core (their callers decide what a failure means). */
const NO_RETRIES = { maxRetries: 0, maxRefusedRetries: 0, maxRateLimitRetries: 0 };
const MAX_BODY_BYTES = 1024 * 1024;

/** The request id a server gives for support (Okta's X-Okta-Request-Id, Auth0's and others' X-Request-Id). */
export function requestIdOf(response: Response): string | undefined {
  return requestIdOfHeaders(response.headers);
}

/** Reads a JSON body, or undefined when the body is not JSON. Bounded: a token response is small. */
export async function readJson(response: Response, maxBytes = 1024 * 1024): Promise<unknown> {
  const text = await readText(response, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readText(response: Response, maxBytes = 1024 * 1024): Promise<string> {
  const buffer = await response.arrayBuffer();
  const bytes = buffer.byteLength > maxBytes ? buffer.slice(0, maxBytes) : buffer;
  return new TextDecoder().decode(bytes);
}

/** A URL given by a person or a server: absolute http(s), or a usage-style error message. */
export function parseHttpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}
