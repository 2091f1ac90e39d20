// App client secrets and client authentication as Okta documents them: the ApplicationSSOPublicKeys secret
// operations of ../shared/okta/management-minimal.yaml (createOAuth2ClientSecret, listOAuth2ClientSecrets,
// activate/deactivate/deleteOAuth2ClientSecret and their error examples ErrorClientSecretTooLong, -TooShort,
// -TooShortWithClientSecretJWT, -NonAscii, ErrorMaxNumberOfSecrets, ErrorDeleteActiveSecret,
// ErrorDeactivateTheOnlyClientSecret), Okta's help page "Manage secrets and keys for OIDC apps" (switching to
// public key / private key deletes the client secrets) and client_secret_jwt (RFC 7523, an HMAC-signed assertion).
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { provisionClientCredentials, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  api,
  basicAuth,
  expectOktaError,
  newRsaKey,
  serviceApp,
  tokenRequest,
  useOktaEmulator,
} from '../support/index.js';
import { firstCause, JWT_BEARER } from './iam-support.js';

let emulator: EmulatorHandle;

// Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
useOktaEmulator((started) => (emulator = started));

const cause = firstCause;

describe('client secrets (createOAuth2ClientSecret and its lifecycle)', () => {
  it('keeps at most two secrets, refuses to delete an ACTIVE one or deactivate the only active one, and rotates without downtime', async () => {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken);
    const base = `/api/v1/apps/${f.appId}/credentials/secrets`;
    const token = (secret: string) =>
      tokenRequest(
        f.tokenUrl,
        { grant_type: 'client_credentials', scope: f.scope },
        { Authorization: basicAuth(f.clientId, secret) },
      );
    const [first] = (await api(emulator, 'GET', base)).body;
    const onlyOne = await api(emulator, 'POST', `${base}/${first.id}/lifecycle/deactivate`);
    expectOktaError(onlyOne, 400, 'E0000001');
    expect(cause(onlyOne)).toBe("You can't deactivate the only active client secret.");
    const second = await api(emulator, 'POST', base, {});
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({
      status: 'ACTIVE',
      client_secret: expect.any(String),
      secret_hash: expect.any(String),
    });
    const third = await api(emulator, 'POST', base, {});
    expectOktaError(third, 400, 'E0000001');
    expect([third.body.errorSummary, cause(third)]).toEqual([
      'Api validation failed: OAuth2ClientSecretMediated',
      "You've reached the maximum number of client secrets per client.",
    ]);
    const active = await api(emulator, 'DELETE', `${base}/${first.id}`);
    expect(cause(active)).toBe("You can't delete an active client secret. Deactivate the secret before deleting it.");
    expect((await token(f.clientSecret!)).status).toBe(200);
    expect((await token(second.body.client_secret)).status).toBe(200);
    expect((await api(emulator, 'POST', `${base}/${first.id}/lifecycle/deactivate`)).body.status).toBe('INACTIVE');
    expect((await token(f.clientSecret!)).status).toBe(401);
    expect((await api(emulator, 'DELETE', `${base}/${first.id}`)).status).toBe(204);
    expect((await api(emulator, 'GET', base)).body.map((s: any) => s.id)).toEqual([second.body.id]);
    expect((await token(second.body.client_secret)).status).toBe(200);
  });

  it('checks a secret an admin brings: 14 to 100 printable ASCII characters, 32 or more for client_secret_jwt', async () => {
    const app = (await api(emulator, 'POST', '/api/v1/apps', serviceApp('secrets-rules'))).body;
    const base = `/api/v1/apps/${app.id}/credentials/secrets`;
    expect(cause(await api(emulator, 'POST', base, { client_secret: 'short' }))).toBe(
      "client_secret: 'client_secret' must be at least '14' characters long.",
    );
    expect(cause(await api(emulator, 'POST', base, { client_secret: 'x'.repeat(101) }))).toBe(
      "client_secret: 'client_secret' can't be more than '100' characters long.",
    );
    const nonAscii = await api(emulator, 'POST', base, { client_secret: 'päss-wörd-long-enough' });
    expect([nonAscii.body.errorSummary, cause(nonAscii)]).toEqual([
      'Api validation failed: client_secret',
      "client_secret: ''client_secret'' must only contain printable ASCII: [x20-x7E]+",
    ]);
    expect(cause(await api(emulator, 'POST', base, { client_secret: 'tab\tinside-a-secret' }))).toContain(
      'printable ASCII',
    );
    expect((await api(emulator, 'POST', base, { client_secret: 'a'.repeat(100) })).status).toBe(201);
    // The same rules at app create (credentials.oauthClient.client_secret).
    const created = serviceApp('secrets-create') as any;
    created.credentials.oauthClient.client_secret = 'ünïcode-secret-value';
    expect(cause(await api(emulator, 'POST', '/api/v1/apps', created))).toContain('printable ASCII');
    const jwtApp = serviceApp('secrets-jwt', 'client_secret_jwt') as any;
    jwtApp.credentials.oauthClient.client_secret = 'a'.repeat(20);
    expect(cause(await api(emulator, 'POST', '/api/v1/apps', jwtApp))).toBe(
      "client_secret: 'client_secret' must be at least '32' characters long when 'token_endpoint_auth_method' is 'client_secret_jwt'.",
    );
  });

  it('deletes the client secrets when an app switches to private_key_jwt', async () => {
    const app = (await api(emulator, 'POST', '/api/v1/apps', serviceApp('secrets-switch'))).body;
    await api(emulator, 'POST', `/api/v1/apps/${app.id}/credentials/secrets`, {});
    expect((await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/secrets`)).body).toHaveLength(2);
    const key = await newRsaKey('switch');
    const switched = {
      ...app,
      credentials: {
        ...app.credentials,
        oauthClient: { ...app.credentials.oauthClient, token_endpoint_auth_method: 'private_key_jwt' },
      },
    };
    delete switched.credentials.oauthClient.client_secret;
    switched.settings.oauthClient.jwks = { keys: [key.publicJwk] };
    expect((await api(emulator, 'PUT', `/api/v1/apps/${app.id}`, switched)).status).toBe(200);
    expect((await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/secrets`)).body).toEqual([]);
  });
});

