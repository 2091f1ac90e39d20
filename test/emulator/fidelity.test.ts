// One test per row of issue 16 (and issue 15 item 9): each behaviour as Okta documents it, with its source named in
// the test. docs/emulator.md's fidelity table points here.
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionClientCredentials, startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import { RateLimiter } from '../../src/emulator/okta/ratelimit.js';
import {
  api,
  basicAuth,
  clientAssertion,
  expectOktaError,
  newRsaKey,
  serviceApp,
  tokenHook,
  tokenRequest,
  type TestKey,
  useOktaEmulator,
} from '../support/index.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

let emulator: EmulatorHandle;

// Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
useOktaEmulator((started) => (emulator = started));

interface OrgClient {
  appId: string;
  clientId: string;
  key: TestKey;
}

/** A private_key_jwt service app with okta.* grants and admin roles, as "OAuth for Okta" sets one up. */
async function orgClient(
  scopes: string[],
  roles: string[],
  extraSettings: Record<string, unknown> = {},
  appType = 'service',
): Promise<OrgClient> {
  const key = await newRsaKey();
  const body: any = serviceApp(`org-${randomUUID().slice(0, 8)}`, 'private_key_jwt', [key.publicJwk]);
  Object.assign(body.settings.oauthClient, extraSettings);
  if (appType !== 'service')
    Object.assign(body.settings.oauthClient, {
      application_type: appType,
      grant_types: ['client_credentials', 'authorization_code'],
      response_types: ['code'],
      redirect_uris: ['https://app.example/cb'],
    });
  const app = await api(emulator, 'POST', '/api/v1/apps', body);
  expect(app.status).toBe(200);
  const clientId = app.body.credentials.oauthClient.client_id;
  for (const scopeId of scopes)
    expect(
      (await api(emulator, 'POST', `/api/v1/apps/${app.body.id}/grants`, { issuer: emulator.url, scopeId })).status,
    ).toBe(201);
  for (const type of roles)
    expect((await api(emulator, 'POST', `/oauth2/v1/clients/${clientId}/roles`, { type })).status).toBe(200);
  return { appId: app.body.id, clientId, key };
}

async function orgToken(client: OrgClient, scope: string, headers: Record<string, string> = {}) {
  const tokenUrl = `${emulator.url}/oauth2/v1/token`;
  return tokenRequest(
    tokenUrl,
    {
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(client.key, client.clientId, tokenUrl),
    },
    headers,
  );
}

