import { AuthError, CliError, ConflictError, NotFoundError, RemoteError, UsageError } from '../errors.js';
import { remoteCall, remoteFind } from '../remote-call.js';
import { registerSecret } from '../secrets/redact.js';
import { HttpClient, type HttpOptions } from '../http/client.js';
import { NetworkError } from '../http/errors.js';
import type { RetryPolicy } from '../http/retry.js';
import type { ManagementClient } from 'auth0';
import type * as Auth0 from 'auth0';

/**
 * The Auth0 Management API client: the auth0 SDK v5 (loaded lazily), pointed at a tenant's https origin, or at
 * an emulator's http origin (a profile's baseUrl), with a management token from the client credentials grant
 * (cached in memory), every request through THE HTTP core (src/http): a 429 waits for x-ratelimit-reset and tries
 * again (bounded, any method); a 5xx or a dropped connection is retried only for calls that are safe to repeat.
 */
export interface Auth0Target {
  /** The tenant domain, such as acme.eu.auth0.com (host[:port] for the emulator). */
  domain: string;
  /** The emulator's http origin (http://127.0.0.1:port) in place of https://{domain}. */
  baseUrl?: string | undefined;
}

export interface Auth0Credentials extends Auth0Target {
  clientId: string;
  clientSecret: string;
}

export type { RetryEvent } from '../http/retry.js';

export interface Auth0ClientOptions extends Omit<HttpOptions, 'retry'>, Partial<RetryPolicy> {
  /** THE HTTP core to send through; else one made from these options. */
  http?: HttpClient | undefined;
  sleep?: (ms: number) => Promise<void>;
}

/** The HTTP core for a tenant: Auth0's PATCH updates send whole fields, so repeating one cannot do the work twice. */
function httpFor(options: Auth0ClientOptions): HttpClient {
  if (options.http) return options.http;
  const {
    http: _http,
    sleep,
    maxRetries,
    maxRefusedRetries,
    maxRateLimitRetries,
    maxRateLimitWaitMs,
    baseBackoffMs,
    ...rest
  } = options;
  const policy = Object.fromEntries(
    Object.entries({
      maxRetries,
      maxRefusedRetries,
      maxRateLimitRetries: maxRateLimitRetries ?? 8,
      maxRateLimitWaitMs,
      baseBackoffMs: baseBackoffMs ?? 200,
    }).filter(([, v]) => v !== undefined),
  ) as Partial<RetryPolicy>;
  return new HttpClient({ ...rest, retry: policy, clock: { ...rest.clock, ...(sleep ? { sleep } : {}) } });
}

function originOf(target: Auth0Target): string {
  return (target.baseUrl ?? `https://${target.domain}`).replace(/\/+$/, '');
}

export function managementAudienceOf(target: Auth0Target): string {
  return `${originOf(target)}/api/v2/`;
}

export function tokenEndpointOf(target: Auth0Target): string {
  return `${originOf(target)}/oauth/token`;
}

/** `https://acme.auth0.com/` -> `acme.auth0.com`; rejects paths and other schemes. */
export function normalizeDomain(input: string): string {
  const trimmed = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    throw new UsageError(`"${input}" is not an Auth0 tenant domain.`, {
      hint: 'Give the domain, such as acme.eu.auth0.com.',
    });
  }
  if (url.protocol !== 'https:' || (url.pathname !== '/' && url.pathname !== '') || url.search || !url.hostname) {
    throw new UsageError(`"${input}" is not an Auth0 tenant domain.`, {
      hint: 'Give the domain alone, such as acme.eu.auth0.com (no path); for a local emulator add --base-url.',
    });
  }
  return url.host;
}

/** An emulator's origin: http only on loopback. */
export function normalizeBaseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new UsageError(`"${input}" is not a URL.`, {
      hint: 'Give the emulator origin, such as http://127.0.0.1:8708.',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`"${input}" is not an http(s) URL.`, {
      hint: 'Give the emulator origin, such as http://127.0.0.1:8708.',
    });
  }
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new UsageError(`The base URL ${input} is plain http and not on this machine.`, {
      hint: 'Auth0 tenants are served over https; plain http is accepted only for a local emulator.',
    });
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new UsageError(`The base URL ${input} has a path.`, { hint: `Give the origin only: ${url.origin}.` });
  }
  return url.origin;
}

// ---------------------------------------------------------------------------------------------------------------
// Management token

interface ManagementToken {
  accessToken: string;
  /** The `scope` claim of the token: what the management app was granted. */
  scopes: string[];
  expiresAt: number;
}

