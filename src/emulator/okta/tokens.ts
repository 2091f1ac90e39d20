import { createLocalJWKSet, jwtVerify } from 'jose';
import { findAppByClientId } from './apps.js';
import { authServerIssuer } from './authservers.js';
import { claimValue } from './claim-expressions.js';
import { authenticateClient, type AuthenticatedClient } from './clientauth.js';
import type { RequestContext, Route } from './context.js';
import { verifyDpopProof, type DpopReplayGuard } from './dpop.js';
import { notFound, OAuthError } from './errors.js';
import { json, type HandlerResult, type Json } from '../core/http-io.js';
import { randomAlphanumeric } from './ids.js';
import { jwks, signJwt, type SigningKey } from './keys.js';
import { childCollection, type Stored } from './state.js';
import { runTokenHook, type TokenDraft } from './token-hook.js';

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'device_sso']);
const SUPPORTED_GRANTS = ['client_credentials'];
const KNOWN_GRANTS = new Set([
  'authorization_code',
  'client_credentials',
  'implicit',
  'password',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'interaction_code',
]);
const NO_STORE = { 'Cache-Control': 'no-cache, no-store', Pragma: 'no-cache' };

/** What the token endpoints need from the running server. */
interface TokenEndpointEnv {
  dpopNonce: string;
  dpopReplay: DpopReplayGuard;
}

function formOf(ctx: RequestContext): URLSearchParams {
  const type = String(ctx.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError(
      400,
      'invalid_request',
      "The request must use Content-Type 'application/x-www-form-urlencoded'.",
    );
  }
  return new URLSearchParams(ctx.rawBody);
}

/** The active custom authorization server in the path; unknown or inactive servers are not found. */
function activeServer(ctx: RequestContext): Stored {
  const server = ctx.state.authServers.get(ctx.params.authServerId!);
  if (!server || server.status !== 'ACTIVE') throw notFound(`${ctx.params.authServerId} (AuthorizationServer)`);
  return server;
}

function checkGrantType(form: URLSearchParams): string {
  const grantType = form.get('grant_type');
  if (!grantType) throw new OAuthError(400, 'invalid_request', "The token request must specify a 'grant_type'.");
  if (!KNOWN_GRANTS.has(grantType)) {
    throw new OAuthError(
      400,
      'unsupported_grant_type',
      `The authorization grant type is not supported by the authorization server. Configured grant types: [${SUPPORTED_GRANTS.join(', ')}].`,
    );
  }
  return grantType;
}

function checkClientGrant(client: AuthenticatedClient, grantType: string): void {
  const allowed: string[] = client.app.settings?.oauthClient?.grant_types ?? [];
  if (!allowed.includes(grantType)) {
    throw new OAuthError(
      400,
      'unauthorized_client',
      `The client is not authorized to use the provided grant type. Configured grant types: [${allowed.join(', ')}].`,
    );
  }
  if (!SUPPORTED_GRANTS.includes(grantType)) {
    throw new OAuthError(
      400,
      'unsupported_grant_type',
      `The emulator supports only the client_credentials grant, not '${grantType}'.`,
    );
  }
}

function requestedScopes(form: URLSearchParams): string[] {
  const raw = form.get('scope');
  return raw === null ? [] : raw.split(' ').filter((s) => s !== '');
}

/** Binds the token to the DPoP key when the app demands DPoP; otherwise any DPoP header is ignored, as Okta does. */
async function dpopBinding(
  ctx: RequestContext,
  client: AuthenticatedClient,
  tokenPath: string,
  env: TokenEndpointEnv,
): Promise<string | undefined> {
  if (client.app.settings?.oauthClient?.dpop_bound_access_tokens !== true) return undefined;
  const proof = typeof ctx.headers.dpop === 'string' ? ctx.headers.dpop : undefined;
  return verifyDpopProof(
    proof,
    [`${ctx.orgUrl}${tokenPath}`, `${ctx.requestOrigin}${tokenPath}`],
    env.dpopNonce,
    env.dpopReplay,
  );
}

interface PolicyMatch {
  policy: Stored;
  rule: Stored;
}

/** First active policy (by priority) assigned to the client with an active rule allowing the grant and scopes. */
function evaluatePolicies(
  ctx: RequestContext,
  serverId: string,
  clientId: string,
  grantType: string,
  scopes: string[],
): PolicyMatch {
  const policies = childCollection(ctx.state.policies, serverId)
    .values()
    .sort((a, b) => a.priority - b.priority);
  for (const policy of policies) {
    if (policy.status !== 'ACTIVE') continue;
    const include: string[] = policy.conditions?.clients?.include ?? [];
    if (!include.includes('ALL_CLIENTS') && !include.includes(clientId)) continue;
    const rules = childCollection(ctx.state.rules, policy.id)
      .values()
      .sort((a, b) => a.priority - b.priority);
    for (const rule of rules) {
      if (rule.status !== 'ACTIVE') continue;
      if (!(rule.conditions?.grantTypes?.include ?? []).includes(grantType)) continue;
      const allowed: string[] = rule.conditions?.scopes?.include ?? [];
      if (!allowed.includes('*') && !scopes.every((s) => allowed.includes(s))) continue;
      return { policy, rule };
    }
  }
  // Okta answers 401 access_denied when no policy or rule matches.
  throw new OAuthError(
    401,
    'access_denied',
    'Policy evaluation failed for this request, please check the policy configurations.',
  );
}

