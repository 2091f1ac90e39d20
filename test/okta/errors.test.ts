import { describe, expect, it } from 'vitest';
import { AuthError, NotFoundError, RemoteError, UsageError } from '../../src/errors.js';
import { mapOktaError, requiredScope } from '../../src/okta/errors.js';

function oktaError(
  status: number,
  body: Record<string, unknown>,
  url = 'https://o/api/v1/apps',
  headers: Record<string, string> = {},
) {
  const error = new Error(`Okta HTTP ${status}`) as Error & Record<string, unknown>;
  error.name = 'OktaApiError';
  Object.assign(error, { status, url, headers: new Map(Object.entries(headers)), ...body });
  return error;
}

describe('mapOktaError', () => {
  it('maps 401 to an auth error that says to log in', () => {
    const mapped = mapOktaError(
      oktaError(401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided' }, 'https://o/api/v1/apps', {
        'x-okta-request-id': 'req-1',
      }),
      'list apps',
    );
    expect(mapped).toBeInstanceOf(AuthError);
    expect((mapped as AuthError).message).toMatch(/invalid or expired/);
    expect((mapped as AuthError).hint).toMatch(/okta-m2m login/);
    expect((mapped as AuthError).requestId).toBe('req-1');
  });

  it('names the missing scope on 403', () => {
    const mapped = mapOktaError(
      oktaError(
        403,
        { errorCode: 'E0000006', errorSummary: 'You do not have permission' },
        'https://o/api/v1/authorizationServers',
      ),
      'create the authorization server',
      'POST',
    );
    expect(mapped).toBeInstanceOf(AuthError);
    expect((mapped as AuthError).message).toMatch(/okta\.authorizationServers\.manage/);
    expect((mapped as AuthError).hint).toMatch(/admin role/);
    const header = 'Bearer realm="x", scope="okta.apps.read", error="insufficient_scope", error_description="..."';
    const scoped = mapOktaError(
      oktaError(403, {}, 'https://o/api/v1/apps', { 'www-authenticate': header }),
      'list apps',
    );
    expect((scoped as AuthError).message).toBe(
      'Okta denied the request to list apps: the credentials lack okta.apps.read.',
    );
    expect((scoped as AuthError).hint).toMatch(/Grant the scope okta\.apps\.read/);
  });

  it('maps 404, 400 and 5xx', () => {
    expect(mapOktaError(oktaError(404, { errorCode: 'E0000007', errorSummary: 'Not found' }), 'x')).toBeInstanceOf(
      NotFoundError,
    );
    const bad = mapOktaError(
      oktaError(400, {
        errorCode: 'E0000001',
        errorSummary: 'Api validation failed',
        errorCauses: [{ errorSummary: 'name: required' }],
      }),
      'x',
    );
    expect(bad).toBeInstanceOf(UsageError);
    expect((bad as Error).message).toMatch(/name: required/);
    const server = mapOktaError(oktaError(500, { errorCode: 'E0000009', errorSummary: 'Internal' }), 'x');
    expect(server).toBeInstanceOf(RemoteError);
    expect((server as RemoteError).status).toBe(500);
  });

  it('maps endpoints to scopes', () => {
    expect(requiredScope('GET', '/api/v1/apps/0oa1')).toBe('okta.apps.read');
    expect(requiredScope('PUT', '/api/v1/inlineHooks/1')).toBe('okta.inlineHooks.manage');
    expect(requiredScope('GET', '/api/v1/meta')).toBeUndefined();
  });
});
