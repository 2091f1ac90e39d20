import { RemoteError } from '../errors.js';

export type FetchLike = typeof fetch;

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * One HTTP request with Node's global fetch, bounded in time. A failure to connect becomes a RemoteError that
 * names the host and the reason (refused, unknown host, timeout), never a bare "fetch failed".
 */
export async function send(
  url: string,
  init: RequestInit,
  options: { fetch?: FetchLike | undefined; timeoutMs?: number | undefined; what: string },
): Promise<Response> {
  const fetchFn = options.fetch ?? fetch;
  try {
    return await fetchFn(url, { redirect: 'manual', ...init, signal: init.signal ?? AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
  } catch (error) {
    throw networkError(url, options.what, error);
  }
}

function networkError(url: string, what: string, error: unknown): RemoteError {
  const host = hostOf(url);
  const reason = describeNetworkFailure(error);
  return new RemoteError(`Cannot reach ${host} for ${what}: ${reason}.`, {
    hint: `Check the URL (${originOf(url)}), your network and any proxy; is the server running?`,
    cause: error,
  });
}

function describeNetworkFailure(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'no answer in time';
  const code = errorCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS certificate problem (${code})`;
    default:
      return code ? `network error (${code})` : 'network error';
  }
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The request id a server gives for support (Okta's X-Okta-Request-Id, Auth0's and others' X-Request-Id). */
export function requestIdOf(response: Response): string | undefined {
  return response.headers.get('x-okta-request-id') ?? response.headers.get('x-request-id') ?? undefined;
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

export async function readText(response: Response, maxBytes = 1024 * 1024): Promise<string> {
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