describe('admin roles (help.okta.com: Standard administrator roles and permissions; org admin restrictions)', () => {
  it('ORG_ADMIN reads apps but may not create apps, authorization servers, hooks or scope grants (403 E0000006)', async () => {
    const scopes = [
      'okta.apps.manage',
      'okta.authorizationServers.manage',
      'okta.inlineHooks.manage',
      'okta.appGrants.manage',
      'okta.users.manage',
    ];
    const client = await orgClient(scopes, ['ORG_ADMIN']);
    const token = (await orgToken(client, scopes.join(' '))).body.access_token;
    const bearer = `Bearer ${token}`;
    expect((await api(emulator, 'GET', '/api/v1/apps', undefined, bearer)).status).toBe(200);
    expect(
      (
        await api(
          emulator,
          'POST',
          '/api/v1/users?activate=false',
          { profile: { firstName: 'O', lastName: 'A', email: 'oa@example.com', login: 'oa@example.com' } },
          bearer,
        )
      ).status,
    ).toBe(200);
    const refused: Array<[string, unknown]> = [
      ['/api/v1/apps', serviceApp('by-org-admin')],
      ['/api/v1/authorizationServers', { name: 'x', description: 'x', audiences: ['api://x'] }],
      ['/api/v1/inlineHooks', tokenHook('h', { uri: 'https://hook.example/x', method: 'POST' })],
      [`/api/v1/apps/${client.appId}/grants`, { issuer: emulator.url, scopeId: 'okta.groups.read' }],
    ];
    for (const [path, body] of refused)
      expectOktaError(await api(emulator, 'POST', path, body, bearer), 403, 'E0000006');
  });

  it('APP_ADMIN manages apps but may not grant Okta API scopes; only SUPER_ADMIN grants them', async () => {
    const scopes = ['okta.apps.manage', 'okta.appGrants.manage'];
    const appAdmin = await orgClient(scopes, ['APP_ADMIN']);
    const bearer = `Bearer ${(await orgToken(appAdmin, scopes.join(' '))).body.access_token}`;
    const made = await api(emulator, 'POST', '/api/v1/apps', serviceApp('by-app-admin'), bearer);
    expect(made.status).toBe(200);
    const grantUsersRead = (authorization: string) =>
      api(
        emulator,
        'POST',
        `/api/v1/apps/${made.body.id}/grants`,
        { issuer: emulator.url, scopeId: 'okta.users.read' },
        authorization,
      );
    expectOktaError(await grantUsersRead(bearer), 403, 'E0000006');
    const superAdmin = await orgClient(scopes, ['SUPER_ADMIN']);
    const superBearer = `Bearer ${(await orgToken(superAdmin, scopes.join(' '))).body.access_token}`;
    expect((await grantUsersRead(superBearer)).status).toBe(201);
  });

  it('API_ACCESS_MANAGEMENT_ADMIN manages authorization servers, not apps; READ_ONLY_ADMIN writes nothing', async () => {
    const scopes = ['okta.apps.manage', 'okta.authorizationServers.manage'];
    const apiAdmin = await orgClient(scopes, ['API_ACCESS_MANAGEMENT_ADMIN']);
    const bearer = `Bearer ${(await orgToken(apiAdmin, scopes.join(' '))).body.access_token}`;
    expect(
      (
        await api(
          emulator,
          'POST',
          '/api/v1/authorizationServers',
          { name: `am-${randomUUID().slice(0, 6)}`, description: 'x', audiences: ['api://am'] },
          bearer,
        )
      ).status,
    ).toBe(201);
    expectOktaError(await api(emulator, 'POST', '/api/v1/apps', serviceApp('by-api-admin'), bearer), 403, 'E0000006');
    const readOnly = await orgClient([...scopes, 'okta.roles.read'], ['READ_ONLY_ADMIN']);
    const roBearer = `Bearer ${(await orgToken(readOnly, [...scopes, 'okta.roles.read'].join(' '))).body.access_token}`;
    expect((await api(emulator, 'GET', '/api/v1/authorizationServers', undefined, roBearer)).status).toBe(200);
    // "Add, remove, and view administrators" is the super admin's alone.
    expectOktaError(
      await api(emulator, 'GET', `/oauth2/v1/clients/${readOnly.clientId}/roles`, undefined, roBearer),
      403,
      'E0000006',
    );
    expectOktaError(
      await api(
        emulator,
        'POST',
        '/api/v1/authorizationServers',
        { name: 'ro', description: 'x', audiences: ['api://ro'] },
        roBearer,
      ),
      403,
      'E0000006',
    );
  });
});

