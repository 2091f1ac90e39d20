import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { test } from '../support/fixtures.js';
import {
  provisionClientCredentials,
  type ClientCredentialsFixture,
  type EmulatorHandle,
} from '../../src/emulator/okta/index.js';
import {
  api,
  basicAuth,
  clientAssertion,
  newRsaKey,
  tokenRequest,
  useOktaEmulator,
  type TestKey,
} from '../support/index.js';

let emulator: EmulatorHandle;
let basic: ClientCredentialsFixture;
let post: ClientCredentialsFixture;
let pkj: ClientCredentialsFixture;
let key: TestKey;

// Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
useOktaEmulator((started) => (emulator = started));
beforeAll(async () => {
  key = await newRsaKey();
  basic = await provisionClientCredentials(emulator.url, emulator.adminToken, {
    scope: 'orders.read',
    accessTokenLifetimeMinutes: 15,
  });
  post = await provisionClientCredentials(emulator.url, emulator.adminToken, { authMethod: 'client_secret_post' });
  pkj = await provisionClientCredentials(emulator.url, emulator.adminToken, {
    authMethod: 'private_key_jwt',
    jwks: [key.publicJwk],
  });
});

/** A client-credentials request for the fixture's scope with its secret in the form (client_secret_post). */
function secretInForm(fixture: ClientCredentialsFixture) {
  return tokenRequest(fixture.tokenUrl, {
    grant_type: 'client_credentials',
    scope: fixture.scope,
    client_id: fixture.clientId,
    client_secret: fixture.clientSecret!,
  });
}

async function verify(fixture: ClientCredentialsFixture, token: string) {
  const jwks = createRemoteJWKSet(new URL(`${fixture.issuer}/v1/keys`));
  return jwtVerify(token, jwks, { issuer: fixture.issuer, audience: fixture.audience });
}