function customClaims(ctx: RequestContext, serverId: string, app: Stored, scopes: string[]): Json {
  const claims: Json = {};
  for (const claim of childCollection(ctx.state.claims, serverId).values()) {
    if (claim.status !== 'ACTIVE' || claim.claimType !== 'RESOURCE' || claim.valueType !== 'EXPRESSION') continue;
    const conditionScopes: string[] = claim.conditions?.scopes ?? [];
    if (conditionScopes.length > 0 && !conditionScopes.some((s) => scopes.includes(s))) continue;
    claims[claim.name] = claimValue(claim.name, String(claim.value), app);
  }
  return claims;
}

function accessTokenClaims(
  issuer: string,
  audience: string | string[],
  clientId: string,
  scopes: string[],
  lifetimeSeconds: number,
): Json {
  const now = Math.floor(Date.now() / 1000);
  return {
    ver: 1,
    jti: `AT.${randomAlphanumeric(43)}`,
    iss: issuer,
    aud: audience,
    iat: now,
    exp: now + lifetimeSeconds,
    cid: clientId,
    scp: scopes,
    sub: clientId,
  };
}

async function mintResponse(
  key: SigningKey,
  draft: TokenDraft,
  scopes: string[],
  jkt: string | undefined,
): Promise<HandlerResult> {
  const claims = { ...draft.claims };
  claims.exp = claims.iat + draft.lifetimeSeconds;
  if (jkt) claims.cnf = { jkt };
  const accessToken = await signJwt(key, claims);
  return json(
    200,
    {
      token_type: jkt ? 'DPoP' : 'Bearer',
      expires_in: draft.lifetimeSeconds,
      access_token: accessToken,
      scope: scopes.join(' '),
    },
    NO_STORE,
  );
}

async function customServerToken(ctx: RequestContext, env: TokenEndpointEnv): Promise<HandlerResult> {
  const server = activeServer(ctx);
  const form = formOf(ctx);
  const grantType = checkGrantType(form);
  const tokenPath = `/oauth2/${ctx.params.authServerId}/v1/token`;
  const client = await authenticateClient(ctx, form, [tokenPath]);
  checkClientGrant(client, grantType);

  const serverScopes = childCollection(ctx.state.scopes, server.id);
  let scopes = requestedScopes(form);
  if (scopes.some((s) => OIDC_SCOPES.has(s))) {
    throw new OAuthError(400, 'invalid_scope', 'Client Credentials requests cannot contain OpenID Connect scopes.');
  }
  if (scopes.length === 0) {
    scopes = serverScopes
      .values()
      .filter((s) => s.default === true && !s.system)
      .map((s) => s.name);
    if (scopes.length === 0) {
      throw new OAuthError(
        400,
        'invalid_scope',
        "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
      );
    }
  }
  const scopeRecords = scopes.map((name) => serverScopes.find((s) => s.name === name));
  if (scopeRecords.some((s) => s === undefined)) {
    throw new OAuthError(
      400,
      'invalid_scope',
      'One or more scopes are not configured for the authorization server resource.',
    );
  }
  const { policy, rule } = evaluatePolicies(ctx, server.id, client.clientId, grantType, scopes);
  const jkt = await dpopBinding(ctx, client, tokenPath, env);

  const issuer = authServerIssuer(ctx.orgUrl, server.id);
  const audiences: string[] = server.audiences;
  const lifetimeSeconds = (rule.actions?.token?.accessTokenLifetimeMinutes ?? 60) * 60;
  let draft: TokenDraft = {
    claims: {
      ...accessTokenClaims(
        issuer,
        audiences.length === 1 ? audiences[0]! : audiences,
        client.clientId,
        scopes,
        lifetimeSeconds,
      ),
      ...customClaims(ctx, server.id, client.app, scopes),
    },
    lifetimeSeconds,
  };
  const hookId = rule.actions?.token?.inlineHook?.id;
  const hook = hookId ? ctx.state.inlineHooks.get(hookId) : undefined;
  if (hook && hook.status === 'ACTIVE') {
    draft = await runTokenHook(
      ctx.state,
      hook,
      {
        requestId: ctx.requestId,
        requestUrl: `${ctx.orgUrl}${ctx.url.pathname}${ctx.url.search}`,
        ipAddress: ctx.remoteAddress,
        issuer,
        form,
        app: client.app,
        policyId: policy.id,
        ruleId: rule.id,
        grantedScopes: scopeRecords.map((s) => ({ name: s!.name, id: s!.id })),
      },
      draft,
    );
  }
  const key = ctx.state.authServerKeys.get(server.id)![0]!;
  return mintResponse(key, draft, scopes, jkt);
}