describe('rate limits (developer.okta.com/docs/reference/rl-global-mgmt/, rl-global-enduser/, rl2-token-oauth/, rate-limits/)', () => {
  it('limits /api/v1/apps* per plan, each caller to 50 % of a bucket, with X-Rate-Limit-* headers and 429 E0000047', async () => {
    const org = await startEmulator({ port: 0, rateLimits: 'free' });
    try {
      // free plan: /api/v1/apps* is 20 per minute for the org, so 10 for one API token.
      const first = await api(org, 'GET', '/api/v1/apps');
      expect(first.headers.get('x-rate-limit-limit')).toBe('10');
      expect(first.headers.get('x-rate-limit-remaining')).toBe('9');
      expect(Number(first.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
      for (let i = 0; i < 9; i++) expect((await api(org, 'GET', '/api/v1/apps')).status).toBe(200);
      expectOktaError(await api(org, 'GET', '/api/v1/apps'), 429, 'E0000047');
      // another family has its own bucket
      expect((await api(org, 'GET', '/api/v1/authorizationServers')).status).toBe(200);
    } finally {
      await org.stop();
    }
  });

  it('does not limit /v1/keys or the well-known metadata documents', async () => {
    const org = await startEmulator({ port: 0, rateLimitPerMinute: 2 });
    try {
      for (let i = 0; i < 5; i++) {
        const keys = await fetch(`${org.url}/oauth2/default/v1/keys`);
        expect(keys.status).toBe(200);
        expect(keys.headers.get('x-rate-limit-limit')).toBeNull();
        expect((await fetch(`${org.url}/.well-known/oauth-authorization-server`)).status).toBe(200);
      }
    } finally {
      await org.stop();
    }
  });

  // Every row as published, per plan: [method, path, Integrator Free Plan (`developer`, and `free`: the earlier
  // "Developer (free)" column, same figures), Workforce identity]. Sources: developer.okta.com/docs/reference/
  // rl-global-mgmt/ (apps, users, groups, /oauth2/v1/clients, "Most other API actions: /api/v1"), rl-global-enduser/
  // (token endpoints and other OAuth 2.0 requests; the Integrator Free Plan figure there is unconfirmed: the
  // "Developer (free)" one is used), rl2-token-oauth/ (50 % per app or token).
  const published: Array<[string, string, number, number]> = [
    ['GET', '/api/v1/apps', 20, 100],
    ['POST', '/api/v1/apps', 20, 100],
    ['POST', '/api/v1/apps/0oa1/grants', 20, 100],
    ['GET', '/api/v1/apps/0oa1', 100, 500],
    ['PUT', '/api/v1/apps/0oa1', 100, 500],
    ['GET', '/api/v1/users', 100, 600],
    ['POST', '/api/v1/users', 100, 600],
    ['GET', '/api/v1/users/ada@example.com', 100, 2000],
    ['POST', '/api/v1/users/00u1', 100, 600],
    ['DELETE', '/api/v1/users/00u1', 100, 600],
    ['GET', '/api/v1/groups', 100, 500],
    ['PUT', '/api/v1/groups/00g1/users/00u1', 100, 500],
    ['GET', '/api/v1/groups/00g1', 100, 1000],
    ['POST', '/oauth2/v1/clients/0oa1/roles', 25, 100],
    ['POST', '/oauth2/aus1/v1/token', 300, 2000],
    ['POST', '/oauth2/v1/token', 300, 2000],
    ['POST', '/oauth2/aus1/v1/introspect', 300, 2000],
    ['POST', '/oauth2/v1/revoke', 300, 2000],
    ['GET', '/api/v1/authorizationServers', 100, 1200],
    ['POST', '/api/v1/inlineHooks', 100, 1200],
    ['POST', '/api/v1/users/00u1/lifecycle/activate', 100, 1200],
  ];
  it.each(published)(
    '%s %s: %i a minute on the Integrator Free Plan, %i on Workforce identity, half for one caller',
    (method, path, developer, workforce) => {
      for (const [plan, limit] of [
        ['developer', developer],
        ['free', developer],
        ['workforce', workforce],
      ] as const) {
        const org = new RateLimiter(plan).take(method, path, undefined, 0)!;
        expect(org.headers['X-Rate-Limit-Limit'], `${plan} ${method} ${path}`).toBe(String(limit));
        const mine = new RateLimiter(plan).take(method, path, 'client:x', 0)!;
        expect(mine.headers['X-Rate-Limit-Limit'], `${plan} ${method} ${path}, one caller`).toBe(
          String(Math.floor(limit / 2)),
        );
      }
    },
  );

  it('all custom authorization servers share one bucket, the org server has its own (support.okta.com: How the Rate Limits Work for Authorization Servers)', () => {
    const limiter = new RateLimiter('developer', 2);
    expect(limiter.take('POST', '/oauth2/aus1/v1/token', undefined, 0)!.allowed).toBe(true);
    expect(limiter.take('POST', '/oauth2/default/v1/token', undefined, 0)!.allowed).toBe(true);
    expect(limiter.take('POST', '/oauth2/aus2/v1/token', undefined, 0)!.allowed).toBe(false);
    expect(limiter.take('POST', '/oauth2/v1/token', undefined, 0)!.allowed).toBe(true);
  });

  it('a shortened window (tests only) starts a new bucket each windowMs, with X-Rate-Limit-Reset at its end', () => {
    const limiter = new RateLimiter('developer', 2, 2000);
    expect(limiter.take('GET', '/api/v1/users', undefined, 10_500)!.headers['X-Rate-Limit-Reset']).toBe('12');
    expect(limiter.take('GET', '/api/v1/users', undefined, 11_000)!.allowed).toBe(true);
    expect(limiter.take('GET', '/api/v1/users', undefined, 11_900)!.allowed).toBe(false);
    expect(limiter.take('GET', '/api/v1/users', undefined, 12_000)!.allowed).toBe(true);
  });

  it('the workforce plan allows 600 calls a minute to /api/v1/users (10 a second), 300 for one caller', async () => {
    const org = await startEmulator({ port: 0, rateLimits: 'workforce' });
    try {
      const res = await api(org, 'GET', '/api/v1/users');
      // 600 for the org, 300 for one API token
      expect(res.headers.get('x-rate-limit-limit')).toBe('300');
    } finally {
      await org.stop();
    }
  });
});

describe('token inline hook error (management spec: TokenHookResponse.error; Okta token inline hook reference)', () => {
  let hook: Server;
  let reply: unknown;
  beforeAll(async () => {
    hook = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => hook.close(() => resolve())));

  it('answers 400 server_error with the errorSummary, or "The callback service returned an error." without one', async () => {
    const created = await api(
      emulator,
      'POST',
      '/api/v1/inlineHooks',
      tokenHook(`err-${randomUUID().slice(0, 6)}`, {
        uri: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
        method: 'POST',
        authScheme: { type: 'HEADER', key: 'Authorization', value: 'hook-secret' },
      }),
    );
    expect(created.status).toBe(200);
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken, { inlineHookId: created.body.id });
    const auth = { Authorization: basicAuth(f.clientId, f.clientSecret!) };
    reply = { error: { errorSummary: 'Tenant is suspended' } };
    const withSummary = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: f.scope }, auth);
    expect([withSummary.status, withSummary.body]).toEqual([
      400,
      { error: 'server_error', error_description: 'Tenant is suspended' },
    ]);
    reply = { error: {} };
    const without = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: f.scope }, auth);
    expect([without.status, without.body]).toEqual([
      400,
      { error: 'server_error', error_description: 'The callback service returned an error.' },
    ]);
  });
});