describe('custom authorization server token endpoint', () => {
  it('issues Okta-shaped RS256 access tokens with client_secret_basic', async () => {
    const res = await tokenRequest(
      basic.tokenUrl,
      { grant_type: 'client_credentials', scope: 'orders.read' },
      { Authorization: basicAuth(basic.clientId, basic.clientSecret!) },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'orders.read' });
    expect(res.headers.get('cache-control')).toContain('no-store');
    const { payload, protectedHeader } = await verify(basic, res.body.access_token);
    const keys = (await api(emulator, 'GET', `/api/v1/authorizationServers/${basic.authServerId}/credentials/keys`))
      .body;
    expect(protectedHeader).toEqual({ kid: keys[0].kid, alg: 'RS256' });
    expect(payload).toMatchObject({
      ver: 1,
      iss: basic.issuer,
      aud: basic.audience,
      cid: basic.clientId,
      sub: basic.clientId,
      scp: ['orders.read'],
    });
    expect(payload.jti).toMatch(/^AT\./);
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('supports client_secret_post and private_key_jwt', async () => {
    const viaPost = await secretInForm(post);
    expect(viaPost.status).toBe(200);
    await verify(post, viaPost.body.access_token);

    const assertion = await clientAssertion(key, pkj.clientId, pkj.tokenUrl);
    const viaJwt = await tokenRequest(pkj.tokenUrl, {
      grant_type: 'client_credentials',
      scope: pkj.scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(viaJwt.status).toBe(200);
    const { payload } = await verify(pkj, viaJwt.body.access_token);
    expect(payload.cid).toBe(pkj.clientId);
  });

  it('enforces the configured token_endpoint_auth_method', async () => {
    const res = await tokenRequest(
      post.tokenUrl,
      { grant_type: 'client_credentials', scope: post.scope },
      { Authorization: basicAuth(post.clientId, post.clientSecret!) },
    );
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    const viaPost = await secretInForm(basic);
    expect(viaPost.status).toBe(401);
    expect(viaPost.body.error).toBe('invalid_client');
  });

  it('rejects bad client credentials with 401 invalid_client', async () => {
    const wrongSecret = await tokenRequest(
      basic.tokenUrl,
      { grant_type: 'client_credentials' },
      { Authorization: basicAuth(basic.clientId, 'x'.repeat(40)) },
    );
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({
      error: 'invalid_client',
      error_description: 'The client secret supplied for a confidential client is invalid.',
    });
    const unknown = await tokenRequest(
      basic.tokenUrl,
      { grant_type: 'client_credentials' },
      { Authorization: basicAuth('0oaunknown', 'secret') },
    );
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    const none = await tokenRequest(basic.tokenUrl, { grant_type: 'client_credentials' });
    expect(none.status).toBe(401);
  });

  it('checks client assertions: aud, iss/sub, exp, signature and jti replay', async () => {
    const send = (assertion: string) =>
      tokenRequest(pkj.tokenUrl, {
        grant_type: 'client_credentials',
        scope: pkj.scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      });
    const expectInvalid = async (assertion: string, description: RegExp) => {
      const res = await send(assertion);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.body.error_description).toMatch(description);
    };
    await expectInvalid(await clientAssertion(key, pkj.clientId, `${emulator.url}/oauth2/v1/token`), /audience/);
    await expectInvalid(
      await clientAssertion(key, pkj.clientId, pkj.tokenUrl, { iss: 'someone-else' }),
      /'iss' and 'sub'/,
    );
    await expectInvalid(await clientAssertion(key, pkj.clientId, pkj.tokenUrl, { expiresInSeconds: -60 }), /expired/);
    await expectInvalid(await clientAssertion(key, pkj.clientId, pkj.tokenUrl, { expiresInSeconds: 7200 }), /too far/);
    const otherKey = await newRsaKey(key.kid);
    await expectInvalid(await clientAssertion(otherKey, pkj.clientId, pkj.tokenUrl), /signature/);
    const jti = randomUUID();
    expect((await send(await clientAssertion(key, pkj.clientId, pkj.tokenUrl, { jti }))).status).toBe(200);
    await expectInvalid(await clientAssertion(key, pkj.clientId, pkj.tokenUrl, { jti }), /already been used/);
    const bad = await tokenRequest(pkj.tokenUrl, {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:wrong',
      client_assertion: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
  });

  it('returns RFC 6749 errors for grant type, scope and request problems', async () => {
    const auth = { Authorization: basicAuth(basic.clientId, basic.clientSecret!) };
    const noGrant = await tokenRequest(basic.tokenUrl, { scope: 'orders.read' }, auth);
    expect([noGrant.status, noGrant.body.error]).toEqual([400, 'invalid_request']);
    const unsupported = await tokenRequest(basic.tokenUrl, { grant_type: 'magic' }, auth);
    expect([unsupported.status, unsupported.body.error]).toEqual([400, 'unsupported_grant_type']);
    const unauthorized = await tokenRequest(
      basic.tokenUrl,
      { grant_type: 'password', username: 'u', password: 'p' },
      auth,
    );
    expect([unauthorized.status, unauthorized.body.error]).toEqual([400, 'unauthorized_client']);
    const unknownScope = await tokenRequest(basic.tokenUrl, { grant_type: 'client_credentials', scope: 'nope' }, auth);
    expect([unknownScope.status, unknownScope.body.error]).toEqual([400, 'invalid_scope']);
    const oidc = await tokenRequest(basic.tokenUrl, { grant_type: 'client_credentials', scope: 'openid' }, auth);
    expect([oidc.status, oidc.body.error]).toEqual([400, 'invalid_scope']);
    const noDefault = await tokenRequest(basic.tokenUrl, { grant_type: 'client_credentials' }, auth);
    expect([noDefault.status, noDefault.body.error]).toEqual([400, 'invalid_scope']);
    expect(noDefault.body.error_description).toContain('default scopes');
    const json = await fetch(basic.tokenUrl, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as any).error).toBe('invalid_request');
  });

  it('grants default scopes when none are requested', async () => {
    const fixture = await provisionClientCredentials(emulator.url, emulator.adminToken, { scope: 'default.scope' });
    const scopes = (
      await api(emulator, 'GET', `/api/v1/authorizationServers/${fixture.authServerId}/scopes?q=default.scope`)
    ).body;
    await api(emulator, 'PUT', `/api/v1/authorizationServers/${fixture.authServerId}/scopes/${scopes[0].id}`, {
      name: 'default.scope',
      default: true,
    });
    const res = await tokenRequest(
      fixture.tokenUrl,
      { grant_type: 'client_credentials' },
      { Authorization: basicAuth(fixture.clientId, fixture.clientSecret!) },
    );
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('default.scope');
  });

  it('evaluates policies and rules by priority and status', async () => {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken, {
      scope: 'a',
      accessTokenLifetimeMinutes: 10,
    });
    const auth = { Authorization: basicAuth(f.clientId, f.clientSecret!) };
    const rulesPath = `/api/v1/authorizationServers/${f.authServerId}/policies/${f.policyId}/rules`;
    await api(emulator, 'POST', `/api/v1/authorizationServers/${f.authServerId}/scopes`, { name: 'b' });
    // A higher-priority rule with a different lifetime that allows only scope b.
    await api(emulator, 'POST', rulesPath, {
      name: 'b-only',
      priority: 1,
      conditions: { grantTypes: { include: ['client_credentials'] }, scopes: { include: ['b'] } },
      actions: { token: { accessTokenLifetimeMinutes: 5 } },
    });
    const a = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: 'a' }, auth);
    expect(a.body.expires_in).toBe(600);
    const b = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: 'b' }, auth);
    expect(b.body.expires_in).toBe(300);
    const both = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: 'a b' }, auth);
    // Okta: "Policy evaluation failed" is a 401 access_denied.
    expect([both.status, both.body.error]).toEqual([401, 'access_denied']);
    expect(both.body.error_description).toBe(
      'Policy evaluation failed for this request, please check the policy configurations.',
    );

    await api(
      emulator,
      'POST',
      `/api/v1/authorizationServers/${f.authServerId}/policies/${f.policyId}/lifecycle/deactivate`,
    );
    const inactivePolicy = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: 'a' }, auth);
    expect([inactivePolicy.status, inactivePolicy.body.error]).toEqual([401, 'access_denied']);
    await api(
      emulator,
      'POST',
      `/api/v1/authorizationServers/${f.authServerId}/policies/${f.policyId}/lifecycle/activate`,
    );

    await api(emulator, 'POST', `/api/v1/authorizationServers/${f.authServerId}/lifecycle/deactivate`);
    const inactiveServer = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: 'a' }, auth);
    expect(inactiveServer.status).toBe(404);
    await api(emulator, 'POST', `/api/v1/authorizationServers/${f.authServerId}/lifecycle/activate`);

    await api(emulator, 'POST', `/api/v1/apps/${f.appId}/lifecycle/deactivate`);
    const inactiveApp = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: 'a' }, auth);
    expect([inactiveApp.status, inactiveApp.body.error]).toEqual([401, 'invalid_client']);
  });

  it('adds active custom claims whose value is a literal', async () => {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken);
    await api(emulator, 'POST', `/api/v1/authorizationServers/${f.authServerId}/claims`, {
      name: 'tenant',
      claimType: 'RESOURCE',
      valueType: 'EXPRESSION',
      value: '"acme"',
      alwaysIncludeInToken: true,
    });
    await api(emulator, 'POST', `/api/v1/authorizationServers/${f.authServerId}/claims`, {
      name: 'client',
      claimType: 'RESOURCE',
      valueType: 'EXPRESSION',
      value: 'app.clientId',
    });
    const res = await tokenRequest(
      f.tokenUrl,
      { grant_type: 'client_credentials', scope: f.scope },
      { Authorization: basicAuth(f.clientId, f.clientSecret!) },
    );
    const { payload } = await verify(f, res.body.access_token);
    expect(payload.tenant).toBe('acme');
    expect(payload.client).toBe(f.clientId);
  });

  it('publishes discovery metadata and keys', async () => {
    const meta: any = await fetch(`${basic.issuer}/.well-known/oauth-authorization-server`).then((r) => r.json());
    expect(meta).toMatchObject({
      issuer: basic.issuer,
      token_endpoint: basic.tokenUrl,
      jwks_uri: `${basic.issuer}/v1/keys`,
    });
    expect(meta.scopes_supported).toContain('orders.read');
    const oidc: any = await fetch(`${basic.issuer}/.well-known/openid-configuration`).then((r) => r.json());
    expect(oidc.issuer).toBe(basic.issuer);
    const keys: any = await fetch(`${basic.issuer}/v1/keys`).then((r) => r.json());
    expect(keys.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(keys.keys[0].d).toBeUndefined();
    const missing = await fetch(`${emulator.url}/oauth2/ausnothere/.well-known/oauth-authorization-server`);
    expect(missing.status).toBe(404);
  });

  it('introspects and revokes', async () => {
    const auth = { Authorization: basicAuth(basic.clientId, basic.clientSecret!) };
    const token = (await tokenRequest(basic.tokenUrl, { grant_type: 'client_credentials', scope: 'orders.read' }, auth))
      .body.access_token;
    const active = await tokenRequest(
      `${basic.issuer}/v1/introspect`,
      { token, token_type_hint: 'access_token' },
      auth,
    );
    expect(active.body).toMatchObject({
      active: true,
      scope: 'orders.read',
      client_id: basic.clientId,
      token_type: 'Bearer',
    });
    expect((await tokenRequest(`${basic.issuer}/v1/revoke`, { token }, auth)).status).toBe(200);
    expect((await tokenRequest(`${basic.issuer}/v1/introspect`, { token }, auth)).body).toEqual({ active: false });
    expect((await tokenRequest(`${basic.issuer}/v1/introspect`, { token: 'garbage' }, auth)).body).toEqual({
      active: false,
    });
  });

  it('keeps tokens verifiable across a key rotation', async () => {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken);
    const auth = { Authorization: basicAuth(f.clientId, f.clientSecret!) };
    const before = (await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: f.scope }, auth)).body
      .access_token;
    await api(emulator, 'POST', `/api/v1/authorizationServers/${f.authServerId}/credentials/lifecycle/keyRotate`, {
      use: 'sig',
    });
    const after = (await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: f.scope }, auth)).body
      .access_token;
    expect(decodeProtectedHeader(before).kid).not.toBe(decodeProtectedHeader(after).kid);
    await verify(f, before);
    await verify(f, after);
  });
});

