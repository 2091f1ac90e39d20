import { json } from './http.js';
import { jwks } from './keys.js';
import type { Route } from './router.js';
import type { Tenant } from './tenant.js';

/** /.well-known/*: the tenant's JWKS and its OIDC discovery document (endpoints at the URL the emulator serves). */
export function discoveryRoutes(tenant: Tenant, baseUrl: () => string): Route[] {
  return [
    { method: 'GET', path: '/.well-known/jwks.json', handler: () => json(jwks(tenant.key)) },
    {
      method: 'GET',
      path: '/.well-known/openid-configuration',
      handler: () => {
        const base = baseUrl();
        return json({
          issuer: tenant.issuer,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/oauth/token`,
          device_authorization_endpoint: `${base}/oauth/device/code`,
          userinfo_endpoint: `${base}/userinfo`,
          mfa_challenge_endpoint: `${base}/mfa/challenge`,
          jwks_uri: `${base}/.well-known/jwks.json`,
          registration_endpoint: `${base}/oidc/register`,
          revocation_endpoint: `${base}/oauth/revoke`,
          scopes_supported: [
            'openid',
            'profile',
            'offline_access',
            'name',
            'given_name',
            'family_name',
            'nickname',
            'email',
            'email_verified',
            'picture',
            'created_at',
            'identities',
            'phone',
            'address',
          ],
          response_types_supported: [
            'code',
            'token',
            'id_token',
            'code token',
            'code id_token',
            'token id_token',
            'code token id_token',
          ],
          code_challenge_methods_supported: ['S256', 'plain'],
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['public'],
          grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
          token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'PS256'],
          id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
          claims_supported: [
            'aud',
            'auth_time',
            'created_at',
            'email',
            'email_verified',
            'exp',
            'family_name',
            'given_name',
            'iat',
            'identities',
            'iss',
            'name',
            'nickname',
            'phone_number',
            'picture',
            'sub',
          ],
          request_uri_parameter_supported: false,
          request_parameter_supported: false,
        });
      },
    },
  ];
}