async function dpopProof(
  key: KeyPair,
  jwk: Record<string, unknown>,
  htm: string,
  htu: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({ htm, htu, jti: randomUUID(), ...extra })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .setIssuedAt()
    .sign(key.privateKey);
}

describe('DPoP (developer.okta.com/docs/guides/dpop/nonoktaresourceserver and /oktaresourceserver/; RFC 9449)', () => {
  it('binds the token at the token endpoint (nonce via use_dpop_nonce, replay refused) and demands a proof with htm, htu and ath on management calls', async () => {
    const client = await orgClient(['okta.apps.read'], ['SUPER_ADMIN'], { dpop_bound_access_tokens: true });
    const pair = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(pair.publicKey);
    const tokenUrl = `${emulator.url}/oauth2/v1/token`;
    const first = await orgToken(client, 'okta.apps.read', { DPoP: await dpopProof(pair, jwk, 'POST', tokenUrl) });
    expect([first.status, first.body.error]).toEqual([400, 'use_dpop_nonce']);
    const nonce = first.headers.get('dpop-nonce')!;
    const proof = await dpopProof(pair, jwk, 'POST', tokenUrl, { nonce });
    const issued = await orgToken(client, 'okta.apps.read', { DPoP: proof });
    expect([issued.status, issued.body.token_type]).toEqual([200, 'DPoP']);
    const replayed = await orgToken(client, 'okta.apps.read', { DPoP: proof });
    expect([replayed.status, replayed.body.error]).toEqual([400, 'invalid_dpop_proof']);

    const token: string = issued.body.access_token;
    const ath = createHash('sha256').update(token).digest('base64url');
    const appsUrl = `${emulator.url}/api/v1/apps`;
    const call = (authorization: string, dpop?: string) =>
      fetch(appsUrl, {
        headers: { Authorization: authorization, Accept: 'application/json', ...(dpop ? { DPoP: dpop } : {}) },
      });
    // a bound token as a plain Bearer, or without a proof: refused
    expect((await call(`Bearer ${token}`)).status).toBe(401);
    expect((await call(`DPoP ${token}`)).status).toBe(401);
    // a proof from another key, for another method, or without ath: refused
    const other = await generateKeyPair('ES256', { extractable: true });
    expect(
      (await call(`DPoP ${token}`, await dpopProof(other, await exportJWK(other.publicKey), 'GET', appsUrl, { ath })))
        .status,
    ).toBe(401);
    expect((await call(`DPoP ${token}`, await dpopProof(pair, jwk, 'POST', appsUrl, { ath }))).status).toBe(401);
    const noAth = await call(`DPoP ${token}`, await dpopProof(pair, jwk, 'GET', appsUrl));
    expect(noAth.status).toBe(401);
    expect(noAth.headers.get('www-authenticate')).toContain('invalid_dpop_proof');
    // the right proof works, once
    const good = await dpopProof(pair, jwk, 'GET', appsUrl, { ath });
    expect((await call(`DPoP ${token}`, good)).status).toBe(200);
    expect((await call(`DPoP ${token}`, good)).status).toBe(401);
  });
});

