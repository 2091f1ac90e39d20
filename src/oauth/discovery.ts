import { RemoteError, UsageError } from '../errors.js';
import { isRecord } from '../config/validate.js';
import { parseHttpUrl, readJson, requestIdOf, send, type FetchLike } from './http.js';
// Loopback (the one place plain http is allowed) has one definition, in the dependency-free bridge token codec.
import { isLoopbackHost } from '../scim/bridge-token.js';

/** The fields of RFC 8414 / OpenID Connect Discovery metadata that okta-m2m uses; the rest is kept as is. */
export interface AuthServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri?: string;
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  grant_types_supported?: string[];
  scopes_supported?: string[];
  [name: string]: unknown;
}

interface DiscoveryOptions {
  fetch?: FetchLike | undefined;
  timeoutMs?: number | undefined;
  /**
   * Accept a token_endpoint or jwks_uri on another origin than the issuer's (some providers split them, such as
   * Google). Only when the user said so (--allow-cross-origin): a document is data, not a direction.
   */
  allowCrossOrigin?: boolean | undefined;
}

/** Redirects of a discovery request that are followed: same origin only, a few at most. */
const MAX_REDIRECTS = 3;

/** https, or http to a loopback host. */
function isSecureUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/**
 * A URL a credential may be sent to: absolute, https (http only to loopback), no user name or password.
 * `what` names it for the error ("--token-url", "the token endpoint in the discovery document").
 */
function checkCredentialUrl(value: string, what: string): URL {
  const url = parseHttpUrl(value);
  if (!url) {
    throw new UsageError(`${what} "${value}" is not a valid URL.`, {
      hint: 'Give an https URL such as https://acme.okta.com/oauth2/default/v1/token.',
    });
  }
  if (url.username || url.password) {
    throw new UsageError(`${what} must not hold a user name or password.`, {
      hint: 'Give the URL without "user:password@".',
    });
  }
  if (!isSecureUrl(url)) {
    throw new UsageError(
      `${what} ${url.origin} uses plain http: credentials go only over https (http only to loopback).`,
      {
        hint: 'Use the https URL of the server.',
      },
    );
  }
  return url;
}

/**
 * The token endpoint for a request: the one given (checked: https except loopback), else the one the issuer's
 * discovery document names (on the issuer's origin unless allowCrossOrigin).
 */
export async function resolveTokenEndpoint(
  settings: { tokenEndpoint?: string | undefined; issuer?: string | undefined },
  options: DiscoveryOptions = {},
): Promise<string> {
  if (settings.tokenEndpoint) return checkCredentialUrl(settings.tokenEndpoint, 'The token URL').href;
  if (settings.issuer) return (await discover(settings.issuer, options)).token_endpoint;
  throw new UsageError('No authorization server: nothing in the project state and no --issuer or --token-url.', {
    hint: 'Run "okta-m2m init" here first, or pass --issuer (or --token-url).',
  });
}

/**
 * Where the metadata of an issuer may be, in the order tried: RFC 8414's form (the well-known segment inserted
 * after the host: https://h/.well-known/oauth-authorization-server/oauth2/aus1), then the appended form Okta serves
 * ({issuer}/.well-known/oauth-authorization-server), then OpenID Connect's ({issuer}/.well-known/openid-configuration).
 */
export function discoveryUrls(issuer: string): string[] {
  const url = checkIssuer(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  const base = `${url.origin}${path}`;
  const urls = [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${base}/.well-known/oauth-authorization-server`,
    `${base}/.well-known/openid-configuration`,
  ];
  return [...new Set(urls)];
}

/**
 * The authorization server's metadata. The document must name exactly the issuer asked for (RFC 8414 section 3.3),
 * or it is refused: a token endpoint from a document that names another issuer cannot be trusted. Redirects are
 * followed only within the issuer's origin; token_endpoint and jwks_uri must be https (http only on loopback) and
 * on the issuer's origin unless allowCrossOrigin.
 */
export async function discover(issuer: string, options: DiscoveryOptions = {}): Promise<AuthServerMetadata> {
  const origin = checkIssuer(issuer).origin;
  const tried: string[] = [];
  let lastFailure: RemoteError | undefined;
  for (const url of discoveryUrls(issuer)) {
    const response = await sameOriginGet(url, origin, options);
    tried.push(`${url} (HTTP ${response.status})`);
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 500) {
        lastFailure = new RemoteError(`The discovery document at ${url} answered HTTP ${response.status}.`, {
          status: response.status,
          requestId: requestIdOf(response),
          hint: 'The authorization server has a problem; try again later.',
        });
      }
      continue;
    }
    const body = await readJson(response);
    const metadata = parseMetadata(body, url);
    if (metadata.issuer !== issuer) {
      throw new RemoteError(`The discovery document at ${url} names issuer ${metadata.issuer}, not ${issuer}.`, {
        hint: sameButSlash(metadata.issuer, issuer)
          ? `Give the issuer exactly as the server names it: ${metadata.issuer}`
          : 'The issuer must match exactly (RFC 8414): check the URL, or the server is not the one you meant.',
      });
    }
    checkEndpoint(metadata.token_endpoint, 'token_endpoint', url, origin, options);
    if (metadata.jwks_uri !== undefined) checkEndpoint(metadata.jwks_uri, 'jwks_uri', url, origin, options);
    return metadata;
  }
  throw (
    lastFailure ??
    new RemoteError(`No authorization server metadata found for issuer ${issuer}.`, {
      hint: `Tried ${tried.join(', ')}. Check the issuer (for Okta: https://{org}/oauth2/{authServerId}), or pass --token-url.`,
    })
  );
}