describe('client_secret_jwt at the token endpoint', () => {
  async function secretJwtFixture() {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken);
    const app = (await api(emulator, 'GET', `/api/v1/apps/${f.appId}`)).body;
    app.credentials.oauthClient.token_endpoint_auth_method = 'client_secret_jwt';
    const secret = 'S'.repeat(40);
    app.credentials.oauthClient.client_secret = secret;
    expect((await api(emulator, 'PUT', `/api/v1/apps/${f.appId}`, app)).status).toBe(200);
    return { ...f, secret };
  }

  function hmacAssertion(secret: string, clientId: string, audience: string, expiresIn = 300) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .setJti(randomUUID())
      .sign(new TextEncoder().encode(secret));
  }

  it('accepts an assertion signed with an active client secret and refuses other secrets and expired assertions', async () => {
    const f = await secretJwtFixture();
    const ok = await tokenRequest(f.tokenUrl, {
      grant_type: 'client_credentials',
      scope: f.scope,
      client_assertion_type: JWT_BEARER,
      client_assertion: await hmacAssertion(f.secret, f.clientId, f.tokenUrl),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('Bearer');
    const wrong = await tokenRequest(f.tokenUrl, {
      grant_type: 'client_credentials',
      scope: f.scope,
      client_assertion_type: JWT_BEARER,
      client_assertion: await hmacAssertion('W'.repeat(40), f.clientId, f.tokenUrl),
    });
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
    const expired = await tokenRequest(f.tokenUrl, {
      grant_type: 'client_credentials',
      scope: f.scope,
      client_assertion_type: JWT_BEARER,
      client_assertion: await hmacAssertion(f.secret, f.clientId, f.tokenUrl, -60),
    });
    expect([expired.status, expired.body.error_description]).toEqual([401, 'The client_assertion token is expired.']);
    const discovery: any = await fetch(`${f.issuer}/.well-known/oauth-authorization-server`).then((r) => r.json());
    expect(discovery.token_endpoint_auth_methods_supported).toContain('client_secret_jwt');
  });
});