describe('users (management spec: createUser, "Create a user without credentials")', () => {
  it('activate=true without a password makes the user PROVISIONED; with one, ACTIVE', async () => {
    const profile = (login: string) => ({ firstName: 'P', lastName: 'V', email: login, login });
    const provisioned = await api(emulator, 'POST', '/api/v1/users?activate=true', {
      profile: profile('prov@example.com'),
    });
    expect(provisioned.body.status).toBe('PROVISIONED');
    const active = await api(emulator, 'POST', '/api/v1/users?activate=true', {
      profile: profile('act@example.com'),
      credentials: { password: { value: 'c0rrect-Horse-battery' } },
    });
    expect(active.body.status).toBe('ACTIVE');
  });
});

describe('token endpoint statuses (developer.okta.com/docs/reference/api/oidc/#response-properties-2: OAuth error responses)', () => {
  it('answers 401 to "policy evaluation failed" and to multiple client credentials', async () => {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken);
    await api(
      emulator,
      'POST',
      `/api/v1/authorizationServers/${f.authServerId}/policies/${f.policyId}/lifecycle/deactivate`,
    );
    const auth = { Authorization: basicAuth(f.clientId, f.clientSecret!) };
    const noPolicy = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: f.scope }, auth);
    expect([noPolicy.status, noPolicy.body.error]).toEqual([401, 'access_denied']);
    const both = await tokenRequest(
      f.tokenUrl,
      { grant_type: 'client_credentials', scope: f.scope, client_secret: f.clientSecret! },
      auth,
    );
    expect([both.status, both.body.error]).toEqual([401, 'invalid_request']);
  });
});

describe('client assertions (developer.okta.com/docs/reference/api/oidc/#jwt-with-private-key: jti optional, iat not in the future)', () => {
  it('accepts an assertion without jti and refuses one issued in the future', async () => {
    const key = await newRsaKey();
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken, {
      authMethod: 'private_key_jwt',
      jwks: [key.publicJwk],
    });
    const now = Math.floor(Date.now() / 1000);
    const sign = (iat: number, jti?: string) => {
      const jwt = new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: key.kid })
        .setIssuer(f.clientId)
        .setSubject(f.clientId)
        .setAudience(f.tokenUrl)
        .setIssuedAt(iat)
        .setExpirationTime(now + 300);
      return (jti ? jwt.setJti(jti) : jwt).sign(key.privateKey);
    };
    const form = (assertion: string) => ({
      grant_type: 'client_credentials',
      scope: f.scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(await tokenRequest(f.tokenUrl, form(await sign(now))).then((r) => r.status)).toBe(200);
    const future = await tokenRequest(f.tokenUrl, form(await sign(now + 600, randomUUID())));
    expect([future.status, future.body.error]).toEqual([401, 'invalid_client']);
  });
});

describe('org authorization server (developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/)', () => {
  it('issues okta.* scopes only to service apps (401 invalid_application_type_client_credentials)', async () => {
    const web = await orgClient(['okta.apps.read'], ['SUPER_ADMIN'], {}, 'web');
    const res = await orgToken(web, 'okta.apps.read');
    expect([res.status, res.body.error]).toEqual([401, 'invalid_application_type_client_credentials']);
  });

  it('answers 400 consent_required when none of the requested scopes is granted', async () => {
    const client = await orgClient(['okta.apps.read'], ['SUPER_ADMIN']);
    const res = await orgToken(client, 'okta.users.read');
    expect([res.status, res.body]).toEqual([
      400,
      { error: 'consent_required', error_description: 'You are not allowed any of the requested scopes.' },
    ]);
  });
});

