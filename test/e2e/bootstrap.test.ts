// Rate limits off: these tests are about roles and scopes, and make many calls in a row.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SignJWT, importPKCS8 } from 'jose';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  allFiles,
  describeWithKeychain,
  emulator,
  keychainLookup,
  requireBuilt,
  workspace,
  type Workspace,
} from '../support/index.js';

// Issue 17: okta-m2m sets up its own service app from an API token (login --oauth --bootstrap), least privilege,
// and removes it again (logout --remote). Against the emulator, the CLI built and run as a child process.

const DEFAULT_SCOPES = [
  'okta.apps.manage',
  'okta.authorizationServers.manage',
  'okta.inlineHooks.manage',
  'okta.users.manage',
  'okta.groups.manage',
];

async function sswsGet(emu: EmulatorHandle, path: string, token = emu.adminToken) {
  const res = await fetch(`${emu.url}${path}`, {
    headers: { Authorization: `SSWS ${token}`, Accept: 'application/json' },
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

/** A token of the org authorization server for the bootstrapped app, signed with the key the keychain holds. */
async function appToken(emu: EmulatorHandle, clientId: string, keyPem: string, scope: string) {
  const tokenEndpoint = `${emu.url}/oauth2/v1/token`;
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importPKCS8(keyPem, 'RS256'));
  const res = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Management writes, the token endpoint aside (client role assignments live under /oauth2/v1/clients too). */
const writes = (log: Array<{ method: string; path: string }>) =>
  log.filter((e) => e.method !== 'GET' && e.path !== '/oauth2/v1/token' && !e.path.startsWith('/__emulator'));

describeWithKeychain('login --oauth --bootstrap', () => {
  const workspaces: Workspace[] = [];
  const emulators: EmulatorHandle[] = [];
  const secrets: string[] = [];

  beforeAll(() => requireBuilt());
  afterAll(async () => {
    for (const ws of workspaces) await ws.cleanup();
    for (const emu of emulators) await emu.stop();
  });

  async function fresh(): Promise<{ ws: Workspace; emu: EmulatorHandle }> {
    const emu = await emulator({ rateLimits: 'off' });
    emulators.push(emu);
    secrets.push(emu.adminToken);
    const ws = await workspace();
    workspaces.push(ws);
    const login = await ws.run(['login', '--org-url', emu.url, '--api-token-stdin'], { input: emu.adminToken });
    expect(login.code, login.stderr).toBe(0);
    return { ws, emu };
  }

  it(
    'from an SSWS profile: a DPoP-bound app with a custom role, a re-run writes nothing, logout --remote removes it all',
    { timeout: 120_000 },
    async () => {
      const { ws, emu } = await fresh();
      const result = await ws.run(['login', '--oauth', '--bootstrap', '--yes', '--json']);
      expect(result.code, result.stderr).toBe(0);
      const out = JSON.parse(result.stdout);
      expect(out).toMatchObject({
        authMode: 'private_key_jwt',
        scopes: DEFAULT_SCOPES,
        dpop: true,
        role: 'CUSTOM',
        apiTokenRevoked: false,
      });
      expect(result.stderr).toMatch(/okta\.inlinehooks/);
      expect(result.stderr).toMatch(/revoke it once nothing else needs it/i);

      const profiles = JSON.parse((await allFiles(`${ws.dir}/config`)).find((t) => t.includes('"profiles"'))!);
      const profile = profiles.profiles[ws.profile];
      expect(profile).toMatchObject({
        authMode: 'private_key_jwt',
        clientId: out.clientId,
        dpop: true,
        bootstrap: {
          appId: expect.any(String),
          roleId: expect.any(String),
          resourceSetId: expect.any(String),
          assignmentId: expect.any(String),
        },
      });
      // The API token is not kept; the private key is in the keychain, and nowhere in the files.
      expect(keychainLookup(`${ws.profile}/okta-api-token`)).toBeUndefined();
      const key = keychainLookup(`${ws.profile}/okta-private-key`);
      expect(key).toMatch(/BEGIN PRIVATE KEY/);
      secrets.push(key!);
      for (const text of [...(await allFiles(ws.dir)), ...ws.outputs])
        for (const secret of secrets) expect(text.includes(secret.trim())).toBe(false);

      // What Okta holds: the app requires DPoP, the grants are exactly the scopes, the role holds just their permissions.
      const app = (await sswsGet(emu, `/api/v1/apps/${profile.bootstrap.appId}`)).body;
      expect(app.settings.oauthClient.dpop_bound_access_tokens).toBe(true);
      expect(app.credentials.oauthClient.token_endpoint_auth_method).toBe('private_key_jwt');
      const grants = (await sswsGet(emu, `/api/v1/apps/${app.id}/grants`)).body.map((g: any) => g.scopeId).sort();
      expect(grants).toEqual([...DEFAULT_SCOPES].sort());
      const permissions = (
        await sswsGet(emu, `/api/v1/iam/roles/${profile.bootstrap.roleId}/permissions`)
      ).body.permissions
        .map((p: any) => p.label)
        .sort();
      expect(permissions).toEqual([
        'okta.apps.manage',
        'okta.authzServers.manage',
        'okta.groups.manage',
        'okta.users.manage',
      ]);
      const roles = (await sswsGet(emu, `/oauth2/v1/clients/${out.clientId}/roles`)).body;
      expect(roles.map((r: any) => r.type)).toEqual(['CUSTOM']);

      // A re-run (the API token from the environment now) plans no change and writes nothing.
      emu.clearRequestLog();
      const again = await ws.run(['login', '--oauth', '--bootstrap', '--json'], {
        env: { OKTA_M2M_API_TOKEN: emu.adminToken },
      });
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, clientId: out.clientId });
      expect(writes(emu.requestLog)).toEqual([]);

      // logout --remote: the app, grants, role assignment, custom role and resource set are gone.
      const logout = await ws.run(['logout', '--remote', '--api-token-stdin', '--yes'], { input: emu.adminToken });
      expect(logout.code, logout.stderr).toBe(0);
      expect((await sswsGet(emu, `/api/v1/apps/${app.id}`)).status).toBe(404);
      expect((await sswsGet(emu, `/api/v1/iam/roles/${profile.bootstrap.roleId}`)).status).toBe(404);
      expect((await sswsGet(emu, `/api/v1/iam/resource-sets/${profile.bootstrap.resourceSetId}`)).status).toBe(404);
      expect(keychainLookup(`${ws.profile}/okta-private-key`)).toBeUndefined();
    },
  );

  it(
    '--revoke-api-token: the profile runs init, token get, status and destroy over OAuth; the token is dead; outside the role is 403',
    { timeout: 150_000 },
    async () => {
      const { ws, emu } = await fresh();
      // DPoP off here: the management client's proofs are the DPoP work's (issue 18); this checks the role and scopes.
      const result = await ws.run([
        'login',
        '--oauth',
        '--bootstrap',
        '--no-dpop',
        '--revoke-api-token',
        '--yes',
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const out = JSON.parse(result.stdout);
      expect(out).toMatchObject({ apiTokenRevoked: true, dpop: false });
      expect((await sswsGet(emu, '/api/v1/apps?limit=1')).status).toBe(401);

      const init = await ws.run(['init', '--name', 'orders-api', '--scope', 'orders:read', '--yes']);
      expect(init.code, init.stderr).toBe(0);
      const token = await ws.run(['token', 'get', '--json']);
      expect(token.code, token.stderr).toBe(0);
      const status = await ws.run(['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        authMode: 'private_key_jwt',
        drift: false,
        token: { ok: true },
      });

      // Outside the granted scopes, the org authorization server refuses; outside the role, the management API does.
      const key = keychainLookup(`${ws.profile}/okta-private-key`)!;
      secrets.push(key);
      const ungranted = await appToken(emu, out.clientId, key, 'okta.roles.manage');
      expect(ungranted.status).toBe(400);
      const granted = await appToken(emu, out.clientId, key, 'okta.apps.manage okta.authorizationServers.manage');
      expect(granted.status, JSON.stringify(granted.body)).toBe(200);
      const grantAttempt = await fetch(`${emu.url}/api/v1/apps/${out.bootstrap.appId}/grants`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${granted.body.access_token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ issuer: emu.url, scopeId: 'okta.roles.manage' }),
      });
      expect(grantAttempt.status).toBe(403);

      const destroy = await ws.run(['destroy', '--yes']);
      expect(destroy.code, destroy.stderr).toBe(0);
      for (const text of [...(await allFiles(ws.dir)), ...ws.outputs])
        for (const secret of secrets) expect(text.includes(secret.trim())).toBe(false);
    },
  );

  it(
    'refuses without an API token and without a terminal, and --role names what it allows',
    { timeout: 60_000 },
    async () => {
      const ws = await workspace();
      workspaces.push(ws);
      const none = await ws.run(['login', '--oauth', '--bootstrap', '--org-url', 'http://127.0.0.1:9', '--yes']);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/--bootstrap needs an admin API token/);
      const misplaced = await ws.run(
        ['login', '--org-url', 'http://127.0.0.1:9', '--revoke-api-token', '--api-token-stdin'],
        { input: 'x' },
      );
      expect(misplaced.code).toBe(2);
      expect(misplaced.stderr).toMatch(/--revoke-api-token goes with --oauth --bootstrap/);
      const help = await ws.run(['login', '--help']);
      expect(help.stdout).toMatch(/sync auth0-role\s+okta\.users\.manage okta\.groups\.manage/);
      expect(help.stdout).toMatch(/init, status, destroy\s+okta\.apps\.manage okta\.authorizationServers\.manage/);

      const { ws: admin, emu } = await fresh();
      const role = await admin.run([
        'login',
        '--oauth',
        '--bootstrap',
        '--role',
        'SUPER_ADMIN',
        '--no-dpop',
        '--yes',
        '--json',
      ]);
      expect(role.code, role.stderr).toBe(0);
      expect(role.stderr).toMatch(/--role SUPER_ADMIN gives okta-m2m's app full control of the org/);
      const clientId = JSON.parse(role.stdout).clientId;
      expect((await sswsGet(emu, `/oauth2/v1/clients/${clientId}/roles`)).body.map((r: any) => r.type)).toEqual([
        'SUPER_ADMIN',
      ]);
    },
  );
});
