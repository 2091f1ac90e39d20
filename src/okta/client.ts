import { UsageError } from '../errors.js';
import { HttpClient, statusError, type HttpOptions, type HttpResponse } from '../http/client.js';
import type { RetryEvent, RetryPolicy } from '../http/retry.js';
import { DpopNonces, type DpopProver } from '../oauth/dpop.js';
import { ManagementTokenSource } from './oauth-login.js';

/**
 * okta-m2m's own Okta management client: the slice of the management API the CLI calls (see the resource modules
 * beside this file), on THE HTTP core, authenticated with an SSWS API token or with OAuth 2.0 private_key_jwt (a
 * token from the org authorization server, cached and refreshed before it expires), with room for a DPoP proof on
 * every request. Answers are plain JSON: the wire types of ./types.ts.
 */
export type OktaCredentials =
  | { orgUrl: string; mode: 'ssws'; token: string }
  | {
      orgUrl: string;
      mode: 'private_key_jwt';
      clientId: string;
      scopes: string[];
      /** PEM (PKCS#1 or PKCS#8) or a JWK as JSON. */
      privateKey: string;
      keyId?: string;
    };

/** The options of the SDK-era client, still accepted: `retry.onRetry` and the retry bounds. */
export interface LegacyRetryOptions extends Partial<RetryPolicy> {
  onRetry?: (event: RetryEvent) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

export interface ClientOptions extends Omit<HttpOptions, 'retry'> {
  retry?: LegacyRetryOptions | undefined;
  /** A DPoP proof per request (RFC 9449), for apps that require DPoP-bound tokens. Off unless given. */
  dpop?: DpopProver | undefined;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  query?: Query | undefined;
  body?: unknown;
  /** A POST that may be repeated (lifecycle activate/deactivate). */
  idempotent?: boolean | undefined;
}

export interface OktaClient {
  readonly orgUrl: string;
  readonly http: HttpClient;
  /** One management call; an error status throws HttpStatusError (mapped by ./errors.ts). */
  call<T = unknown>(method: string, path: string, options?: CallOptions): Promise<T>;
  /** Every item of a list, a page at a time, following Link: rel="next" (only on the org's origin). */
  list<T = unknown>(path: string, query?: Query): AsyncGenerator<T>;
}

/** `https://acme.okta.com/` -> `https://acme.okta.com`; rejects what is not an http(s) origin. */
export function normalizeOrgUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new UsageError(`"${input}" is not a URL.`, { hint: 'Give the org URL, such as https://acme.okta.com.' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`"${input}" is not an http(s) URL.`, {
      hint: 'Give the org URL, such as https://acme.okta.com.',
    });
  }
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new UsageError(`The org URL ${input} is not https.`, {
      hint: 'Okta orgs are served over https; plain http is accepted only for a local emulator.',
    });
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new UsageError(`The org URL ${input} has a path.`, {
      hint: `Give the org's origin only: ${url.origin} (not the admin console or an authorization server URL).`,
    });
  }
  return url.origin;
}

/** The URL of Link: rel="next", only when it stays on the org (the credentials go with it). */
function nextLink(header: string | null, orgUrl: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (!match?.[1]) continue;
    try {
      const url = new URL(match[1], orgUrl);
      if (url.origin === new URL(orgUrl).origin) return url.href;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function httpOptionsOf(options: ClientOptions): HttpOptions {
  const { retry, dpop: _dpop, ...http } = options;
  if (!retry) return http;
  const { onRetry, sleep, now, random, ...policy } = retry;
  const clock = { ...http.clock, ...(sleep ? { sleep } : {}), ...(now ? { now } : {}), ...(random ? { random } : {}) };
  return { ...http, retry: policy, clock, ...(onRetry && !http.onRetry ? { onRetry } : {}) };
}

function withQuery(url: string, query: Query | undefined): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${url}${url.includes('?') ? '&' : '?'}${text}` : url;
}

/** How a request is authorized: the header(s) for one attempt. */
interface Authorizer {
  headers(method: string, url: string, nonce: string | undefined): Promise<Record<string, string>>;
  /** After a 401 saying the token is no good: forget it (true when a retry may help). */
  invalidate(): boolean;
}

class Client implements OktaClient {
  constructor(
    readonly orgUrl: string,
    readonly http: HttpClient,
    private readonly auth: Authorizer,
    /** The org's latest DPoP-Nonce (management API and token endpoint), for every later proof of the run. */
    private readonly nonces: DpopNonces = new DpopNonces(),
  ) {}

  async call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const response = await this.send(method, withQuery(`${this.orgUrl}${path}`, options.query), options);
    return response.json() as T;
  }

  async *list<T>(path: string, query?: Query): AsyncGenerator<T> {
    let url: string | undefined = withQuery(`${this.orgUrl}${path}`, query);
    while (url) {
      const response = await this.send('GET', url, {});
      const page = response.json();
      const items = Array.isArray(page) ? (page as T[]) : [];
      for (const item of items) yield item;
      url = items.length ? nextLink(response.headers.get('link'), this.orgUrl) : undefined;
    }
  }

  private async send(method: string, url: string, options: CallOptions): Promise<HttpResponse> {
    const upper = method.toUpperCase();
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    // One more try after a DPoP nonce challenge, and one after a rejected (expired) OAuth token.
    for (let round = 0; ; round += 1) {
      const response = await this.http.request({
        method: upper,
        url,
        idempotent: options.idempotent,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body } : {}),
        prepare: async () => ({ headers: await this.auth.headers(upper, url, this.nonces.get(url)) }),
      });
      const nonce = response.headers.get('dpop-nonce');
      this.nonces.set(url, nonce);
      if (response.status === 401 && round < 2) {
        const challenge = response.headers.get('www-authenticate') ?? '';
        if (nonce && /use_dpop_nonce/.test(challenge)) continue;
        if (/invalid_token/.test(challenge) && this.auth.invalidate()) continue;
      }
      if (response.status >= 400) throw statusError(response);
      return response;
    }
  }
}

export async function createOktaClient(credentials: OktaCredentials, options: ClientOptions = {}): Promise<OktaClient> {
  const orgUrl = normalizeOrgUrl(credentials.orgUrl);
  const http = new HttpClient(httpOptionsOf(options));
  if (credentials.mode === 'ssws') {
    const header = `SSWS ${credentials.token}`;
    return new Client(orgUrl, http, { headers: async () => ({ authorization: header }), invalidate: () => false });
  }
  const nonces = new DpopNonces();
  const tokens = new ManagementTokenSource({ ...credentials, orgUrl }, http, options.dpop, Date.now, nonces);
  const dpop = options.dpop;
  return new Client(
    orgUrl,
    http,
    {
      headers: async (method, url, nonce): Promise<Record<string, string>> => {
        const token = await tokens.get();
        if (token.tokenType.toLowerCase() === 'dpop' && dpop) {
          return {
            authorization: `DPoP ${token.accessToken}`,
            dpop: await dpop.proof({ htm: method, htu: url, accessToken: token.accessToken, nonce }),
          };
        }
        return { authorization: `Bearer ${token.accessToken}` };
      },
      invalidate: () => tokens.invalidate(),
    },
    nonces,
  );
}
