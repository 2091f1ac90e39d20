import { createLocalJWKSet, jwtVerify } from 'jose';
import { timingSafeEqual } from 'node:crypto';
import { apiTokenIsActive } from './api-tokens.js';
import { invalidToken } from './errors.js';
import { jwks } from './keys.js';
import type { EmulatorState } from './state.js';

export type Principal = { kind: 'api-token' } | { kind: 'oauth'; clientId: string; scopes: Set<string> };

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

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export async function authenticate(
  authorization: string | undefined,
  adminToken: string,
  state: EmulatorState,
  orgUrl: string,
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
      const scp = Array.isArray(payload.scp) ? (payload.scp as string[]) : [];
      return { kind: 'oauth', clientId: String(payload.cid ?? ''), scopes: new Set(scp) };
    } catch {
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
