import { AuthError, RemoteError, UsageError } from '../errors.js';
import { isRecord } from '../config/validate.js';
import { redact, registerSecret } from '../secrets/redact.js';
import { applyClientAuth, type ClientAuth } from './client-auth.js';
import { HttpClient, type FetchLike, type HttpResponse } from '../http/client.js';
import { hostOf } from '../http/errors.js';
import { rateLimitWaitMs } from '../http/retry.js';
import type { DpopNonces, DpopProver } from './dpop.js';

/**
 * How the token request is shaped:
 * - okta: a form body; the audience is fixed by the authorization server, so none is sent.
 * - generic: a form body; the audience goes as `resource` (RFC 8707).
 * - auth0: a JSON body with `audience`, as Auth0 documents.
 */
export const PROVIDERS = ['okta', 'generic', 'auth0'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** What a token request asks for; the client's credential comes separately (see ClientAuth). */
export interface TokenRequestSpec {
  tokenEndpoint: string;
  clientId: string;
  scopes?: readonly string[] | undefined;
  audience?: string | undefined;
  extraParams?: Readonly<Record<string, string>> | undefined;
  provider?: Provider | undefined;
}

interface TokenRequest extends TokenRequestSpec {
  auth: ClientAuth;
  /** THE HTTP core to send through (its time limit, proxy, retry listener); else one with `fetch`. */
  http?: HttpClient | undefined;
  fetch?: FetchLike | undefined;
  /** A DPoP proof on the token request, for DPoP-bound tokens (RFC 9449). */
  dpop?: DpopProver | undefined;
  /** The nonces servers gave this run: the proof starts with the token endpoint's, and a new one is kept. */
  dpopNonces?: DpopNonces | undefined;
  /** Retries after a 429 (or a 503 with Retry-After); a client credentials request is safe to repeat. */
  maxRetries?: number | undefined;
  /** The longest single wait for a rate limit; a longer one fails at once with the time to wait. */
  maxWaitMs?: number | undefined;
  timeoutMs?: number | undefined;
  /** Told about each wait, for progress output. */
  onRetry?: ((waitMs: number, attempt: number) => void) | undefined;
}

/** RFC 6749 5.1, as the server sent it (extra fields kept). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  [name: string]: unknown;
}

const GRANT_TYPE = 'client_credentials';

/** The request's parameters other than the client's credential, in the order they are sent. */
export function tokenParams(spec: TokenRequestSpec): Array<[string, string]> {
  const params: Array<[string, string]> = [['grant_type', GRANT_TYPE]];
  if (spec.scopes?.length) params.push(['scope', spec.scopes.join(' ')]);
  if (spec.audience) {
    if (spec.provider === 'auth0') params.push(['audience', spec.audience]);
    else if (spec.provider === 'generic') params.push(['resource', spec.audience]);
  }
  for (const [name, value] of Object.entries(spec.extraParams ?? {})) {
    const existing = params.findIndex(([key]) => key === name);
    if (existing >= 0) params[existing] = [name, value];
    else params.push([name, value]);
  }
  return params;
}

/** Builds the body and headers of one attempt (credentials applied fresh each time). */
async function buildTokenHttpRequest(
  request: TokenRequest,
): Promise<{ headers: Record<string, string>; body: string }> {
  const applied = await applyClientAuth(request.auth, request.clientId, request.tokenEndpoint);
  const params = [...tokenParams(request), ...Object.entries(applied.params)];
  const headers: Record<string, string> = { accept: 'application/json', ...applied.headers };
  if (request.provider === 'auth0') {
    headers['content-type'] = 'application/json';
    return { headers, body: JSON.stringify(Object.fromEntries(params)) };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return { headers, body: new URLSearchParams(params).toString() };
}

const TOKEN_MAX_BYTES = 1024 * 1024;

/**
 * An access token by the client credentials grant, through THE HTTP core: a token request is safe to repeat (each
 * attempt gets a fresh client assertion and DPoP proof), so 429s (and 503s with Retry-After) are waited out there. With a DPoP
 * prover, a `use_dpop_nonce` answer is tried once more with the server's nonce.
 */
export async function requestToken(request: TokenRequest): Promise<TokenResponse> {
  const base = request.http ?? new HttpClient(request.fetch ? { fetch: request.fetch } : {});
  const http = base.with({
    // A 5xx is the caller's to judge (token get reports it at once); rate limits are waited out.
    retry: {
      maxRetries: 0,
      maxRateLimitRetries: request.maxRetries ?? 3,
      maxRateLimitWaitMs: request.maxWaitMs ?? 30_000,
    },
    onRetry: (event) => {
      base.options.onRetry?.(event);
      request.onRetry?.(event.delayMs, event.attempt);
    },
  });
  let nonce = request.dpopNonces?.get(request.tokenEndpoint);
  for (let round = 0; ; round += 1) {
    const response = await http.request({
      method: 'POST',
      url: request.tokenEndpoint,
      idempotent: true,
      what: 'a token',
      maxBytes: TOKEN_MAX_BYTES,
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
      prepare: async () => {
        const built = await buildTokenHttpRequest(request);
        if (request.dpop)
          built.headers.dpop = await request.dpop.proof({ htm: 'POST', htu: request.tokenEndpoint, nonce });
        return built;
      },
    });
    const serverNonce = response.headers.get('dpop-nonce');
    if (request.dpop) request.dpopNonces?.set(request.tokenEndpoint, serverNonce);
    if (
      request.dpop &&
      serverNonce &&
      round === 0 &&
      response.status === 400 &&
      /use_dpop_nonce/.test(response.text())
    ) {
      nonce = serverNonce;
      continue;
    }
    if (response.status === 429 || (response.status === 503 && response.headers.has('retry-after'))) {
      throw rateLimitError(response, request, http);
    }
    return parseTokenResponse(response, request.tokenEndpoint);
  }
}

function rateLimitError(response: HttpResponse, request: TokenRequest, http: HttpClient): RemoteError {
  const waitMs = rateLimitWaitMs(response.headers, Date.now()) ?? 0;
  const maxWaitMs = request.maxWaitMs ?? 30_000;
  const state = response.status === 429 ? 'is rate limiting this client' : 'is unavailable';
  const attempts = (http.options.retry?.maxRateLimitRetries ?? 0) + 1;
  return new RemoteError(`The token endpoint at ${hostOf(request.tokenEndpoint)} ${state} (HTTP ${response.status}).`, {
    status: response.status,
    requestId: response.requestId,
    hint:
      waitMs > maxWaitMs
        ? `Try again in ${Math.ceil(waitMs / 1000)} s; reuse tokens until they expire (the token cache does).`
        : `Gave up after ${attempts} attempts; reuse tokens until they expire (the token cache does).`,
  });
}

async function parseTokenResponse(response: HttpResponse, tokenEndpoint: string): Promise<TokenResponse> {
  const requestId = response.requestId;
  const host = hostOf(tokenEndpoint);
  if (response.status >= 300 && response.status < 400) {
    throw new RemoteError(`The token endpoint at ${host} redirected (HTTP ${response.status}) instead of answering.`, {
      status: response.status,
      requestId,
      hint: 'Check the token URL; okta-m2m does not follow redirects with credentials.',
    });
  }
  const text = response.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  if (response.ok) {
    if (isRecord(body) && typeof body.access_token === 'string' && body.access_token) {
      registerSecret(body.access_token);
      const token: TokenResponse = {
        ...body,
        access_token: body.access_token,
        token_type: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
      };
      if (typeof body.expires_in === 'string' && /^\d+$/.test(body.expires_in))
        token.expires_in = Number(body.expires_in);
      else if (typeof body.expires_in !== 'number') delete token.expires_in;
      if (typeof body.scope !== 'string') delete token.scope;
      return token;
    }
    throw new RemoteError(`The token endpoint at ${host} answered HTTP ${response.status} without an access token.`, {
      status: response.status,
      requestId,
      hint: 'Check that the URL is the token endpoint (for Okta: {issuer}/v1/token).',
    });
  }
  if (isRecord(body) && typeof body.error === 'string') {
    throw oauthError(body.error, typeof body.error_description === 'string' ? body.error_description : undefined, {
      status: response.status,
      requestId,
      host,
    });
  }
  // Okta's management-style error body, or something that is not OAuth at all.
  const summary = isRecord(body) && typeof body.errorSummary === 'string' ? body.errorSummary : snippet(text);
  throw new RemoteError(
    `The token endpoint at ${host} answered HTTP ${response.status}${summary ? `: ${summary}` : ''}.`,
    {
      status: response.status,
      requestId,
      hint:
        response.status === 404
          ? 'Check the token URL (for Okta: https://{org}/oauth2/{authServerId}/v1/token).'
          : response.status >= 500
            ? 'The authorization server has a problem; try again later.'
            : 'Check the token URL and the request parameters.',
    },
  );
}

/** An RFC 6749 5.2 error as a typed error with the server's words and the usual cause. */
function oauthError(
  code: string,
  description: string | undefined,
  context: { status?: number | undefined; requestId?: string | undefined; host: string },
): AuthError | RemoteError {
  const message = `The token request was refused: ${code}${description ? ` (${oneLine(description)})` : ''}.`;
  const options = { requestId: context.requestId, hint: hintFor(code, description) };
  switch (code) {
    case 'invalid_client':
    case 'invalid_scope':
    case 'unauthorized_client':
    case 'access_denied':
    case 'invalid_target':
      return new AuthError(message, options);
    default:
      return new RemoteError(message, { ...options, status: context.status });
  }
}

function hintFor(code: string, description: string | undefined): string | undefined {
  const said = (pattern: RegExp) => description !== undefined && pattern.test(description);
  if (said(/policy evaluation failed/i)) return POLICY_HINT;
  switch (code) {
    case 'invalid_client':
      return INVALID_CLIENT_HINT;
    case 'invalid_scope':
      return 'The scope is not defined on the authorization server, or the access policy rule does not allow it for this client.';
    case 'unauthorized_client':
      return POLICY_HINT;
    case 'access_denied':
      // Auth0 says access_denied for most things; its descriptions tell them apart.
      if (said(/^unauthorized\.?$/i)) return INVALID_CLIENT_HINT;
      if (said(/no audience|service not enabled/i))
        return 'Pass --audience with the identifier of an API defined on the tenant.';
      if (said(/client-grant|not authorized to access/i)) {
        return "The client has no grant for this API: authorize it (Auth0: the API's Machine to Machine Applications tab).";
      }
      if (said(/not been granted scopes/i))
        return 'Ask only for scopes the client grant includes, or add them to the grant.';
      return HOOK_HINT;
    case 'server_error':
      // What Okta answers when a token inline hook refuses: 400 server_error, its errorSummary the description.
      return description ? HOOK_HINT : undefined;
    case 'invalid_target':
      return 'The audience (resource) is unknown to the server or not allowed for this client.';
    case 'unsupported_grant_type':
      return 'The server or the app does not allow the client_credentials grant: enable it on the app (a service app).';
    case 'invalid_request':
      return 'A parameter is missing or malformed: check --param values, the auth method and the token URL.';
    default:
      return undefined;
  }
}

const INVALID_CLIENT_HINT =
  'Usually a wrong client secret or key, or an auth method the app is not set to (--auth-method client_secret_basic|client_secret_post|private_key_jwt).';
const POLICY_HINT =
  "The authorization server's access policy is not assigned to this client, or its rule does not include the client_credentials grant or these scopes.";

const HOOK_HINT =
  'A token inline hook on the access policy rule (or the policy) refused the request (on Auth0: a credentials-exchange Action); the reason is in parentheses above.';

/** Redacted before it is cut: a secret cut in half no longer matches, and its first half would print. */
function oneLine(text: string): string {
  const line = redact(text).replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function snippet(text: string): string {
  const line = oneLine(redact(text).replace(/<[^>]*>/g, ' '));
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

export function parseProvider(value: string): Provider {
  if ((PROVIDERS as readonly string[]).includes(value)) return value as Provider;
  throw new UsageError(`"${value}" is not a provider.`, { hint: `Use one of ${PROVIDERS.join(', ')}.` });
}
