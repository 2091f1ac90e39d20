import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { api, newRsaKey, serviceApp, tokenHook, type TestKey, useOktaEmulator } from '../support/index.js';

let emulator: EmulatorHandle;

/** The options the CLI uses: no response cache (it would serve stale reads after writes), retries on 429 only. */
function sswsClient(maxRetries = 0): Client {
  return new Client({
    orgUrl: emulator.url,
    token: emulator.adminToken,
    cacheMiddleware: null,
    requestExecutor: new DefaultRequestExecutor({ maxRetries, requestTimeout: 0 }),
  });
}

async function collect<T>(collection: { each(cb: (item: T) => unknown): Promise<unknown> }): Promise<T[]> {
  const items: T[] = [];
  await collection.each((item) => {
    items.push(item);
  });
  return items;
}

// Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
useOktaEmulator((started) => (emulator = started));

describe('@okta/okta-sdk-nodejs against the emulator (SSWS)', () => {
  it('creates, reads, lists, replaces and deletes apps', async () => {
    const client = sswsClient();
    const app: any = await client.applicationApi.createApplication({ application: serviceApp('sdk-app') as any });
    expect(app.id).toMatch(/^0oa/);
    expect(app.credentials.oauthClient.client_secret).toBeTruthy();
    const fetched: any = await client.applicationApi.getApplication({ appId: app.id });
    expect(fetched.label).toBe('sdk-app');
    for (let i = 0; i < 3; i++)
      await client.applicationApi.createApplication({ application: serviceApp(`sdk-page-${i}`) as any });
    // limit 1 forces the SDK to follow three Link rel="next" headers.
    const listed: any[] = await collect(await client.applicationApi.listApplications({ q: 'sdk-page', limit: 1 }));
    expect(listed.map((a) => a.label)).toEqual(['sdk-page-0', 'sdk-page-1', 'sdk-page-2']);
    const replaced: any = await client.applicationApi.replaceApplication({
      appId: app.id,
      application: serviceApp('sdk-app-2') as any,
    });
    expect(replaced.label).toBe('sdk-app-2');
    await client.applicationApi.deactivateApplication({ appId: app.id });
    await client.applicationApi.deleteApplication({ appId: app.id });
    const error: any = await client.applicationApi.getApplication({ appId: app.id }).catch((e: unknown) => e);
    expect(error.name).toBe('OktaApiError');
    expect(error.status).toBe(404);
    expect(error.errorCode).toBe('E0000007');
    expect(error.headers.get('x-okta-request-id')).toBeTruthy();
  });

  it('surfaces validation and auth errors as OktaApiError', async () => {
    const client = sswsClient();
    const invalid: any = await client.applicationApi
      .createApplication({ application: { ...serviceApp(''), label: '' } as any })
      .catch((e: unknown) => e);
    expect([invalid.name, invalid.status, invalid.errorCode]).toEqual(['OktaApiError', 400, 'E0000001']);
    expect(invalid.errorCauses[0].errorSummary).toContain('label');
    const wrongToken = new Client({ orgUrl: emulator.url, token: 'wrong', cacheMiddleware: null });
    const unauthorized: any = await wrongToken.applicationApi.getApplication({ appId: 'x' }).catch((e: unknown) => e);
    expect([unauthorized.status, unauthorized.errorCode]).toEqual([401, 'E0000011']);
  });

  it('manages authorization servers, scopes, claims, policies, rules and keys', async () => {
    const client = sswsClient();
    const asApi = client.authorizationServerApi;
    const server: any = await asApi.createAuthorizationServer({
      authorizationServer: { name: 'sdk-as', description: 'd', audiences: ['api://sdk'] },
    });
    expect(server.issuer).toBe(`${emulator.url}/oauth2/${server.id}`);
    const scope: any = await asApi.createOAuth2Scope({
      authServerId: server.id,
      oAuth2Scope: { name: 'sdk.read', default: false, metadataPublish: 'ALL_CLIENTS' } as any,
    });
    expect(scope.name).toBe('sdk.read');
    const scopes: any[] = await collect(await asApi.listOAuth2Scopes({ authServerId: server.id }));
    expect(scopes.map((s) => s.name)).toContain('sdk.read');
    const claim: any = await asApi.createOAuth2Claim({
      authServerId: server.id,
      oAuth2Claim: { name: 'tenant', claimType: 'RESOURCE', valueType: 'EXPRESSION', value: '"x"' } as any,
    });
    expect(claim.id).toBeTruthy();
    const policy: any = await asApi.createAuthorizationServerPolicy({
      authServerId: server.id,
      policy: {
        type: 'OAUTH_AUTHORIZATION_POLICY',
        name: 'p',
        description: 'p',
        priority: 1,
        conditions: { clients: { include: ['ALL_CLIENTS'] } },
      } as any,
    });
    const rule: any = await asApi.createAuthorizationServerPolicyRule({
      authServerId: server.id,
      policyId: policy.id,
      policyRule: {
        type: 'RESOURCE_ACCESS',
        name: 'r',
        priority: 1,
        conditions: {
          grantTypes: { include: ['client_credentials'] },
          scopes: { include: ['sdk.read'] },
          people: { groups: { include: ['EVERYONE'] } },
        },
        actions: { token: { accessTokenLifetimeMinutes: 20 } },
      } as any,
    });
    expect(rule.actions.token.accessTokenLifetimeMinutes).toBe(20);
    const rules: any[] = await collect(
      await asApi.listAuthorizationServerPolicyRules({ authServerId: server.id, policyId: policy.id }),
    );
    expect(rules).toHaveLength(1);
    const keys: any[] = await collect(await asApi.listAuthorizationServerKeys({ authServerId: server.id }));
    expect(keys[0].status).toBe('ACTIVE');
    await asApi.deactivateAuthorizationServer({ authServerId: server.id });
    await asApi.activateAuthorizationServer({ authServerId: server.id });
    const servers: any[] = await collect(await asApi.listAuthorizationServers({ q: 'sdk-as' }));
    expect(servers.map((s) => s.id)).toEqual([server.id]);
  });

  it('manages inline hooks', async () => {
    const client = sswsClient();
    const hook: any = await client.inlineHookApi.createInlineHook({
      inlineHook: tokenHook('sdk-hook', {
        uri: 'https://hook.example.com',
        method: 'POST',
        authScheme: { type: 'HEADER', key: 'Authorization', value: 'sdk-secret' },
      }) as any,
    });
    expect(hook.channel.config.authScheme).toMatchObject({ type: 'header', key: 'authorization' });
    expect(hook.channel.config.authScheme.value).toBeUndefined();
    const hooks: any[] = await collect(
      await client.inlineHookApi.listInlineHooks({ type: 'com.okta.oauth2.tokens.transform' }),
    );
    expect(hooks.map((h) => h.id)).toContain(hook.id);
    await client.inlineHookApi.deactivateInlineHook({ inlineHookId: hook.id });
    await client.inlineHookApi.deleteInlineHook({ inlineHookId: hook.id });
  });

  it('manages users, groups and membership', async () => {
    const client = sswsClient();
    const user: any = await client.userApi.createUser({
      body: { profile: { firstName: 'Ada', lastName: 'L', email: 'ada@example.com', login: 'ada@example.com' } },
      activate: false,
    });
    expect(user.status).toBe('STAGED');
    const byLogin: any = await client.userApi.getUser({ userId: 'ada@example.com' });
    expect(byLogin.id).toBe(user.id);
    const found: any[] = await collect(
      await client.userApi.listUsers({ search: 'profile.login eq "ada@example.com"' }),
    );
    expect(found.map((u) => u.id)).toEqual([user.id]);
    const group: any = await client.groupApi.createGroup({
      group: { profile: { name: 'sdk-group', description: 'g' } },
    });
    await client.groupApi.assignUserToGroup({ groupId: group.id, userId: user.id });
    const members: any[] = await collect(await client.groupApi.listGroupUsers({ groupId: group.id }));
    expect(members.map((m) => m.id)).toEqual([user.id]);
    await client.groupApi.unassignUserFromGroup({ groupId: group.id, userId: user.id });
    expect(await collect(await client.groupApi.listGroupUsers({ groupId: group.id }))).toEqual([]);
    const groups: any[] = await collect(await client.groupApi.listGroups({ q: 'sdk-gr' }));
    expect(groups.map((g) => g.id)).toEqual([group.id]);
  });

  it("documents the SDK's default response cache: lifecycle calls invalidate, a key rotation does not", async () => {
    const cached = new Client({
      orgUrl: emulator.url,
      token: emulator.adminToken,
      requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 0 }),
    });
    const app: any = await cached.applicationApi.createApplication({ application: serviceApp('sdk-cache') as any });
    expect(((await cached.applicationApi.getApplication({ appId: app.id })) as any).status).toBe('ACTIVE');
    await cached.applicationApi.deactivateApplication({ appId: app.id });
    expect(((await cached.applicationApi.getApplication({ appId: app.id })) as any).status).toBe('INACTIVE');

    const server: any = await cached.authorizationServerApi.createAuthorizationServer({
      authorizationServer: { name: 'sdk-cache-as', description: 'd', audiences: ['api://c'] },
    });
    const before: any = await cached.authorizationServerApi.getAuthorizationServer({ authServerId: server.id });
    // Collection-returning SDK methods are lazy: the POST is only sent when the result is iterated.
    await collect(
      await cached.authorizationServerApi.rotateAuthorizationServerKeys({
        authServerId: server.id,
        use: { use: 'sig' } as any,
      }),
    );
    const cachedAfter: any = await cached.authorizationServerApi.getAuthorizationServer({ authServerId: server.id });
    const freshAfter: any = await sswsClient().authorizationServerApi.getAuthorizationServer({
      authServerId: server.id,
    });
    expect(freshAfter.credentials.signing.kid).not.toBe(before.credentials.signing.kid);
    // The cached client still sees the old kid: this is why the CLI builds its client with cacheMiddleware: null.
    expect(cachedAfter.credentials.signing.kid).toBe(before.credentials.signing.kid);
  });

  it('retries a 429 using X-Rate-Limit-Reset when the executor allows retries', async () => {
    const client = sswsClient(1);
    emulator.setFaults({ faultSchedule: { 1: '429' } });
    const started = Date.now();
    const apps: any[] = await collect(await client.applicationApi.listApplications({ limit: 1 }));
    expect(apps.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThan(900);
    const log = emulator.requestLog.slice(-apps.length - 1);
    expect(log[0]).toMatchObject({ status: 429, fault: '429' });
    emulator.clearFaults();
  });
});

