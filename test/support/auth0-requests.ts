/**
 * What the Auth0 emulator suites send and expect, written out here (not imported from the emulator) so that the
 * tests stay its oracle: a client-credentials token request, and Management API v2's error body.
 */
import type { Auth0Emulator } from '../../src/emulator/auth0/index.js';

/** The body of a client-credentials request to /oauth/token (Auth0's Authentication API), plus `extra`. */
export function clientCredentials(
  clientId: string,
  clientSecret: string,
  audience: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience, ...extra };
}

/** clientCredentials for the tenant's own management client and the Management API. */
export function managementCredentials(emu: Auth0Emulator, extra: Record<string, string> = {}): Record<string, string> {
  return clientCredentials(emu.managementClientId, emu.managementClientSecret, emu.managementAudience, extra);
}

const REASONS: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' };

/** A Management API v2 error body as Auth0 sends it: {statusCode, error, message, errorCode}. */
export function auth0Error(statusCode: 403 | 404 | 429, message: string, errorCode: string): Record<string, unknown> {
  return { statusCode, error: REASONS[statusCode], message, errorCode };
}
