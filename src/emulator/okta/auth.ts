import { createLocalJWKSet, jwtVerify } from 'jose';
import { sameSecret } from '../core/credentials.js';
import { apiTokenIsActive } from './api-tokens.js';
import { accessTokenHash, checkDpopProof, DpopProofError, type DpopReplayGuard } from './dpop.js';
import { invalidToken, OktaError } from './errors.js';
import { jwks } from './keys.js';
import type { EmulatorState } from './state.js';

type Principal = { kind: 'api-token' } | { kind: 'oauth'; clientId: string; scopes: Set<string> };

/** A Bearer token that lacks the scope: Okta answers 403 with an empty body and says why in WWW-Authenticate. */
export class InsufficientScopeError extends Error {
  constructor(
    readonly scope: string,
    readonly resource: string,
  ) {
    super(`insufficient_scope: ${scope}`);
  }

  wwwAuthenticate(orgUrl: string): string {
    return (
      `Bearer authorization_uri="${orgUrl}/oauth2/v1/authorize", realm="${orgUrl}", scope="${this.scope}", ` +
      `error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", ` +
      `resource="${this.resource}"`
    );
  }
}

/** What a DPoP-bound token's proof is checked against: the request it came with. */
interface DpopRequest {
  proof: string | undefined;
  method: string;
  /** the request URL without query, at each origin the client may have used */
  htus: string[];
  replay: DpopReplayGuard;
}

function dpopRefused(description: string): OktaError {
  return new OktaError(401, 'E0000011', 'Invalid token provided', [], {
    'WWW-Authenticate': `DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", error="invalid_dpop_proof", error_description="${description}"`,
  });
}

export async function authenticate(
  authorization: string | undefined,
  adminToken: string,
  state: EmulatorState,
  orgUrl: string,
  dpop: DpopRequest,
): Promise<Principal> {
  if (!authorization) throw invalidToken();
  const space = authorization.indexOf(' ');
  const scheme = authorization.slice(0, space).toLowerCase();
  const credential = authorization.slice(space + 1).trim();
  if (scheme === 'ssws') {
    if (sameSecret(credential, adminToken) && apiTokenIsActive(state, credential)) return { kind: 'api-token' };
    throw invalidToken();
  }
  if (scheme === 'bearer' || scheme === 'dpop') {
    try {
      const { payload } = await jwtVerify(credential, createLocalJWKSet(jwks([state.orgKey])), {
        issuer: orgUrl,
        audience: orgUrl,
        algorithms: ['RS256'],
      });
      if (typeof payload.jti === 'string' && state.revokedTokenIds.has(payload.jti)) throw invalidToken();
      const jkt = (payload.cnf as { jkt?: unknown } | undefined)?.jkt;
      // Okta (Configure OAuth 2.0 DPoP for Okta API; RFC 9449 section 7): a DPoP-bound token is sent with the DPoP
      // scheme and a proof for this request signed by the bound key, with htm, htu and ath; a plain Bearer is refused.
      if (typeof jkt === 'string' || scheme === 'dpop') {
        if (typeof jkt !== 'string') throw dpopRefused('The access token is not DPoP-bound.');
        if (scheme !== 'dpop')
          throw dpopRefused('The DPoP-bound access token must be sent with the DPoP authorization scheme.');
        try {
          await checkDpopProof(
            dpop.proof,
            { htm: dpop.method, htus: dpop.htus, ath: accessTokenHash(credential), jkt },
            dpop.replay,
          );
        } catch (err) {
          if (err instanceof DpopProofError) throw dpopRefused(err.message);
          throw err;
        }
      }
      const scp = Array.isArray(payload.scp) ? (payload.scp as string[]) : [];
      return { kind: 'oauth', clientId: typeof payload.cid === 'string' ? payload.cid : '', scopes: new Set(scp) };
    } catch (err) {
      if (err instanceof OktaError) throw err;
      throw invalidToken();
    }
  }
  throw invalidToken();
}

/** okta.X.manage includes okta.X.read. */
export function requireScope(principal: Principal, scope: string, resource: string): void {
  if (principal.kind === 'api-token') return;
  if (principal.scopes.has(scope)) return;
  if (scope.endsWith('.read') && principal.scopes.has(scope.replace(/\.read$/, '.manage'))) return;
  throw new InsufficientScopeError(scope, resource);
}

/** Whether a path is a management API call (SSWS or okta.* Bearer token), rather than an OAuth endpoint. */
export function isManagementPath(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/oauth2/v1/clients/');
}