describe('@okta/okta-sdk-nodejs with authorizationMode PrivateKey (OAuth for Okta)', () => {
  let key: TestKey;
  let clientId: string;

  beforeAll(async () => {
    key = await newRsaKey();
    const app = (
      await api(emulator, 'POST', '/api/v1/apps', serviceApp('oauth-for-okta', 'private_key_jwt', [key.publicJwk]))
    ).body;
    clientId = app.credentials.oauthClient.client_id;
    for (const scopeId of ['okta.apps.read', 'okta.users.manage']) {
      const grant = await api(emulator, 'POST', `/api/v1/apps/${app.id}/grants`, { issuer: emulator.url, scopeId });
      expect(grant.status).toBe(201);
      expect(grant.body).toMatchObject({ scopeId, issuer: emulator.url, status: 'ACTIVE', source: 'ADMIN', clientId });
    }
    const role = await api(emulator, 'POST', `/oauth2/v1/clients/${clientId}/roles`, { type: 'SUPER_ADMIN' });
    expect(role.body).toMatchObject({ type: 'SUPER_ADMIN', status: 'ACTIVE', assignmentType: 'CLIENT' });
  });

  it('refuses OAuth calls from a service app without an admin role (403 E0000006), and limits read-only admins', async () => {
    const roleless = await newRsaKey();
    const app = (
      await api(emulator, 'POST', '/api/v1/apps', serviceApp('no-role', 'private_key_jwt', [roleless.publicJwk]))
    ).body;
    await api(emulator, 'POST', `/api/v1/apps/${app.id}/grants`, {
      issuer: emulator.url,
      scopeId: 'okta.users.manage',
    });
    const client = new Client({
      orgUrl: emulator.url,
      authorizationMode: 'PrivateKey',
      clientId: app.id,
      scopes: 'okta.users.manage',
      privateKey: roleless.privateJwk,
      keyId: roleless.kid,
      cacheMiddleware: null,
    } as any);
    const denied: any = await collect(await client.userApi.listUsers({})).catch((e: unknown) => e);
    expect([denied.status, denied.errorCode]).toEqual([403, 'E0000006']);
    const readOnly = await api(emulator, 'POST', `/oauth2/v1/clients/${app.id}/roles`, { type: 'READ_ONLY_ADMIN' });
    expect((await collect(await client.userApi.listUsers({}))).length).toBeGreaterThanOrEqual(0);
    const write: any = await client.userApi
      .createUser({
        body: { profile: { firstName: 'R', lastName: 'O', email: 'ro@example.com', login: 'ro@example.com' } } as any,
      })
      .catch((e: unknown) => e);
    expect([write.status, write.errorCode]).toEqual([403, 'E0000006']);
    expect((await api(emulator, 'GET', `/oauth2/v1/clients/${app.id}/roles`)).body.map((r: any) => r.type)).toEqual([
      'READ_ONLY_ADMIN',
    ]);
    expect((await api(emulator, 'DELETE', `/oauth2/v1/clients/${app.id}/roles/${readOnly.body.id}`)).status).toBe(204);
  });

  function oauthClient(scopes: string, privateKey: unknown = key.privateJwk): Client {
    return new Client({
      orgUrl: emulator.url,
      authorizationMode: 'PrivateKey',
      clientId,
      scopes,
      privateKey,
      keyId: key.kid,
      cacheMiddleware: null,
      requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 0 }),
    } as any);
  }

  it('gets a token from the org authorization server (with the DPoP header the SDK always sends) and calls the API', async () => {
    const client = oauthClient('okta.apps.read okta.users.manage');
    const apps: any[] = await collect(await client.applicationApi.listApplications({ q: 'oauth-for-okta' }));
    expect(apps.map((a) => a.label)).toEqual(['oauth-for-okta']);
    const user: any = await client.userApi.createUser({
      body: { profile: { firstName: 'O', lastName: 'K', email: 'ok@example.com', login: 'ok@example.com' } },
    });
    // Okta createUser: activate (the default) without a password leaves the user PROVISIONED.
    expect(user.status).toBe('PROVISIONED');
    const tokenCalls = emulator.requestLog.filter((e) => e.path === '/oauth2/v1/token');
    expect(tokenCalls.at(-1)?.status).toBe(200);
  });

  it('answers a call outside the granted scopes with 403 and WWW-Authenticate insufficient_scope', async () => {
    const client = oauthClient('okta.apps.read');
    const error: any = await client.userApi.getUser({ userId: 'ok@example.com' }).catch((e: unknown) => e);
    expect(error.status).toBe(403);
    expect(error.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(error.headers.get('www-authenticate')).toContain('scope="okta.users.read"');
  });

  it('drops requested scopes that were never granted and fails when none is left', async () => {
    const partial = oauthClient('okta.apps.read okta.groups.read');
    await collect(await partial.applicationApi.listApplications({ q: 'oauth-for-okta' }));
    const groupsError: any = await partial.groupApi.getGroup({ groupId: '00gnothing' }).catch((e: unknown) => e);
    expect(groupsError.status).toBe(403);
    emulator.clearRequestLog();
    const none = oauthClient('okta.groups.read');
    const error: any = await none.applicationApi.getApplication({ appId: 'x' }).catch((e: unknown) => e);
    // The org server answers 400 invalid_scope, but SDK 8.1's oauth.js calls an undefined Http.errorFilter,
    // so it sends "Bearer undefined" and the caller only sees the API's 401 E0000011.
    expect(emulator.requestLog.find((e) => e.path === '/oauth2/v1/token')?.status).toBe(400);
    expect([error.status, error.errorCode]).toEqual([401, 'E0000011']);
  });

  it('follows the DPoP nonce dance for an app that demands DPoP-bound tokens', async () => {
    const dpopKey = await newRsaKey();
    const app = (
      await api(emulator, 'POST', '/api/v1/apps', serviceApp('dpop-app', 'private_key_jwt', [dpopKey.publicJwk]))
    ).body;
    app.settings.oauthClient.dpop_bound_access_tokens = true;
    expect((await api(emulator, 'PUT', `/api/v1/apps/${app.id}`, app)).status).toBe(200);
    await api(emulator, 'POST', `/api/v1/apps/${app.id}/grants`, { issuer: emulator.url, scopeId: 'okta.apps.read' });
    await api(emulator, 'POST', `/oauth2/v1/clients/${app.id}/roles`, { type: 'APP_ADMIN' });
    emulator.clearRequestLog();
    const client = new Client({
      orgUrl: emulator.url,
      authorizationMode: 'PrivateKey',
      clientId: app.id,
      scopes: 'okta.apps.read',
      privateKey: dpopKey.privateJwk,
      keyId: dpopKey.kid,
      cacheMiddleware: null,
    } as any);
    const apps: any[] = await collect(await client.applicationApi.listApplications({ q: 'dpop-app' }));
    expect(apps.map((a) => a.id)).toEqual([app.id]);
    expect(emulator.requestLog.filter((e) => e.path === '/oauth2/v1/token').map((e) => e.status)).toEqual([400, 200]);
  });

  it('accepts the private key as PEM too', async () => {
    const { createPrivateKey } = await import('node:crypto');
    const pem = createPrivateKey({ key: key.privateJwk, format: 'jwk' })
      .export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const client = oauthClient('okta.apps.read', pem);
    const apps: any[] = await collect(await client.applicationApi.listApplications({ q: 'oauth-for-okta' }));
    expect(apps).toHaveLength(1);
  });
});
