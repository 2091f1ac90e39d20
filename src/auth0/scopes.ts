import { AuthError } from '../errors.js';
import { MANAGEMENT_API_HINT } from './client.js';

/** The Management API scopes each okta-m2m job needs from the management app's grant. */
export const JOB_SCOPES = {
  'auth0 init / destroy': [
    'create:clients',
    'read:clients',
    'update:clients',
    'delete:clients',
    // Rotating a secret: the only way to recover one lost with a create's answer, or missing from the keychain.
    'update:client_keys',
    'create:resource_servers',
    'read:resource_servers',
    'update:resource_servers',
    'delete:resource_servers',
    'create:client_grants',
    'read:client_grants',
    'update:client_grants',
    'delete:client_grants',
  ],
  'sync auth0-role': ['read:users', 'read:roles', 'read:role_members'],
} as const;

type Auth0Job = keyof typeof JOB_SCOPES;

/** Per job, the scopes the token lacks (jobs with nothing missing are left out). */
export function missingScopes(granted: readonly string[]): Partial<Record<Auth0Job, string[]>> {
  const have = new Set(granted);
  const out: Partial<Record<Auth0Job, string[]>> = {};
  for (const [job, scopes] of Object.entries(JOB_SCOPES) as Array<[Auth0Job, readonly string[]]>) {
    const missing = scopes.filter((scope) => !have.has(scope));
    if (missing.length) out[job] = missing;
  }
  return out;
}

/** Fails before any work when the token lacks a scope the job needs. */
export function requireScopes(job: Auth0Job, granted: readonly string[]): void {
  const missing = missingScopes(granted)[job];
  if (missing?.length) {
    throw new AuthError(`The Auth0 management app lacks ${missing.join(', ')}, which "${job}" needs.`, {
      hint: MANAGEMENT_API_HINT,
    });
  }
}