/** Client credentials for the Management API, cached in memory until a minute before expiry. */
export class ManagementTokenSource {
  private cached: ManagementToken | undefined;
  private pending: Promise<ManagementToken> | undefined;

  private readonly http: HttpClient;

  constructor(
    private readonly credentials: Auth0Credentials,
    options: Auth0ClientOptions = {},
  ) {
    registerSecret(credentials.clientSecret);
    this.http = httpFor(options);
  }

  async get(): Promise<ManagementToken> {
    if (this.cached && Date.now() < this.cached.expiresAt - 60_000) return this.cached;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    this.cached = await this.pending;
    return this.cached;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<ManagementToken> {
    const { requestToken } = await import('../oauth/client-credentials.js');
    const response = await requestToken({
      tokenEndpoint: tokenEndpointOf(this.credentials),
      clientId: this.credentials.clientId,
      auth: { method: 'client_secret_post', clientSecret: this.credentials.clientSecret },
      audience: managementAudienceOf(this.credentials),
      provider: 'auth0',
      http: this.http,
    }).catch((error: unknown) => {
      throw explainTokenError(error, this.credentials);
    });
    registerSecret(response.access_token);
    return {
      accessToken: response.access_token,
      scopes: await scopesOfToken(response.access_token, response.scope),
      expiresAt: Date.now() + (response.expires_in ?? 3600) * 1000,
    };
  }
}

function explainTokenError(error: unknown, target: Auth0Target): unknown {
  if (!(error instanceof CliError)) return error;
  if (error instanceof AuthError) {
    return new AuthError(
      `Auth0 (${target.domain}) did not give the management app a Management API token: ${error.message}`,
      {
        hint:
          'Check the client id and secret, and that the app is authorized for the Auth0 Management API ' +
          '(Dashboard > Applications > APIs > Auth0 Management API > Machine to Machine Applications).',
        cause: error,
        ...(error.requestId ? { requestId: error.requestId } : {}),
      },
    );
  }
  return error;
}

/** The scopes a Management API token grants: its `scope` claim (decoded, not verified: it is ours to use). */
async function scopesOfToken(accessToken: string, fallback?: string): Promise<string[]> {
  let scope: unknown = fallback;
  try {
    const { decodeJwt } = await import('jose');
    const claims = decodeJwt(accessToken);
    if (typeof claims.scope === 'string') scope = claims.scope;
    else if (Array.isArray(claims.scope)) scope = claims.scope.join(' ');
  } catch {
    // Not a JWT: fall back to the token response's scope.
  }
  return typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : [];
}

// ---------------------------------------------------------------------------------------------------------------
// The client

export interface Auth0Management {
  readonly target: Auth0Target;
  readonly sdk: ManagementClient;
  readonly tokens: ManagementTokenSource;
}

type Auth0Module = typeof Auth0;
let sdkModule: Promise<Auth0Module> | undefined;

async function loadSdk(): Promise<Auth0Module> {
  sdkModule ??= import('auth0').then((mod) =>
    (mod as unknown as { default?: Auth0Module }).default?.ManagementClient
      ? (mod as unknown as { default: Auth0Module }).default
      : mod,
  );
  return sdkModule;
}

export async function createAuth0Management(
  credentials: Auth0Credentials,
  options: Auth0ClientOptions = {},
): Promise<Auth0Management> {
  const { ManagementClient } = await loadSdk();
  const http = httpFor(options);
  const tokens = new ManagementTokenSource(credentials, { http });
  const coreFetch = http.asFetch({}, (method) => method === 'PATCH');
  // The SDK's documented fetch option sends every call through THE HTTP core; its own retries are off (maxRetries
  // 0): the core's know which calls are safe to repeat. It builds https://{domain}/api/v2 itself, so the origin is
  // rewritten only where the profile names another one (a baseUrl, as the emulator's).
  const sdk = new ManagementClient({
    domain: credentials.domain,
    token: async () => (await tokens.get()).accessToken,
    maxRetries: 0,
    telemetry: false,
    fetch: credentials.baseUrl
      ? withOrigin(`https://${credentials.domain}`, originOf(credentials), coreFetch)
      : coreFetch,
  });
  return {
    target: { domain: credentials.domain, ...(credentials.baseUrl ? { baseUrl: credentials.baseUrl } : {}) },
    sdk,
    tokens,
  };
}

/** A fetch that sends what the SDK addresses to `from` (its https://{domain}) to `to` instead. */
function withOrigin(from: string, to: string, fetchFn: typeof fetch): typeof fetch {
  return (input: string | URL | Request, init?: RequestInit) => {
    const href = String(input instanceof Request ? input.url : input);
    const target = href === from || href.startsWith(`${from}/`) ? `${to}${href.slice(from.length)}` : href;
    return input instanceof Request ? fetchFn(new Request(target, input), init) : fetchFn(target, init);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

interface ManagementErrorLike {
  statusCode?: number;
  body?: unknown;
  rawResponse?: { headers?: Headers };
  message: string;
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function bodyMessage(body: unknown): { message?: string; errorCode?: string } {
  if (!body || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  return {
    ...(typeof record.message === 'string' ? { message: record.message } : {}),
    ...(typeof record.errorCode === 'string' ? { errorCode: record.errorCode } : {}),
  };
}

export const MANAGEMENT_API_HINT =
  'Grant the scope to the management app: Auth0 Dashboard > Applications > APIs > Auth0 Management API > ' +
  'Machine to Machine Applications > your app; then run "okta-m2m auth0 login" again.';

/** An error from the SDK (or our fetch) as a typed CLI error; `what` says what was being done. */
export function mapAuth0Error(error: unknown, what: string): unknown {
  if (error instanceof CliError) return error;
  // The token supplier's own errors arrive wrapped by the SDK.
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof CliError) return cause;
  const status = statusOf(error);
  if (status === undefined) {
    if (error instanceof Error && (isConnectionError(error) || /timeout|timed out|fetch failed/i.test(error.message))) {
      return new RemoteError(`Could not reach Auth0 to ${what}: ${error.message}.`, {
        hint: 'Check the tenant domain and your network, then run the command again; it resumes where it stopped.',
        cause: error,
      });
    }
    return error;
  }
  const like = error as ManagementErrorLike;
  const { message, errorCode } = bodyMessage(like.body);
  const summary = message ?? `HTTP ${status}`;
  const requestId = like.rawResponse?.headers?.get?.('x-request-id') ?? undefined;
  const base = { cause: error, ...(requestId ? { requestId } : {}) };
  if (status === 401) {
    return new AuthError(`Auth0 rejected the management token while trying to ${what} (${summary}).`, {
      ...base,
      hint: 'Run "okta-m2m auth0 login" again.',
    });
  }
  if (status === 403) {
    const scopes = /expected (?:any of|all of)?:?\s*(.+)$/i.exec(summary)?.[1];
    return new AuthError(
      `Auth0 denied the request to ${what}${scopes ? `: the management app lacks ${scopes.trim()}` : ''} (${summary}).`,
      { ...base, hint: errorCode === 'insufficient_scope' || scopes ? MANAGEMENT_API_HINT : undefined },
    );
  }
  if (status === 404) return new NotFoundError(`Auth0 could not find what was needed to ${what} (${summary}).`, base);
  if (status === 409) return new ConflictError(`Auth0 reported a conflict while trying to ${what}: ${summary}`, base);
  if (status === 400) {
    return new UsageError(`Auth0 refused the request to ${what}: ${summary}`, {
      ...base,
      hint: 'Check the names, the audience and the scopes.',
    });
  }
  if (status === 429) {
    return new RemoteError(`Auth0's rate limit stopped the request to ${what} (${summary}).`, {
      ...base,
      status,
      hint: 'Wait a minute and run the command again; it resumes where it stopped.',
    });
  }
  return new RemoteError(`Auth0 answered HTTP ${status} while trying to ${what}: ${summary}`, {
    ...base,
    status,
    hint: 'Run the command again; it resumes where it stopped.',
  });
}

export async function auth0Call<T>(what: string, call: () => Promise<T>): Promise<T> {
  return remoteCall(call, (error) => mapAuth0Error(error, what));
}

/** Like auth0Call, but a 404 is undefined. */
export async function auth0Find<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
  return remoteFind(call, (error) => mapAuth0Error(error, what), statusOf);
}

/** Whether a failed write may have happened anyway (no answer, or a 5xx): check before trying again. */
export function outcomeUnknown(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500;
  const network = networkErrorIn(error);
  if (network) return network.outcomeUnknown;
  return error instanceof Error && /timeout|fetch failed/i.test(error.message);
}

/** The core's NetworkError, as thrown or as the SDK's wrapped cause. */
function networkErrorIn(error: unknown): NetworkError | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    if (current instanceof NetworkError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isConnectionError(error: unknown): boolean {
  return (
    networkErrorIn(error) !== undefined ||
    (error instanceof Error && /Cannot reach|socket hang up|other side closed/i.test(error.message))
  );
}
