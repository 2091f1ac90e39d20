import { RemoteError, UsageError } from '../errors.js';
import { isRecord } from '../config/validate.js';
import { parseHttpUrl, readJson, requestIdOf, send, type FetchLike } from './http.js';

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

export interface DiscoveryOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
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
 * or it is refused: a token endpoint from a document that names another issuer cannot be trusted.
 */
export async function discover(issuer: string, options: DiscoveryOptions = {}): Promise<AuthServerMetadata> {
  const tried: string[] = [];
  let lastFailure: RemoteError | undefined;
  for (const url of discoveryUrls(issuer)) {
    const response = await send(
      url,
      { headers: { accept: 'application/json' }, redirect: 'follow' },
      { fetch: options.fetch, timeoutMs: options.timeoutMs, what: 'discovery' },
    );
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
    return metadata;
  }
  throw (
    lastFailure ??
    new RemoteError(`No authorization server metadata found for issuer ${issuer}.`, {
      hint: `Tried ${tried.join(', ')}. Check the issuer (for Okta: https://{org}/oauth2/{authServerId}), or pass --token-url.`,
    })
  );
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

/** An issuer given by a person: an absolute http(s) URL without query or fragment (RFC 8414 section 2). */
export function checkIssuer(issuer: string): URL {
  const url = parseHttpUrl(issuer);
  if (!url || url.search || url.hash || issuer.includes('#')) {
    throw new UsageError(`"${issuer}" is not a valid issuer URL.`, {
      hint: 'An issuer is an https URL without query or fragment, such as https://acme.okta.com/oauth2/default.',
    });
  }
  return url;
}

function sameButSlash(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