describe('the default authorization server and discovery (developer.okta.com/docs/concepts/auth-servers/#default-custom-authorization-server)', () => {
  it('serves /oauth2/default from the start, and its metadata lists only endpoints that exist', async () => {
    const res = await fetch(`${emulator.url}/oauth2/default/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    const doc: any = await res.json();
    expect(doc.issuer).toBe(`${emulator.url}/oauth2/default`);
    for (const field of [
      'authorization_endpoint',
      'userinfo_endpoint',
      'device_authorization_endpoint',
      'registration_endpoint',
      'end_session_endpoint',
    ])
      expect(doc[field]).toBeUndefined();
    expect(doc.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
      'none',
    ]);
    for (const field of ['token_endpoint', 'jwks_uri', 'introspection_endpoint', 'revocation_endpoint']) {
      const path = new URL(doc[field]).pathname;
      const probe = await fetch(`${emulator.url}${path}`, { method: field === 'jwks_uri' ? 'GET' : 'POST' });
      expect(probe.status, field).not.toBe(404);
    }
  });
});

describe('what the emulator cannot do, it says (issue 16: "an error that says so, never a silent difference")', () => {
  it('names itself on a path it does not serve', async () => {
    const missing = await api(emulator, 'GET', '/api/v1/logs');
    expectOktaError(missing, 404, 'E0000007');
    expect(missing.body.errorCauses[0].errorSummary).toMatch(/emulator does not serve this path/);
  });
});

describe('client_secret_jwt (developer.okta.com/docs/api/openapi/okta-oauth/guides/client-auth/#jwt-with-shared-key)', () => {
  it("accepts an HMAC assertion signed with the app's active client secret, and refuses one signed with another", async () => {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken);
    const app = (await api(emulator, 'GET', `/api/v1/apps/${f.appId}`)).body;
    app.credentials.oauthClient.token_endpoint_auth_method = 'client_secret_jwt';
    expect((await api(emulator, 'PUT', `/api/v1/apps/${f.appId}`, app)).status).toBe(200);
    // Okta: a shared-key JWT needs a client secret of at least 32 characters.
    expect(f.clientSecret!.length).toBeGreaterThanOrEqual(32);
    const now = Math.floor(Date.now() / 1000);
    const assertion = (secret: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(f.clientId)
        .setSubject(f.clientId)
        .setAudience(f.tokenUrl)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .setJti(randomUUID())
        .sign(new TextEncoder().encode(secret));
    const form = async (secret: string) => ({
      grant_type: 'client_credentials',
      scope: f.scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(secret),
    });
    const ok = await tokenRequest(f.tokenUrl, await form(f.clientSecret!));
    expect([ok.status, ok.body.token_type]).toEqual([200, 'Bearer']);
    const wrong = await tokenRequest(f.tokenUrl, await form('W'.repeat(40)));
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
  });
});

describe('control endpoints (issue 15 item 9: no cross-site requests, no DNS rebinding)', () => {
  const raw = (path: string, method: string, headers: Record<string, string>, body?: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(path, emulator.url);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });

  it('accepts application/json from a loopback Host, and refuses text/plain, a foreign Host or a foreign Origin', async () => {
    const body = JSON.stringify({ latencyMs: 0 });
    const host = new URL(emulator.url).host;
    expect(await raw('/__emulator/faults', 'POST', { Host: host, 'Content-Type': 'application/json' }, body)).toBe(200);
    expect(await raw('/__emulator/faults', 'POST', { Host: host, 'Content-Type': 'text/plain' }, body)).toBe(403);
    expect(
      await raw(
        '/__emulator/faults',
        'POST',
        { Host: `attacker.example:${new URL(emulator.url).port}`, 'Content-Type': 'application/json' },
        body,
      ),
    ).toBe(403);
    expect(
      await raw(
        '/__emulator/faults',
        'POST',
        { Host: host, Origin: 'http://attacker.example', 'Content-Type': 'application/json' },
        body,
      ),
    ).toBe(403);
    expect(await raw('/__emulator/requests', 'GET', { Host: 'rebound.example' })).toBe(403);
  });
});
