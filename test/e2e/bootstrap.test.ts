// Rate limits off: these tests are about roles and scopes, and make many calls in a row.
import { createHash, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, importPKCS8 } from 'jose';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  allFiles,
  describeWithKeychain,
  emulator,
  groupLogins,
  keychainLookup,
  requireBuilt,
  startEmulators,
  whenServing,
  workspace,
  type Workspace,
} from '../support/index.js';
import { hookServeRegisterArgs } from '../support/hook-project.js';

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
async function signedAssertion(clientId: string, keyPem: string, tokenEndpoint: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importPKCS8(keyPem, 'RS256'));
}

/**
 * A token of the org authorization server for a DPoP-bound app (RFC 9449; developer.okta.com/docs/guides/dpop/):
 * the proof's first try gets use_dpop_nonce, the second carries the nonce. `proof` signs one for a resource call.
 */
async function dpopAppToken(emu: EmulatorHandle, clientId: string, keyPem: string, scope: string) {
  const tokenEndpoint = `${emu.url}/oauth2/v1/token`;
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ ...claims, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .setIssuedAt()
      .sign(privateKey);
  const request = async (nonce?: string) => {
    const res = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
        DPoP: await sign({ htm: 'POST', htu: tokenEndpoint, ...(nonce ? { nonce } : {}) }),
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await signedAssertion(clientId, keyPem, tokenEndpoint),
      }),
    });
    return { res, body: (await res.json()) as Record<string, any> };
  };
  let { res, body } = await request();
  if (body.error === 'use_dpop_nonce') ({ res, body } = await request(res.headers.get('dpop-nonce') ?? undefined));
  const ath = createHash('sha256')
    .update(String(body.access_token ?? ''))
    .digest('base64url');
  return { status: res.status, body, proof: (htm: string, htu: string) => sign({ htm, htu, ath }) };
}

/** `hook serve token-hook --register` as a user runs it: spawned; the URL it serves on is its first line. */
function serveRegistered(ws: Workspace) {
  return whenServing(ws.spawn(hookServeRegisterArgs()));
}

/** Management writes, the token endpoint aside (client role assignments live under /oauth2/v1/clients too). */
const writes = (log: Array<{ method: string; path: string }>) =>
  log.filter((e) => e.method !== 'GET' && e.path !== '/oauth2/v1/token' && !e.path.startsWith('/__emulator'));

