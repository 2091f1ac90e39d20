import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { expect, test } from 'vitest';
import { secretToolLookup } from '../support/index.js';
import {
  auth0Writes,
  clearAuth0Log,
  connectProfile,
  describeWithKeychain,
  limitedManagementApp,
  workspace,
  type Emulators,
  type Workspace,
} from '../support/index.js';
import { useEmulatorsWorkspace } from '../support/suite-workspaces.js';

function tenantSnapshot(emus: Emulators) {
  const store = emus.auth0.tenant.store;
  return {
    resourceServers: [...store.resourceServers.values()].map((r) => r.identifier).sort(),
    clients: [...store.clients.values()].map((c) => c.client_id).sort(),
    grants: [...store.clientGrants.values()]
      .map((g) => `${g.client_id} ${g.audience} ${[...g.scope].sort().join(' ')}`)
      .sort(),
  };
}

describeWithKeychain('auth0 login, init, token get, destroy (built CLI, real keychain, Auth0 emulator)', () => {
  let emus: Emulators;
  let ws: Workspace;
  useEmulatorsWorkspace((made) => ({ emus, ws } = made), { seed: 11 });

  test('login keeps the secret in the keychain, the rest in the profile, and checks the scopes', async () => {
    const { auth0 } = emus;
    const secret = auth0.managementClientSecret;
    const result = await ws.run(
      [
        '--json',
        'auth0',
        'login',
        '--base-url',
        auth0.url,
        '--client-id',
        auth0.managementClientId,
        '--client-secret-stdin',
      ],
      {
        input: `${secret}\n`,
      },
    );
    expect(result.stderr).not.toContain(secret);
    expect(result.stdout).not.toContain(secret);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({
      profile: ws.profile,
      domain: auth0.domain,
      baseUrl: auth0.url,
      clientId: auth0.managementClientId,
      missingScopes: {},
    });
    expect(out.scopes).toEqual(
      expect.arrayContaining([
        'read:users',
        'read:roles',
        'read:role_members',
        'create:clients',
        'delete:client_grants',
      ]),
    );
    expect(await secretToolLookup(`${ws.profile}/auth0-management-secret`)).toBe(secret);
    const profiles = JSON.parse(await readFile(join(ws.dir, 'config', 'profiles.json'), 'utf8'));
    expect(profiles.profiles[ws.profile].auth0).toEqual({
      domain: auth0.domain,
      clientId: auth0.managementClientId,
      baseUrl: auth0.url,
    });
    expect(JSON.stringify(profiles)).not.toContain(secret);
  });

  test('init creates the API, the M2M app and the grant; a re-run writes nothing; token get works; destroy undoes it', async () => {
    const { auth0 } = emus;
    const before = tenantSnapshot(emus);
    const audience = 'https://api.example.com/orders';
    const flags = ['--name', 'orders-api', '--audience', audience, '--scope', 'orders:read,orders:write'];

    clearAuth0Log(auth0);
    const dry = await ws.run(['--json', 'auth0', 'init', ...flags, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan.changed).toBe(true);
    expect(plan.items.map((i: { kind: string; action: string }) => `${i.action} ${i.kind}`)).toEqual([
      'create resource server',
      'create application',
      'create client grant',
    ]);
    expect(auth0Writes(auth0)).toEqual([]);

    const first = await ws.run(['auth0', 'init', ...flags, '--yes']);
    expect(first.code, first.stderr).toBe(0);
    const state = (await ws.state()).profiles[ws.profile].auth0;
    expect(state).toMatchObject({
      domain: auth0.domain,
      baseUrl: auth0.url,
      audience,
      scopes: ['orders:read', 'orders:write'],
      tokenEndpoint: `${auth0.url}/oauth/token`,
    });
    expect(state.clientId).toMatch(/\w{10,}/);
    expect(state.resourceServerId).toBeTruthy();
    expect(state.clientGrantId).toBeTruthy();
    for (const text of [
      `domain:`,
      `token endpoint: ${auth0.url}/oauth/token`,
      `audience:       ${audience}`,
      `client id:      ${state.clientId}`,
      'okta-m2m token get --provider auth0',
    ]) {
      expect(first.stdout).toContain(text);
    }
    const clientSecret = await secretToolLookup(`${ws.profile}/auth0-app:${state.clientId}`);
    expect(clientSecret).toBe(auth0.tenant.store.clients.get(state.clientId)?.client_secret);
    expect(first.stdout + first.stderr).not.toContain(clientSecret);
    const client = auth0.tenant.store.clients.get(state.clientId)!;
    expect(client).toMatchObject({
      name: 'orders-api',
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
    });
    expect(auth0.tenant.store.grantFor(state.clientId, audience)?.scope).toEqual(['orders:read', 'orders:write']);

    // Again, with no flags: what the state recorded, found by id, nothing to change, not one write.
    clearAuth0Log(auth0);
    const again = await ws.run(['auth0', 'init', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('nothing to change');
    expect(auth0Writes(auth0)).toEqual([]);

    // The same with the flags given again.
    clearAuth0Log(auth0);
    const sameFlags = await ws.run(['auth0', 'init', ...flags, '--yes']);
    expect(sameFlags.code, sameFlags.stderr).toBe(0);
    expect(auth0Writes(auth0)).toEqual([]);

    // A token for the API, from what init recorded, with no flags but the provider.
    const token = await ws.run(['--json', 'token', 'get', '--provider', 'auth0']);
    expect(token.code, token.stderr).toBe(0);
    const claims = decodeJwt(JSON.parse(token.stdout).access_token);
    expect(claims.aud).toBe(audience);
    expect(String(claims.scope).split(' ').sort()).toEqual(['orders:read', 'orders:write']);
    expect(claims.azp ?? claims.sub).toContain(state.clientId);

    // One more scope: the API and the grant are updated in place (PATCH), nothing is made twice.
    clearAuth0Log(auth0);
    const more = await ws.run(['auth0', 'init', '--scope', 'orders:read,orders:write,orders:admin', '--yes']);
    expect(more.code, more.stderr).toBe(0);
    expect(auth0Writes(auth0).map((w) => w.split(' ')[0])).toEqual(['PATCH', 'PATCH']);
    expect(auth0.tenant.store.grantFor(state.clientId, audience)?.scope.sort()).toEqual([
      'orders:admin',
      'orders:read',
      'orders:write',
    ]);

    const status = await ws.run(['--json', 'auth0', 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      domain: auth0.domain,
      audience,
      clientId: state.clientId,
      missingScopes: {},
      objects: [
        { kind: 'resource server', exists: true },
        { kind: 'application', exists: true },
        { kind: 'client grant', exists: true },
      ],
    });

    const dryDestroy = await ws.run(['--json', 'auth0', 'destroy', '--dry-run']);
    expect(dryDestroy.code, dryDestroy.stderr).toBe(0);
    expect(JSON.parse(dryDestroy.stdout).items.map((i: { kind: string }) => i.kind)).toEqual([
      'client grant',
      'application',
      'resource server',
    ]);
    expect(tenantSnapshot(emus)).not.toEqual(before);

    const destroyed = await ws.run(['auth0', 'destroy', '--yes']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(tenantSnapshot(emus)).toEqual(before);
    expect(await secretToolLookup(`${ws.profile}/auth0-app:${state.clientId}`)).toBeUndefined();
    const after = await ws.state();
    expect(after.profiles?.[ws.profile]?.auth0).toBeUndefined();

    // Like Okta's destroy: nothing recorded is nothing to do, not a failure.
    const nothing = await ws.run(['auth0', 'destroy', '--yes']);
    expect(nothing.code, nothing.stderr).toBe(0);
    expect(nothing.stdout).toMatch(/^nothing to destroy$/m);
    const nothingJson = await ws.run(['--json', 'auth0', 'destroy']);
    expect(nothingJson.code, nothingJson.stderr).toBe(0);
    expect(JSON.parse(nothingJson.stdout)).toEqual({ profile: ws.profile, deleted: [] });
  });

  test('a management app without the scopes: login says what is missing for what; init refuses before any change', async () => {
    const limited = await limitedManagementApp(emus.auth0, 'limited', [
      'read:users',
      'read:roles',
      'read:role_members',
    ]);
    expect(limited.grantStatus).toBe(201);
    const other = await workspace();
    try {
      const login = await other.run(
        [
          '--json',
          'auth0',
          'login',
          '--base-url',
          emus.auth0.url,
          '--client-id',
          limited.clientId,
          '--client-secret-stdin',
        ],
        {
          input: limited.clientSecret,
        },
      );
      expect(login.code, login.stderr).toBe(0);
      expect(login.stderr).toContain('"auth0 init / destroy" will not work');
      expect(login.stderr).toContain('create:clients');
      const out = JSON.parse(login.stdout);
      expect(out.missingScopes['auth0 init / destroy']).toContain('create:resource_servers');
      expect(out.missingScopes['sync auth0-role']).toBeUndefined();

      clearAuth0Log(emus.auth0);
      const init = await other.run(['auth0', 'init', '--name', 'x', '--audience', 'https://x.example.com', '--yes']);
      expect(init.code).toBe(1);
      expect(init.stderr).toMatch(/lacks .*create:clients/);
      expect(init.stderr).toContain('Auth0 Management API');
      expect(auth0Writes(emus.auth0)).toEqual([]);

      const bad = await other.run(
        ['auth0', 'login', '--base-url', emus.auth0.url, '--client-id', limited.clientId, '--client-secret-stdin'],
        {
          input: 'not-the-secret',
        },
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/access_denied|invalid_client/);
    } finally {
      await other.cleanup();
    }
  });

  test('usage errors: no name or audience, a domain with a path, http off this machine', async () => {
    const noName = await ws.run(['auth0', 'init', '--audience', 'https://y.example.com']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('--name');
    const path = await ws.run(
      ['auth0', 'login', '--domain', 'https://acme.auth0.com/api', '--client-id', 'x', '--client-secret-stdin'],
      { input: 's3cret-value' },
    );
    expect(path.code).toBe(2);
    const http = await ws.run(
      ['auth0', 'login', '--base-url', 'http://acme.example.com', '--client-id', 'x', '--client-secret-stdin'],
      { input: 's3cret-value' },
    );
    expect(http.code).toBe(2);
  });
  test('an app whose secret is gone from the keychain gets a new one on the next init (never a secret it lacks)', async () => {
    const { auth0 } = emus;
    const flags = ['--name', 'rotate-api', '--audience', 'https://api.example.com/rotate', '--scope', 'rotate:read'];
    expect((await ws.run(['auth0', 'init', ...flags, '--yes'])).code).toBe(0);
    const { clientId } = (await ws.state()).profiles[ws.profile].auth0;
    const account = `${ws.profile}/auth0-app:${clientId}`;
    const first = await secretToolLookup(account);
    expect(first).toBeTruthy();
    spawnSync('secret-tool', ['clear', 'service', 'okta-m2m', 'username', account]);
    expect(await secretToolLookup(account)).toBeUndefined();

    clearAuth0Log(auth0);
    const again = await ws.run(['auth0', 'init', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(auth0Writes(auth0)).toEqual([`POST /api/v2/clients/${clientId}/rotate-secret`]);
    const second = await secretToolLookup(account);
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    const token = await ws.run(['token', 'get', '--provider', 'auth0', '--raw', '--no-cache']);
    expect(token.code, token.stderr).toBe(0);
    expect((await ws.run(['auth0', 'destroy', '--yes'])).code).toBe(0);
  });
  test('without a keychain, a first auth0 init refuses before any write', async () => {
    const { auth0 } = emus;
    const ci = await workspace();
    try {
      await connectProfile(ci, emus);
      clearAuth0Log(auth0);
      const result = await ci.run(
        [
          'auth0',
          'init',
          '--name',
          'no-keychain-api',
          '--audience',
          'https://api.example.com/nokc',
          '--scope',
          'nokc:read',
          '--yes',
        ],
        {
          env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/okta-m2m-no-bus' },
        },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/needs the OS keychain.*nothing was changed/);
      expect(auth0Writes(auth0)).toEqual([]);
      expect(await ci.state().catch(() => undefined)).toBeUndefined();
    } finally {
      await ci.cleanup();
    }
  });
});
