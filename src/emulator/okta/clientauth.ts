import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { basicCredentials, sameSecret } from '../core/credentials.js';
import { activeClientKeys } from './app-jwks.js';
import { verifyAssertionSignature } from './assertion-signature.js';
import { activeSecrets, findAppByClientId } from './apps.js';
import type { RequestContext } from './context.js';
import { OAuthError } from './errors.js';
import type { Stored } from './state.js';

const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 60;

export interface AuthenticatedClient {
  app: Stored;
  clientId: string;
  method: string;
}

const invalidClient = (description: string) => new OAuthError(401, 'invalid_client', description);
const GENERIC_FAILURE = 'Client authentication failed. Either the client or the client credentials are invalid.';

/**
 * Authenticates the client of a token, introspect or revoke request by whichever method it used, and
 * insists that this is the method configured on the app, as Okta does.
 */
export async function authenticateClient(
  ctx: RequestContext,
  form: URLSearchParams,
  tokenEndpointPaths: string[],
): Promise<AuthenticatedClient> {
  const authorization = typeof ctx.headers.authorization === 'string' ? ctx.headers.authorization : undefined;
  const decodedBasic = basicCredentials(authorization);
  if (decodedBasic === 'malformed') throw invalidClient(GENERIC_FAILURE);
  const basic = decodedBasic;
  const assertion = form.get('client_assertion');
  const assertionType = form.get('client_assertion_type');
  const postedSecret = form.get('client_secret');
  const presented = [basic, assertion ?? assertionType, postedSecret].filter((v) => v !== null && v !== undefined);
  if (presented.length > 1) {
    // Okta answers 401 here (Okta OAuth error responses: invalid_request "Cannot supply multiple client credentials").
    throw new OAuthError(
      401,
      'invalid_request',
      'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.',
    );
  }

  let clientId: string;
  let method: string;
  if (basic) {
    clientId = basic.clientId;
    method = 'client_secret_basic';
  } else if (assertion !== null || assertionType !== null) {
    if (assertionType !== JWT_BEARER_ASSERTION) {
      throw new OAuthError(400, 'invalid_request', `The client_assertion_type must be '${JWT_BEARER_ASSERTION}'.`);
    }
    if (!assertion)
      throw new OAuthError(
        400,
        'invalid_request',
        "The 'client_assertion' parameter is required when 'client_assertion_type' is present.",
      );
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      throw invalidClient('The client_assertion token is malformed.');
    }
    clientId = String(claims.sub ?? claims.iss ?? '');
    method = header.alg?.startsWith('HS') ? 'client_secret_jwt' : 'private_key_jwt';
  } else if (postedSecret !== null) {
    clientId = form.get('client_id') ?? '';
    method = 'client_secret_post';
  } else {
    clientId = form.get('client_id') ?? '';
    if (!clientId) throw invalidClient(GENERIC_FAILURE);
    method = 'none';
  }
  const formClientId = form.get('client_id');
  if (formClientId !== null && formClientId !== clientId)
    throw invalidClient("The 'client_id' parameter does not match the authenticated client.");

  const app = clientId ? findAppByClientId(ctx.state, clientId) : undefined;
  if (!app) throw invalidClient("Invalid value for 'client_id' parameter.");
  if (app.status !== 'ACTIVE') throw invalidClient("Invalid value for 'client_id' parameter.");
  const configured = app.credentials.oauthClient.token_endpoint_auth_method;
  if (configured !== method) {
    throw invalidClient(
      `Client authentication failed. The client is configured to authenticate with '${configured}' but the request used '${method}'.`,
    );
  }

  if (method === 'client_secret_basic' || method === 'client_secret_post') {
    const secret = method === 'client_secret_basic' ? basic!.secret : postedSecret!;
    if (!activeSecrets(ctx.state, app.id).some((s) => sameSecret(s.secret, secret))) {
      throw invalidClient('The client secret supplied for a confidential client is invalid.');
    }
  } else if (method === 'private_key_jwt' || method === 'client_secret_jwt') {
    await verifyAssertion(ctx, app, clientId, assertion!, tokenEndpointPaths, method);
  } else if (method !== 'none') {
    throw invalidClient(`The emulator does not support '${method}'.`);
  }
  return { app, clientId, method };
}

async function verifyAssertion(
  ctx: RequestContext,
  app: Stored,
  clientId: string,
  assertion: string,
  endpointPaths: string[],
  method: 'private_key_jwt' | 'client_secret_jwt',
): Promise<void> {
  if (method === 'private_key_jwt' && activeClientKeys(app).length === 0)
    throw invalidClient('The client has no public keys to verify the client_assertion.');
  const audiences = new Set(endpointPaths.flatMap((p) => [`${ctx.orgUrl}${p}`, `${ctx.requestOrigin}${p}`]));
  let claims: JWTPayload;
  try {
    claims = await verifyAssertionSignature(ctx.state, app, method, assertion);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') throw invalidClient('The client_assertion token is expired.');
    if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
      throw invalidClient('The client_assertion token has a kid which does not identify a key in the client JWKS.');
    }
    throw invalidClient('The client_assertion signature is invalid.');
  }
  if (claims.iss !== clientId || claims.sub !== clientId)
    throw invalidClient("The 'iss' and 'sub' claims of the client_assertion must be the client_id.");
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.has(a))) {
    throw invalidClient('The audience claim for client_assertion must be the endpoint invoked for the request.');
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number') throw invalidClient("The client_assertion token must contain an 'exp' claim.");
  if (claims.exp - now > MAX_ASSERTION_LIFETIME_SECONDS)
    throw invalidClient('The client_assertion token has an expiration too far in the future.');
  // Okta's client-auth docs: iat optional but not in the future; jti optional, and when present it may be used once.
  if (typeof claims.iat === 'number' && claims.iat > now + CLOCK_SKEW_SECONDS)
    throw invalidClient("The client_assertion token has an 'iat' claim in the future.");
  if (claims.jti === undefined) return;
  if (typeof claims.jti !== 'string' || claims.jti === '')
    throw invalidClient("The client_assertion token has an invalid 'jti' claim.");
  const used = ctx.state.usedAssertionIds;
  // Sweeping on every call would make each token request O(n); every 1024 entries is enough.
  if (used.size > 0 && used.size % 1024 === 0) for (const [jti, exp] of used) if (exp < now) used.delete(jti);
  const key = `${clientId}:${claims.jti}`;
  if (used.has(key))
    throw invalidClient('The client_assertion token has already been used. The jti claim must be unique.');
  used.set(key, claims.exp);
}