describe("Okta's default authorization server", () => {
  test.scoped({ oktaOptions: { defaultAuthServer: true } });
  test('is seeded on request with id default, audience api://default and an all-clients policy', async ({
    okta: org,
  }) => {
    const server = (await api(org, 'GET', '/api/v1/authorizationServers/default')).body;
    expect(server).toMatchObject({
      id: 'default',
      name: 'default',
      audiences: ['api://default'],
      issuer: `${org.url}/oauth2/default`,
    });
    const policies = (await api(org, 'GET', '/api/v1/authorizationServers/default/policies')).body;
    expect(policies.map((p: any) => [p.name, p.conditions.clients.include])).toEqual([
      ['Default Policy', ['ALL_CLIENTS']],
    ]);
    await api(org, 'POST', '/api/v1/authorizationServers/default/scopes', { name: 'custom' });
    const app = (
      await api(org, 'POST', '/api/v1/apps', {
        name: 'oidc_client',
        label: 'svc',
        signOnMode: 'OPENID_CONNECT',
        settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'] } },
      })
    ).body;
    const res = await tokenRequest(
      `${org.url}/oauth2/default/v1/token`,
      { grant_type: 'client_credentials', scope: 'custom' },
      { Authorization: basicAuth(app.id, app.credentials.oauthClient.client_secret) },
    );
    expect(res.status).toBe(200);
    const { payload } = await jwtVerify(
      res.body.access_token,
      createRemoteJWKSet(new URL(`${org.url}/oauth2/default/v1/keys`)),
      { issuer: `${org.url}/oauth2/default`, audience: 'api://default' },
    );
    expect(payload.scp).toEqual(['custom']);
  });
});