/** GET with redirects followed by hand, and only to the same origin: a 302 elsewhere is refused, never followed. */
async function sameOriginGet(start: string, origin: string, options: DiscoveryOptions): Promise<Response> {
  let url = start;
  for (let hop = 0; ; hop += 1) {
    const response = await send(
      url,
      { headers: { accept: 'application/json' }, redirect: 'manual' },
      { fetch: options.fetch, timeoutMs: options.timeoutMs, what: 'discovery' },
    );
    if (response.status < 300 || response.status >= 400 || response.status === 304) return response;
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get('location');
    let next: URL | undefined;
    try {
      next = location ? new URL(location, url) : undefined;
    } catch {
      next = undefined;
    }
    if (!next || next.origin !== origin || hop >= MAX_REDIRECTS) {
      throw new RemoteError(
        `The discovery request to ${url} was redirected (HTTP ${response.status})${next && next.origin !== origin ? ` to another origin, ${next.origin}` : ''}; not followed.`,
        {
          status: response.status,
          requestId: requestIdOf(response),
          hint: "Give the issuer the server really has (discovery follows redirects only within the issuer's origin), or pass --token-url.",
        },
      );
    }
    url = next.href;
  }
}

function checkEndpoint(
  value: string,
  field: string,
  documentUrl: string,
  origin: string,
  options: DiscoveryOptions,
): void {
  const url = new URL(value);
  if (!isSecureUrl(url) || url.username || url.password) {
    throw new RemoteError(
      `The discovery document at ${documentUrl} names a "${field}" over plain http: ${url.origin}.`,
      {
        hint: 'Credentials and keys are fetched only over https (http only on loopback).',
      },
    );
  }
  if (url.origin !== origin && !options.allowCrossOrigin) {
    throw new RemoteError(
      `The discovery document at ${documentUrl} names a "${field}" on another origin: ${url.origin}, not ${origin}.`,
      {
        hint: 'A discovery document is data, not a direction. If this provider really splits its endpoints, pass --allow-cross-origin (or --token-url).',
      },
    );
  }
}

function parseMetadata(body: unknown, url: string): AuthServerMetadata {
  if (!isRecord(body)) {
    throw new RemoteError(`The discovery document at ${url} is not a JSON object.`, {
      hint: 'Check the issuer URL: it should point at an OAuth 2.0 authorization server.',
    });
  }
  const bad = (field: string) =>
    new RemoteError(`The discovery document at ${url} has no valid "${field}".`, {
      hint: 'The server does not publish usable OAuth 2.0 metadata; pass --token-url instead.',
    });
  if (typeof body.issuer !== 'string' || body.issuer === '') throw bad('issuer');
  if (typeof body.token_endpoint !== 'string' || !parseHttpUrl(body.token_endpoint)) throw bad('token_endpoint');
  if (body.jwks_uri !== undefined && (typeof body.jwks_uri !== 'string' || !parseHttpUrl(body.jwks_uri))) {
    throw bad('jwks_uri');
  }
  const metadata: AuthServerMetadata = { ...body, issuer: body.issuer, token_endpoint: body.token_endpoint };
  for (const field of [
    'token_endpoint_auth_methods_supported',
    'token_endpoint_auth_signing_alg_values_supported',
    'grant_types_supported',
    'scopes_supported',
  ] as const) {
    const value = body[field];
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
      delete metadata[field];
    }
  }
  return metadata;
}

/** An issuer: an absolute https URL (http only on loopback) without query or fragment (RFC 8414 section 2). */
function checkIssuer(issuer: string): URL {
  const url = parseHttpUrl(issuer);
  if (!url || url.search || url.hash || issuer.includes('#') || url.username || url.password) {
    throw new UsageError(`"${issuer}" is not a valid issuer URL.`, {
      hint: 'An issuer is an https URL without query or fragment, such as https://acme.okta.com/oauth2/default.',
    });
  }
  if (!isSecureUrl(url)) {
    throw new UsageError(
      `The issuer ${url.origin} uses plain http: discovery and credentials go only over https (http only to loopback).`,
      {
        hint: 'Give the https issuer URL.',
      },
    );
  }
  return url;
}

function sameButSlash(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