describeWithKeychain('login --oauth --bootstrap', () => {
  const workspaces: Workspace[] = [];
  const emulators: EmulatorHandle[] = [];
  const stoppers: Array<() => Promise<void>> = [];
  const secrets: string[] = [];

  beforeAll(() => requireBuilt());
  afterAll(async () => {
    for (const ws of workspaces) await ws.cleanup();
    for (const emu of emulators) await emu.stop();
    for (const stop of stoppers) await stop();
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
        'okta.inlinehooks.manage',
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
    'Done when: from an SSWS profile, --revoke-api-token --yes (DPoP-bound) runs init, token get, status, hook serve --register, sync and destroy over OAuth; the token is dead; outside its scopes is 403',
    { timeout: 240_000 },
    async () => {
      // Okta and Auth0 emulators side by side (the sync's two ends), as test/e2e/sync.test.ts drives them.
      const emus = await startEmulators({ seed: 3, seedData: { roles: [{ name: 'staff', users: 5 }] } });
      stoppers.push(() => emus.stop());
      const emu = emus.okta;
      secrets.push(emu.adminToken, emus.auth0.managementClientSecret);
      const ws = await workspace();
      workspaces.push(ws);
      const sswsLogin = await ws.run(['login', '--org-url', emu.url, '--api-token-stdin'], { input: emu.adminToken });
      expect(sswsLogin.code, sswsLogin.stderr).toBe(0);

      // The default: DPoP required, a custom role (no --role), the API token revoked afterwards.
      const result = await ws.run(['login', '--oauth', '--bootstrap', '--revoke-api-token', '--yes', '--json']);
      expect(result.code, result.stderr).toBe(0);
      const out = JSON.parse(result.stdout);
      expect(out).toMatchObject({ apiTokenRevoked: true, dpop: true, role: 'CUSTOM', scopes: DEFAULT_SCOPES });
      expect((await sswsGet(emu, '/api/v1/apps?limit=1')).status).toBe(401);
      // The custom role holds Okta's inline hook permission (hooks best practices guide, "Hook admin roles"; GA in
      // release 2026.04.0; docs/emulator.md "custom roles and inline hooks"): hook needs no --role, and no warning
      // says it does.
      expect(result.stderr).not.toMatch(/--role/);
      const role = [...(emu.state as any).iam.roles.values()].find((r: any) => r.id === out.bootstrap.roleId);
      expect(role.permissions.map((p: any) => p.label).sort()).toEqual([
        'okta.apps.manage',
        'okta.authzServers.manage',
        'okta.groups.manage',
        'okta.inlinehooks.manage',
        'okta.users.manage',
      ]);

      const init = await ws.run([
        '--json',
        'init',
        '--name',
        'orders-api',
        '--scope',
        'orders:read',
        '--default-scope',
        'orders:read',
        '--yes',
      ]);
      expect(init.code, init.stderr).toBe(0);
      const made = JSON.parse(init.stdout);
      const token = await ws.run(['token', 'get', '--json']);
      expect(token.code, token.stderr).toBe(0);
      const status = await ws.run(['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        authMode: 'private_key_jwt',
        drift: false,
        token: { ok: true },
      });

      // hook serve token-hook --register: spawned, registered with Okta over the DPoP-bound login, then stopped.
      await writeFile(join(ws.dir, 'policy.json'), JSON.stringify({ [made.clientId]: ['orders:read'] }));
      const hookState = () => (emu.state as any).inlineHooks.values() as Array<Record<string, any>>;
      const served = await serveRegistered(ws);
      try {
        expect(hookState()).toMatchObject([
          { name: 'okta-m2m-token-hook-local', status: 'ACTIVE', channel: { config: { uri: served.line } } },
        ]);
        const hooked = await ws.run(['token', 'get', '--raw', '--no-cache']);
        expect(hooked.code, hooked.stderr).toBe(0);
      } finally {
        expect(await served.stop()).toBe(0);
      }
      expect(served.stderr()).not.toMatch(/E0000006|403/);
      expect(hookState()).toEqual([]);

      // sync auth0-role, the Auth0 side logged in on the same profile.
      const auth0 = await ws.run(
        [
          'auth0',
          'login',
          '--base-url',
          emus.auth0.url,
          '--client-id',
          emus.auth0.managementClientId,
          '--client-secret-stdin',
        ],
        { input: emus.auth0.managementClientSecret },
      );
      expect(auth0.code, auth0.stderr).toBe(0);
      const sync = await ws.run([
        '--json',
        'sync',
        'auth0-role',
        '--yes',
        '--role',
        'staff',
        '--group',
        'Auth0 Staff',
        '--create-group',
      ]);
      expect(sync.code, sync.stderr).toBe(0);
      expect(JSON.parse(sync.stdout)).toMatchObject({ seen: 5, created: 5, failed: 0 });
      expect(groupLogins(emu, 'Auth0 Staff')).toHaveLength(5);

      // Outside the granted scopes the org authorization server refuses; outside the role the management API does.
      const key = keychainLookup(`${ws.profile}/okta-private-key`)!;
      secrets.push(key);
      const ungranted = await dpopAppToken(emu, out.clientId, key, 'okta.roles.manage');
      expect(ungranted.status).toBe(400);
      const granted = await dpopAppToken(emu, out.clientId, key, 'okta.apps.manage okta.authorizationServers.manage');
      expect(granted.status, JSON.stringify(granted.body)).toBe(200);
      expect(granted.body.token_type).toBe('DPoP');
      const grantUrl = `${emu.url}/api/v1/apps/${out.bootstrap.appId}/grants`;
      const grantAttempt = await fetch(grantUrl, {
        method: 'POST',
        headers: {
          Authorization: `DPoP ${granted.body.access_token}`,
          DPoP: await granted.proof('POST', grantUrl),
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ issuer: emu.url, scopeId: 'okta.roles.manage' }),
      });
      // Granting okta.* scopes takes okta.appGrants.manage, which the app was never granted (Okta checks the
      // token's scopes before the role: 403 with WWW-Authenticate insufficient_scope).
      expect(grantAttempt.status).toBe(403);
      expect(grantAttempt.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
      const grantsAfter = ((emu.state as any).appGrants.get(out.bootstrap.appId) ?? []) as Array<{ scopeId: string }>;
      expect(grantsAfter.map((g) => g.scopeId)).not.toContain('okta.roles.manage');

      const destroy = await ws.run(['destroy', '--yes']);
      expect(destroy.code, destroy.stderr).toBe(0);
      const apps = (emu.state as any).apps.values() as Array<Record<string, any>>;
      expect(apps.filter((a) => a.credentials?.oauthClient?.client_id === made.clientId)).toEqual([]);
      // A plain logout takes the login's keys out of the keychain: its private key and its DPoP key.
      expect(keychainLookup(`${ws.profile}/dpop-key:${out.clientId}`)).toMatch(/"crv":"P-256"/);
      const logout = await ws.run(['logout']);
      expect(logout.code, logout.stderr).toBe(0);
      expect(keychainLookup(`${ws.profile}/dpop-key:${out.clientId}`)).toBeUndefined();
      expect(keychainLookup(`${ws.profile}/okta-private-key`)).toBeUndefined();
      for (const text of [...(await allFiles(ws.dir)), ...ws.outputs])
        for (const secret of secrets) expect(text.includes(secret.trim())).toBe(false);
    },
  );

  it(
    'destroy --login is logout --remote: --dry-run lists from the profile and calls nothing; each object is read back and one not ours is left',
    { timeout: 120_000 },
    async () => {
      const { ws, emu } = await fresh();
      const made = await ws.run(['login', '--oauth', '--bootstrap', '--yes', '--json']);
      expect(made.code, made.stderr).toBe(0);
      const out = JSON.parse(made.stdout);
      const recorded = out.bootstrap;

      emu.clearRequestLog();
      const dry = await ws.run(['destroy', '--login', '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      const listed = JSON.parse(dry.stdout);
      expect(listed).toMatchObject({ dryRun: true, profile: ws.profile });
      expect(listed.delete.map((t: any) => `${t.kind}:${t.id}`)).toEqual([
        `roleAssignment:${recorded.assignmentId}`,
        `customRole:${recorded.roleId}`,
        `resourceSet:${recorded.resourceSetId}`,
        ...DEFAULT_SCOPES.map((scope) => `grant:${recorded.grantIds[scope]}`),
        `app:${recorded.appId}`,
      ]);
      expect(emu.requestLog.filter((e) => !e.path.startsWith('/__emulator'))).toEqual([]);

      // Without a terminal or a token: refused before anything is read or deleted.
      const noToken = await ws.run(['destroy', '--login', '--yes']);
      expect(noToken.code).toBe(2);
      expect(noToken.stderr).toMatch(/needs an admin API token/);
      const misplaced = await ws.run(['destroy', '--api-token-stdin'], { input: emu.adminToken });
      expect(misplaced.code).toBe(2);
      expect(misplaced.stderr).toMatch(/--api-token-stdin goes with --login/);

      // The profile is data: a recorded role id that names someone else's role is read back and left alone.
      const theirs = await fetch(`${emu.url}/api/v1/iam/roles`, {
        method: 'POST',
        headers: { Authorization: `SSWS ${emu.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ label: 'someone else', description: 'not okta-m2m', permissions: ['okta.users.read'] }),
      }).then((r) => r.json() as Promise<{ id: string }>);
      const file = join(ws.dir, 'config', 'profiles.json');
      const doc = JSON.parse(await readFile(file, 'utf8'));
      doc.profiles[ws.profile].bootstrap.roleId = theirs.id;
      await writeFile(file, JSON.stringify(doc), { mode: 0o600 });

      const removed = await ws.run(['destroy', '--login', '--api-token-stdin', '--yes', '--json'], {
        input: emu.adminToken,
      });
      expect(removed.code, removed.stderr).toBe(0);
      const result = JSON.parse(removed.stdout);
      expect(result.kept).toMatchObject([{ kind: 'customRole', id: theirs.id, state: 'not ours' }]);
      expect(removed.stderr).toMatch(/left in place: custom admin role/);
      expect((await sswsGet(emu, `/api/v1/iam/roles/${theirs.id}`)).status).toBe(200);
      expect((await sswsGet(emu, `/api/v1/apps/${recorded.appId}`)).status).toBe(404);
      expect((await sswsGet(emu, `/api/v1/iam/resource-sets/${recorded.resourceSetId}`)).status).toBe(404);
      // Our own role was never recorded any more, so it stays too: only recorded, checked objects are deleted.
      expect((await sswsGet(emu, `/api/v1/iam/roles/${recorded.roleId}`)).status).toBe(200);
      // Logged out: the profile and its keychain entries are gone.
      expect(JSON.parse(await readFile(file, 'utf8')).profiles[ws.profile]).toBeUndefined();
      expect(keychainLookup(`${ws.profile}/okta-private-key`)).toBeUndefined();
      expect(keychainLookup(`${ws.profile}/dpop-key:${out.clientId}`)).toBeUndefined();

      const help = await ws.run(['destroy', '--help']);
      expect(help.stdout).toMatch(/--login\s+instead: remove what "login --oauth --bootstrap" made/);
      expect(help.stdout).toMatch(/the same as\s+"logout --remote"/);
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
      const hooksAlone = await ws.run([
        'login',
        '--oauth',
        '--bootstrap',
        '--org-url',
        'http://127.0.0.1:9',
        '--scopes',
        'okta.inlineHooks.manage',
        '--yes',
      ]);
      expect(hooksAlone.code).toBe(2);
      expect(hooksAlone.stderr).toMatch(/no resource set to go with/);
      const misplaced = await ws.run(
        ['login', '--org-url', 'http://127.0.0.1:9', '--revoke-api-token', '--api-token-stdin'],
        { input: 'x' },
      );
      expect(misplaced.code).toBe(2);
      expect(misplaced.stderr).toMatch(/--revoke-api-token goes with --oauth --bootstrap/);
      const help = await ws.run(['login', '--help']);
      expect(help.stdout).toMatch(/sync auth0-role\s+okta\.users\.manage okta\.groups\.manage/);
      expect(help.stdout).toMatch(/init, status, destroy\s+okta\.apps\.manage okta\.authorizationServers\.manage/);
      // Which command needs which scope, and which custom role permission over which resources.
      expect(help.stdout).toMatch(
        /hook serve\|deploy\|remove token-hook\s+okta\.inlineHooks\.manage okta\.authorizationServers\.manage\s+role: okta\.inlinehooks\.manage okta\.authzServers\.manage over \/api\/v1\/authorizationServers/,
      );
      expect(help.stdout).toMatch(/only SUPER_ADMIN manages inline hooks/);

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