/** The org authorization server issues only okta.* scopes, and only those granted to the app. */
async function orgServerToken(ctx: RequestContext, env: TokenEndpointEnv): Promise<HandlerResult> {
  const form = formOf(ctx);
  const grantType = checkGrantType(form);
  const tokenPath = '/oauth2/v1/token';
  const client = await authenticateClient(ctx, form, [tokenPath]);
  checkClientGrant(client, grantType);
  // Okta: only service apps get okta.* scopes from the org authorization server with client credentials.
  if (client.app.settings?.oauthClient?.application_type !== 'service') {
    throw new OAuthError(
      401,
      'invalid_application_type_client_credentials',
      'Client Credentials requests to the org authorization server are allowed only for service applications.',
    );
  }
  if (client.method !== 'private_key_jwt') {
    throw new OAuthError(
      401,
      'invalid_client',
      'Client Credentials requests to the Okta org authorization server must use private_key_jwt client authentication.',
    );
  }
  const requested = requestedScopes(form);
  if (requested.length === 0) {
    throw new OAuthError(
      400,
      'invalid_scope',
      "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
    );
  }
  if (requested.some((s) => !s.startsWith('okta.'))) {
    throw new OAuthError(
      400,
      'invalid_scope',
      'One or more scopes are not configured for the authorization server resource.',
    );
  }
  const granted = new Set(
    (ctx.state.appGrants.get(client.app.id) ?? [])
      .filter((g) => g.status === 'ACTIVE' && sameIssuer(g.issuer, ctx))
      .map((g) => g.scopeId),
  );
  // Okta drops requested okta.* scopes that were never granted instead of failing, unless none is left.
  const scopes = requested.filter((s) => granted.has(s));
  if (scopes.length === 0)
    throw new OAuthError(400, 'consent_required', 'You are not allowed any of the requested scopes.');
  const jkt = await dpopBinding(ctx, client, tokenPath, env);
  const lifetimeSeconds = 3600;
  return mintResponse(
    ctx.state.orgKey,
    { claims: accessTokenClaims(ctx.orgUrl, ctx.orgUrl, client.clientId, scopes, lifetimeSeconds), lifetimeSeconds },
    scopes,
    jkt,
  );
}

function sameIssuer(issuer: string, ctx: RequestContext): boolean {
  const trimmed = issuer.replace(/\/+$/, '');
  return trimmed === ctx.orgUrl || trimmed === ctx.requestOrigin;
}

function metadata(ctx: RequestContext, issuer: string, base: string, openid: boolean): Json {
  const serverId = ctx.params.authServerId;
  const scopes = serverId
    ? childCollection(ctx.state.scopes, serverId)
        .values()
        .filter((s) => s.metadataPublish === 'ALL_CLIENTS')
        .map((s) => s.name)
    : [
        'okta.apps.read',
        'okta.apps.manage',
        'okta.authorizationServers.read',
        'okta.authorizationServers.manage',
        'okta.groups.read',
        'okta.groups.manage',
        'okta.inlineHooks.read',
        'okta.inlineHooks.manage',
        'okta.users.read',
        'okta.users.manage',
      ];
  // Only what this emulator serves: the client credentials grant, the token, keys, introspect and revoke endpoints,
  // and the client auth methods the token endpoint accepts (Okta's own list). Okta also publishes authorize,
  // userinfo, device, registration and logout endpoints; advertising them here would promise what 404s.
  const authMethods = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
  const doc: Json = {
    issuer,
    token_endpoint: `${base}/v1/token`,
    jwks_uri: `${base}/v1/keys`,
    response_types_supported: ['token'],
    grant_types_supported: ['client_credentials'],
    subject_types_supported: ['public'],
    scopes_supported: scopes,
    token_endpoint_auth_methods_supported: authMethods,
    claims_supported: ['ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'cid', 'scp', 'sub'],
    introspection_endpoint: `${base}/v1/introspect`,
    introspection_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint: `${base}/v1/revoke`,
    revocation_endpoint_auth_methods_supported: authMethods,
    dpop_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
  };
  if (openid) doc.id_token_signing_alg_values_supported = ['RS256'];
  return doc;
}

function customServerMetadata(openid: boolean) {
  return (ctx: RequestContext): HandlerResult => {
    const server = activeServer(ctx);
    const issuer = authServerIssuer(ctx.orgUrl, server.id);
    return json(200, metadata(ctx, issuer, issuer, openid));
  };
}

async function verifyOwnToken(
  ctx: RequestContext,
  token: string,
  keys: SigningKey[],
  issuer: string,
): Promise<Json | undefined> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks(keys)), { issuer, algorithms: ['RS256'] });
    if (typeof payload.jti === 'string' && ctx.state.revokedTokenIds.has(payload.jti)) return undefined;
    return payload;
  } catch {
    return undefined;
  }
}

