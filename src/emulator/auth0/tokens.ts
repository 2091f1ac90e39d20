import { basicCredentials, sameSecret } from '../core/credentials.js';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { authError, mgmtError, ReplyError, type Reply } from './errors.js';
import type { RequestContext } from './router.js';
import type { Tenant } from './tenant.js';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** POST /oauth/token -- client_credentials only, as an M2M client of Auth0 sees it. */
export function tokenHandler(tenant: Tenant) {
  return async (ctx: RequestContext): Promise<Reply> => {
    const body = ctx.body ?? {};
    const grantType = str(body.grant_type);
    if (!grantType) return authError(400, 'invalid_request', 'Missing required parameter: grant_type');
    if (grantType !== 'client_credentials') {
      return authError(403, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
    }
    const decoded = basicCredentials(ctx.headers.authorization);
    const basic = decoded === 'malformed' ? undefined : decoded;
    const clientId = basic?.clientId ?? str(body.client_id);
    const clientSecret = basic?.secret ?? str(body.client_secret);
    if (!clientId) return authError(401, 'access_denied', 'Unauthorized');
    const client = tenant.store.clients.get(clientId);
    if (!client || !clientSecret || !sameSecret(client.client_secret, clientSecret)) {
      return authError(401, 'access_denied', 'Unauthorized');
    }
    if (!client.grant_types.includes('client_credentials')) {
      return authError(403, 'unauthorized_client', "Grant type 'client_credentials' not allowed for the client.");
    }
    const audience = str(body.audience);
    if (!audience) {
      return authError(
        403,
        'access_denied',
        'No audience parameter was provided, and no default audience has been configured',
      );
    }
    const api = tenant.store.resourceServerByIdentifier(audience);
    if (!api) return authError(403, 'access_denied', `Service not enabled within domain: ${audience}`);
    const grant = tenant.store.grantFor(clientId, audience);
    if (!grant) {
      return authError(
        403,
        'access_denied',
        `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
      );
    }
    let scopes = grant.scope;
    const requested = str(body.scope);
    if (requested) {
      const wanted = requested.split(/\s+/).filter(Boolean);
      const missing = wanted.filter((s) => !grant.scope.includes(s));
      if (missing.length > 0) {
        return authError(403, 'access_denied', `Client has not been granted scopes: ${missing.join(', ')}`);
      }
      scopes = wanted;
    }
    const lifetime = api.token_lifetime;
    const now = Math.floor(Date.now() / 1000);
    const scope = scopes.join(' ');
    const accessToken = await new SignJWT({ scope, gty: 'client-credentials', azp: clientId })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: tenant.key.kid })
      .setIssuer(tenant.issuer)
      .setSubject(`${clientId}@clients`)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .sign(tenant.key.privateKey);
    return {
      status: 200,
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
      body: { access_token: accessToken, scope, expires_in: lifetime, token_type: 'Bearer' },
    };
  };
}

interface Caller {
  clientId: string;
  scopes: Set<string>;
}

/** Bearer check for /api/v2: 401 for a missing or bad token, 403 insufficient_scope when no scope of `anyOf` is held. */
export async function authorizeManagement(
  tenant: Tenant,
  header: string | undefined,
  anyOf: string[],
): Promise<Caller> {
  const m = /^bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) throw new ReplyError(mgmtError(401, 'Missing authentication'));
  let payload;
  try {
    ({ payload } = await jwtVerify(m[1]!, tenant.key.publicKey, {
      issuer: tenant.issuer,
      algorithms: ['RS256'],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) {
      throw new ReplyError(mgmtError(401, 'Expired token received for JSON Web Token validation'));
    }
    throw new ReplyError(mgmtError(401, 'Invalid token'));
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!aud.includes(tenant.managementAudience)) throw new ReplyError(mgmtError(401, 'Bad audience: ' + aud.join(' ')));
  const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []);
  if (anyOf.length > 0 && !anyOf.some((s) => scopes.has(s))) {
    throw new ReplyError(
      mgmtError(403, `Insufficient scope, expected any of: ${anyOf.join(',')}`, 'insufficient_scope'),
    );
  }
  const azp = typeof payload.azp === 'string' ? payload.azp : String(payload.sub ?? '').replace(/@clients$/, '');
  return { clientId: azp, scopes };
}
