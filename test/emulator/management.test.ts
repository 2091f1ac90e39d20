import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { api, expectOktaError, serviceApp, tokenHook, useOktaEmulator } from '../support/index.js';
import { authServer } from '../support/okta-objects.js';

let emulator: EmulatorHandle;

// Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): one generous limit, headers still sent.
useOktaEmulator((started) => (emulator = started), { rateLimits: 'developer', rateLimitPerMinute: 100_000 });

describe('apps', () => {
  it('creates a service app and reveals the secret only in the create response', async () => {
    const created = await api(emulator, 'POST', '/api/v1/apps', serviceApp('svc-create'));
    expect(created.status).toBe(200);
    const app = created.body;
    expect(app.id).toMatch(/^0oa[A-Za-z0-9]{17}$/);
    expect(app.status).toBe('ACTIVE');
    expect(app.signOnMode).toBe('OPENID_CONNECT');
    expect(app.credentials.oauthClient.client_id).toBe(app.id);
    expect(app.credentials.oauthClient.client_secret).toMatch(/^.{40,}$/);
    expect(app.settings.oauthClient.grant_types).toEqual(['client_credentials']);
    expect(app._links.self.href).toBe(`${emulator.url}/api/v1/apps/${app.id}`);

    const fetched = await api(emulator, 'GET', `/api/v1/apps/${app.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.credentials.oauthClient.client_secret).toBeUndefined();
    expect(fetched.body.label).toBe('svc-create');

    const secrets = await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/secrets`);
    expect(secrets.body).toHaveLength(1);
    expect(secrets.body[0].client_secret).toBe(`***${app.credentials.oauthClient.client_secret.slice(-4)}`);
  });

  it('validates apps like Okta', async () => {
    expectOktaError(await api(emulator, 'POST', '/api/v1/apps', { ...serviceApp(''), label: '' }), 400, 'E0000001');
    expectOktaError(
      await api(emulator, 'POST', '/api/v1/apps', serviceApp('no-keys', 'private_key_jwt')),
      400,
      'E0000001',
    );
    const badGrant = serviceApp('bad-grant');
    badGrant.settings.oauthClient.grant_types = ['authorization_code'];
    const res = await api(emulator, 'POST', '/api/v1/apps', badGrant);
    expectOktaError(res, 400, 'E0000001');
    expect(res.body.errorSummary).toBe('Api validation failed: grant_types');
    expect(res.body.errorCauses[0].errorSummary).toContain('authorization_code');
    expectOktaError(await api(emulator, 'POST', '/api/v1/apps', '{not json'), 400, 'E0000003');
    // A second active OIDC client with the same label is refused.
    await api(emulator, 'POST', '/api/v1/apps', serviceApp('same-label'));
    expectOktaError(await api(emulator, 'POST', '/api/v1/apps', serviceApp('same-label')), 400, 'E0000001');
    const inactive = await api(emulator, 'POST', '/api/v1/apps?activate=false', serviceApp('same-label'));
    expect(inactive.status).toBe(200);
    expect(inactive.body.status).toBe('INACTIVE');
  });

  it('lists with q prefix match, limit and Link pagination', async () => {
    for (let i = 0; i < 5; i++) await api(emulator, 'POST', '/api/v1/apps', serviceApp(`page-app-${i}`));
    const first = await api(emulator, 'GET', '/api/v1/apps?q=page-app&limit=2');
    expect(first.body.map((a: any) => a.label)).toEqual(['page-app-0', 'page-app-1']);
    const link = first.headers.get('link')!;
    expect(link).toContain(`<${emulator.url}/api/v1/apps?q=page-app&limit=2>; rel="self"`);
    const next = /<([^>]+)>; rel="next"/.exec(link)![1]!;
    expect(new URL(next).searchParams.get('after')).toBe(first.body[1].id);
    const labels: string[] = first.body.map((a: any) => a.label);
    let url: string | undefined = next;
    while (url) {
      const page: { headers: Headers; body: any } = await api(emulator, 'GET', url.slice(emulator.url.length));
      labels.push(...page.body.map((a: any) => a.label));
      url = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    }
    expect(labels).toEqual(['page-app-0', 'page-app-1', 'page-app-2', 'page-app-3', 'page-app-4']);
    const none = await api(emulator, 'GET', '/api/v1/apps?q=zzz-nothing');
    expect(none.body).toEqual([]);
    expect(none.headers.get('link')).not.toContain('rel="next"');
  });

  it('filters only on the properties Okta supports', async () => {
    const created = (await api(emulator, 'POST', '/api/v1/apps?activate=false', serviceApp('filter-me'))).body;
    const inactive = await api(emulator, 'GET', `/api/v1/apps?filter=${encodeURIComponent('status eq "INACTIVE"')}`);
    expect(inactive.body.map((a: any) => a.id)).toContain(created.id);
    expect(inactive.body.every((a: any) => a.status === 'INACTIVE')).toBe(true);
    const byId = await api(emulator, 'GET', `/api/v1/apps?filter=${encodeURIComponent(`id eq "${created.id}"`)}`);
    expect(byId.body.map((a: any) => a.id)).toEqual([created.id]);
    expectOktaError(
      await api(
        emulator,
        'GET',
        `/api/v1/apps?filter=${encodeURIComponent(`credentials.oauthClient.client_id eq "${created.id}"`)}`,
      ),
      400,
      'E0000001',
    );
    expectOktaError(
      await api(emulator, 'GET', `/api/v1/apps?filter=${encodeURIComponent('label lt 3')}`),
      400,
      'E0000001',
    );
  });

  it('replaces, deactivates and deletes only inactive apps', async () => {
    const app = (await api(emulator, 'POST', '/api/v1/apps', serviceApp('lifecycle'))).body;
    const replaced = await api(emulator, 'PUT', `/api/v1/apps/${app.id}`, {
      ...serviceApp('lifecycle-renamed', 'client_secret_post'),
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.label).toBe('lifecycle-renamed');
    expect(replaced.body.credentials.oauthClient.token_endpoint_auth_method).toBe('client_secret_post');
    const forbidden = await api(emulator, 'DELETE', `/api/v1/apps/${app.id}`);
    expectOktaError(forbidden, 403, 'E0000056');
    expect((await api(emulator, 'POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`)).body).toEqual({});
    expect((await api(emulator, 'DELETE', `/api/v1/apps/${app.id}`)).status).toBe(204);
    expectOktaError(await api(emulator, 'GET', `/api/v1/apps/${app.id}`), 404, 'E0000007');
  });

  it('manages client secrets: create, at most two, deactivate, delete inactive only', async () => {
    const app = (await api(emulator, 'POST', '/api/v1/apps', serviceApp('secrets'))).body;
    const base = `/api/v1/apps/${app.id}/credentials/secrets`;
    const second = await api(emulator, 'POST', base, {});
    expect(second.status).toBe(201);
    expect(second.body.client_secret).toHaveLength(64);
    expectOktaError(await api(emulator, 'POST', base, {}), 400, 'E0000001');
    expectOktaError(await api(emulator, 'DELETE', `${base}/${second.body.id}`), 400, 'E0000001');
    const deactivated = await api(emulator, 'POST', `${base}/${second.body.id}/lifecycle/deactivate`);
    expect(deactivated.body.status).toBe('INACTIVE');
    const [first] = (await api(emulator, 'GET', base)).body;
    expectOktaError(await api(emulator, 'POST', `${base}/${first.id}/lifecycle/deactivate`), 400, 'E0000001');
    expect((await api(emulator, 'DELETE', `${base}/${second.body.id}`)).status).toBe(204);
    expectOktaError(await api(emulator, 'POST', base, { client_secret: 'short' }), 400, 'E0000001');
  });
});

describe('authorization servers, scopes, claims, policies, rules', () => {
  it('creates a server with issuer, signing key and system scopes', async () => {
    const res = await api(emulator, 'POST', '/api/v1/authorizationServers', {
      name: 'as-one',
      description: 'd',
      audiences: ['api://one'],
    });
    expect(res.status).toBe(201);
    const server = res.body;
    expect(server.id).toMatch(/^aus/);
    expect(server.issuer).toBe(`${emulator.url}/oauth2/${server.id}`);
    expect(server.status).toBe('ACTIVE');
    expect(server.credentials.signing.kid).toBeTruthy();
    const keys = await api(emulator, 'GET', `/api/v1/authorizationServers/${server.id}/credentials/keys`);
    expect(keys.body[0]).toMatchObject({
      kid: server.credentials.signing.kid,
      status: 'ACTIVE',
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
    });
    expect(keys.body[0].d).toBeUndefined();
    const scopes = await api(emulator, 'GET', `/api/v1/authorizationServers/${server.id}/scopes`);
    expect(scopes.body.map((s: any) => s.name)).toContain('openid');
    expectOktaError(
      await api(emulator, 'POST', '/api/v1/authorizationServers', { name: 'as-one', audiences: ['api://x'] }),
      400,
      'E0000001',
    );
    expectOktaError(
      await api(emulator, 'POST', '/api/v1/authorizationServers', { name: 'as-no-aud' }),
      400,
      'E0000001',
    );
    expect((await api(emulator, 'POST', `/api/v1/authorizationServers/${server.id}/lifecycle/deactivate`)).status).toBe(
      204,
    );
    expect((await api(emulator, 'GET', `/api/v1/authorizationServers/${server.id}`)).body.status).toBe('INACTIVE');
    const rotated = await api(
      emulator,
      'POST',
      `/api/v1/authorizationServers/${server.id}/credentials/lifecycle/keyRotate`,
      { use: 'sig' },
    );
    expect(rotated.body.map((k: any) => k.status)).toEqual(['ACTIVE', 'NEXT', 'EXPIRED']);
    expect((await api(emulator, 'DELETE', `/api/v1/authorizationServers/${server.id}`)).status).toBe(204);
    expectOktaError(await api(emulator, 'GET', `/api/v1/authorizationServers/${server.id}`), 404, 'E0000007');
  });

  it('manages scopes with default and metadataPublish, and rejects duplicates', async () => {
    const server = await authServer(emulator, 'as-scopes', 'api://s');
    const base = `/api/v1/authorizationServers/${server.id}/scopes`;
    const scope = await api(emulator, 'POST', base, {
      name: 'orders.read',
      default: true,
      metadataPublish: 'ALL_CLIENTS',
    });
    expect(scope.status).toBe(201);
    expect(scope.body).toMatchObject({
      name: 'orders.read',
      default: true,
      metadataPublish: 'ALL_CLIENTS',
      system: false,
      consent: 'IMPLICIT',
    });
    expectOktaError(await api(emulator, 'POST', base, { name: 'orders.read' }), 400, 'E0000001');
    const updated = await api(emulator, 'PUT', `${base}/${scope.body.id}`, { name: 'orders.read', default: false });
    expect(updated.body.default).toBe(false);
    const openid = (await api(emulator, 'GET', base)).body.find((s: any) => s.name === 'openid');
    expectOktaError(await api(emulator, 'DELETE', `${base}/${openid.id}`), 400, 'E0000001');
    expect((await api(emulator, 'DELETE', `${base}/${scope.body.id}`)).status).toBe(204);
    const claim = await api(emulator, 'POST', `/api/v1/authorizationServers/${server.id}/claims`, {
      name: 'tenant',
      claimType: 'RESOURCE',
      valueType: 'EXPRESSION',
      value: '"acme"',
    });
    expect(claim.status).toBe(201);
    expectOktaError(
      await api(emulator, 'POST', `/api/v1/authorizationServers/${server.id}/claims`, { name: 'sub', value: '"x"' }),
      400,
      'E0000001',
    );
  });

  it('renumbers policy and rule priorities contiguously', async () => {
    const server = await authServer(emulator, 'as-prio', 'api://p');
    const base = `/api/v1/authorizationServers/${server.id}/policies`;
    const policy = (n: string, priority?: number) => ({
      type: 'OAUTH_AUTHORIZATION_POLICY',
      name: n,
      description: n,
      priority,
      conditions: { clients: { include: ['ALL_CLIENTS'] } },
    });
    const a = (await api(emulator, 'POST', base, policy('a', 5))).body;
    expect(a.priority).toBe(1);
    const b = (await api(emulator, 'POST', base, policy('b'))).body;
    expect(b.priority).toBe(2);
    const c = (await api(emulator, 'POST', base, policy('c', 1))).body;
    expect(c.priority).toBe(1);
    const list = (await api(emulator, 'GET', base)).body;
    expect(list.map((p: any) => [p.name, p.priority])).toEqual([
      ['c', 1],
      ['a', 2],
      ['b', 3],
    ]);
    await api(emulator, 'DELETE', `${base}/${a.id}`);
    expect((await api(emulator, 'GET', base)).body.map((p: any) => [p.name, p.priority])).toEqual([
      ['c', 1],
      ['b', 2],
    ]);
    expectOktaError(
      await api(emulator, 'POST', base, { ...policy('no-desc'), description: undefined }),
      400,
      'E0000001',
    );
    expectOktaError(
      await api(emulator, 'POST', base, { ...policy('bad-client'), conditions: { clients: { include: ['0oanope'] } } }),
      400,
      'E0000001',
    );

    const rules = `${base}/${b.id}/rules`;
    const rule = (n: string, priority?: number) => ({
      type: 'RESOURCE_ACCESS',
      name: n,
      priority,
      conditions: {
        grantTypes: { include: ['client_credentials'] },
        scopes: { include: ['*'] },
        people: { groups: { include: ['EVERYONE'] } },
      },
      actions: { token: { accessTokenLifetimeMinutes: 30 } },
    });
    const r1 = (await api(emulator, 'POST', rules, rule('r1'))).body;
    expect(r1).toMatchObject({
      priority: 1,
      status: 'ACTIVE',
      actions: {
        token: { accessTokenLifetimeMinutes: 30, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 },
      },
    });
    await api(emulator, 'POST', rules, rule('r2', 1));
    expect((await api(emulator, 'GET', rules)).body.map((r: any) => [r.name, r.priority])).toEqual([
      ['r2', 1],
      ['r1', 2],
    ]);
    expectOktaError(
      await api(emulator, 'POST', rules, { ...rule('bad'), conditions: { scopes: { include: ['*'] } } }),
      400,
      'E0000001',
    );
    expectOktaError(
      await api(emulator, 'POST', rules, {
        ...rule('bad-hook'),
        actions: { token: { inlineHook: { id: 'calnope' } } },
      }),
      400,
      'E0000001',
    );
    expectOktaError(
      await api(emulator, 'POST', rules, {
        ...rule('bad-lifetime'),
        actions: { token: { accessTokenLifetimeMinutes: 2 } },
      }),
      400,
      'E0000001',
    );
    expect((await api(emulator, 'POST', `${rules}/${r1.id}/lifecycle/deactivate`)).status).toBe(204);
    expect((await api(emulator, 'GET', `${rules}/${r1.id}`)).body.status).toBe('INACTIVE');
  });
});

describe('inline hooks', () => {
  it('never returns the auth value and lowercases the scheme type and key', async () => {
    const created = await api(
      emulator,
      'POST',
      '/api/v1/inlineHooks',
      tokenHook('token hook', {
        uri: 'https://hooks.example.com/token',
        headers: [{ key: 'X-Extra', value: 'v' }],
        authScheme: { type: 'HEADER', key: 'Authorization', value: 'shared-secret' },
      }),
    );
    expect(created.status).toBe(200);
    expect(created.body.status).toBe('ACTIVE');
    expect(created.body.channel.config.authScheme).toEqual({ type: 'header', key: 'authorization' });
    expect(JSON.stringify(created.body)).not.toContain('shared-secret');
    const id = created.body.id;
    expect(JSON.stringify((await api(emulator, 'GET', `/api/v1/inlineHooks/${id}`)).body)).not.toContain(
      'shared-secret',
    );
    expectOktaError(await api(emulator, 'DELETE', `/api/v1/inlineHooks/${id}`), 400, 'E0000001');
    expect((await api(emulator, 'POST', `/api/v1/inlineHooks/${id}/lifecycle/deactivate`)).body.status).toBe(
      'INACTIVE',
    );
    expect((await api(emulator, 'DELETE', `/api/v1/inlineHooks/${id}`)).status).toBe(204);
    expectOktaError(
      await api(emulator, 'POST', '/api/v1/inlineHooks', {
        name: 'x',
        type: 'com.okta.oauth2.tokens.transform',
        channel: { type: 'HTTP', config: { uri: 'http://example.com/hook' } },
      }),
      400,
      'E0000001',
    );
  });
});

describe('auth, errors and headers', () => {
  it('rejects missing and wrong API tokens with 401 E0000011', async () => {
    expectOktaError(await api(emulator, 'GET', '/api/v1/apps', undefined, null), 401, 'E0000011');
    expectOktaError(await api(emulator, 'GET', '/api/v1/apps', undefined, 'SSWS wrong'), 401, 'E0000011');
    expectOktaError(await api(emulator, 'GET', '/api/v1/apps', undefined, 'Bearer not-a-jwt'), 401, 'E0000011');
  });

  it('answers unknown paths with 404 E0000007 and wrong methods with 405', async () => {
    expectOktaError(await api(emulator, 'GET', '/api/v1/nothing-here'), 404, 'E0000007');
    expectOktaError(await api(emulator, 'PATCH', '/api/v1/apps'), 405, 'E0000022');
  });

  it('sends X-Okta-Request-Id and X-Rate-Limit headers on every response', async () => {
    const ok = await api(emulator, 'GET', '/api/v1/apps');
    const failed = await api(emulator, 'GET', '/api/v1/apps/0oanotthere000000000');
    for (const res of [ok, failed]) {
      expect(res.headers.get('x-okta-request-id')).toMatch(/^[A-Za-z0-9]{20,}$/);
      expect(Number(res.headers.get('x-rate-limit-limit'))).toBeGreaterThan(0);
      expect(Number(res.headers.get('x-rate-limit-remaining'))).toBeGreaterThanOrEqual(0);
      const reset = Number(res.headers.get('x-rate-limit-reset'));
      expect(reset).toBeGreaterThan(Date.now() / 1000);
      expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 61);
    }
    expect(ok.headers.get('x-okta-request-id')).not.toBe(failed.headers.get('x-okta-request-id'));
  });

  it('logs method, path, status and time but never secrets or bodies', async () => {
    emulator.clearRequestLog();
    const app = (await api(emulator, 'POST', '/api/v1/apps', serviceApp('logged'))).body;
    await api(emulator, 'GET', `/api/v1/apps?q=logged&limit=1&client_secret=oops`);
    const log = emulator.requestLog;
    expect(log.map((e) => [e.method, e.path, e.status])).toEqual([
      ['POST', '/api/v1/apps', 200],
      ['GET', '/api/v1/apps?q=logged&limit=1', 200],
    ]);
    expect(typeof log[0]!.time).toBe('string');
    const serialized = JSON.stringify(log);
    expect(serialized).not.toContain(app.credentials.oauthClient.client_secret);
    expect(serialized).not.toContain(emulator.adminToken);
    expect(serialized).not.toContain('oops');
    const viaHttp = await fetch(`${emulator.url}/__emulator/requests`).then((r) => r.json());
    expect(viaHttp).toHaveLength(2);
    await fetch(`${emulator.url}/__emulator/requests`, { method: 'DELETE' });
    expect(emulator.requestLog).toHaveLength(0);
    const summary: any = await fetch(`${emulator.url}/__emulator/state`).then((r) => r.json());
    expect(summary.apps).toBeGreaterThan(0);
  });
});