function serverKeysAndIssuer(ctx: RequestContext): { keys: SigningKey[]; issuer: string; base: string } {
  if (!ctx.params.authServerId) return { keys: [ctx.state.orgKey], issuer: ctx.orgUrl, base: `${ctx.orgUrl}/oauth2` };
  const server = activeServer(ctx);
  const issuer = authServerIssuer(ctx.orgUrl, server.id);
  return { keys: ctx.state.authServerKeys.get(server.id) ?? [], issuer, base: issuer };
}

async function introspect(ctx: RequestContext): Promise<HandlerResult> {
  const { keys, issuer } = serverKeysAndIssuer(ctx);
  const form = formOf(ctx);
  await authenticateClient(ctx, form, [ctx.url.pathname]);
  const token = form.get('token');
  if (!token) throw new OAuthError(400, 'invalid_request', "The 'token' parameter is required.");
  const claims = await verifyOwnToken(ctx, token, keys, issuer);
  if (!claims) return json(200, { active: false }, NO_STORE);
  const app = findAppByClientId(ctx.state, String(claims.cid));
  return json(
    200,
    {
      active: true,
      scope: (claims.scp as string[]).join(' '),
      username: claims.sub,
      exp: claims.exp,
      iat: claims.iat,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      jti: claims.jti,
      token_type: claims.cnf ? 'DPoP' : 'Bearer',
      client_id: app?.credentials.oauthClient.client_id ?? claims.cid,
    },
    NO_STORE,
  );
}

async function revoke(ctx: RequestContext): Promise<HandlerResult> {
  const { keys, issuer } = serverKeysAndIssuer(ctx);
  const form = formOf(ctx);
  const client = await authenticateClient(ctx, form, [ctx.url.pathname]);
  const token = form.get('token');
  if (!token) throw new OAuthError(400, 'invalid_request', "The 'token' parameter is required.");
  const claims = await verifyOwnToken(ctx, token, keys, issuer);
  // RFC 7009: an unknown or already invalid token is not an error; a token of another client is ignored.
  if (claims && claims.cid === client.clientId && typeof claims.jti === 'string') {
    const now = Math.floor(Date.now() / 1000);
    for (const [jti, exp] of ctx.state.revokedTokenIds) if (exp < now) ctx.state.revokedTokenIds.delete(jti);
    ctx.state.revokedTokenIds.set(claims.jti, Number(claims.exp));
    ctx.changed();
  }
  return { status: 200 };
}

export function tokenRoutes(env: () => TokenEndpointEnv): Route[] {
  const keysHandler = (ctx: RequestContext): HandlerResult =>
    json(200, jwks(serverKeysAndIssuer(ctx).keys), { 'Cache-Control': 'max-age=3600, must-revalidate' });
  const orgMetadata = (openid: boolean) => (ctx: RequestContext) =>
    json(200, metadata(ctx, ctx.orgUrl, `${ctx.orgUrl}/oauth2`, openid));
  return [
    { method: 'POST', path: '/oauth2/v1/token', handler: (ctx) => orgServerToken(ctx, env()) },
    { method: 'GET', path: '/oauth2/v1/keys', handler: keysHandler },
    { method: 'POST', path: '/oauth2/v1/introspect', handler: introspect },
    { method: 'POST', path: '/oauth2/v1/revoke', handler: revoke },
    { method: 'GET', path: '/.well-known/oauth-authorization-server', handler: orgMetadata(false) },
    { method: 'GET', path: '/.well-known/openid-configuration', handler: orgMetadata(true) },
    {
      method: 'GET',
      path: '/oauth2/:authServerId/.well-known/oauth-authorization-server',
      handler: customServerMetadata(false),
    },
    {
      method: 'GET',
      path: '/oauth2/:authServerId/.well-known/openid-configuration',
      handler: customServerMetadata(true),
    },
    { method: 'GET', path: '/oauth2/:authServerId/v1/keys', handler: keysHandler },
    { method: 'POST', path: '/oauth2/:authServerId/v1/token', handler: (ctx) => customServerToken(ctx, env()) },
    { method: 'POST', path: '/oauth2/:authServerId/v1/introspect', handler: introspect },
    { method: 'POST', path: '/oauth2/:authServerId/v1/revoke', handler: revoke },
  ];
}
