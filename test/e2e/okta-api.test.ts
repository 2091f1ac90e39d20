// Rate limits off: this suite is about grants and roles, and makes many calls in a row.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { main } from '../../src/cli.js';
import {
  ENTER,
  allFiles,
  describeWithKeychain,
  useLoggedInOrg,
  fakeTerminal,
  keychainAccounts,
  keychainLookup,
} from '../support/index.js';
import { runJson } from '../support/run-ok.js';

// Issue 17 item 2: init --okta-api makes a service app for the user's own automation against Okta's management
// API; its token (from token get) lists users, is refused where no scope was granted; re-runs write nothing;
// destroy leaves nothing behind.

/** The setup of the first test: a service app that reads users. */
const USER_REPORT = ['init', '--okta-api', '--name', 'user-report', '--okta-scope', 'okta.users.read'];

const writes = (log: Array<{ method: string; path: string }>) =>
  log.filter((e) => e.method !== 'GET' && e.path !== '/oauth2/v1/token' && !e.path.startsWith('/__emulator'));

async function sswsGet(emu: EmulatorHandle, path: string) {
  const res = await fetch(`${emu.url}${path}`, {
    headers: { Authorization: `SSWS ${emu.adminToken}`, Accept: 'application/json' },
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

describeWithKeychain('init --okta-api', () => {
  const org = useLoggedInOrg();

  it(
    'makes an app whose token lists users and nothing else; a re-run writes nothing; destroy leaves nothing',
    { timeout: 120_000 },
    async () => {
      const dry = await org.ws.run([...USER_REPORT, '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout).items.map((i: any) => `${i.action} ${i.kind}`)).toEqual([
        'create app',
        'create credential',
        'create grant',
        'create resourceSet',
        'create customRole',
        'create roleAssignment',
      ]);

      const init = await org.ws.run([...USER_REPORT, '--yes', '--json']);
      expect(init.code, init.stderr).toBe(0);
      const out = JSON.parse(init.stdout);
      expect(out).toMatchObject({
        kind: 'okta-api',
        tokenEndpoint: `${org.emu.url}/oauth2/v1/token`,
        scopes: ['okta.users.read'],
        keyId: expect.any(String),
        sdk: { authorizationMode: 'PrivateKey', clientId: out.clientId },
      });
      const key = keychainLookup(`${org.ws.profile}/app-key:${out.clientId}`);
      expect(key).toMatch(/BEGIN PRIVATE KEY/);

      // A user to list (a fresh emulator org has none).
      const person = await fetch(`${org.emu.url}/api/v1/users?activate=false`, {
        method: 'POST',
        headers: { Authorization: `SSWS ${org.emu.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          profile: { firstName: 'Ada', lastName: 'Report', email: 'ada@example.com', login: 'ada@example.com' },
        }),
      });
      expect(person.status).toBe(200);
      const token = await org.ws.run(['token', 'get', '--json']);
      expect(token.code, token.stderr).toBe(0);
      const accessToken = JSON.parse(token.stdout).access_token as string;
      const bearer = { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' };
      // It lists users through the management API: the org's users, as the admin sees them.
      const users = await fetch(`${org.emu.url}/api/v1/users?limit=200`, { headers: bearer });
      expect(users.status).toBe(200);
      const listed = ((await users.json()) as Array<{ id: string }>).map((u) => u.id).sort();
      const all = ((await sswsGet(org.emu, '/api/v1/users?limit=200')).body as Array<{ id: string }>)
        .map((u) => u.id)
        .sort();
      expect(listed.length).toBeGreaterThan(0);
      expect(listed).toEqual(all);
      // Where no scope was granted: 403 from the management API (the token lacks the scope), and the org
      // authorization server issues no token for it.
      const apps = await fetch(`${org.emu.url}/api/v1/apps?limit=5`, { headers: bearer });
      expect(apps.status).toBe(403);
      expect(apps.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
      const ungranted = await org.ws.run(['token', 'get', '--scope', 'okta.apps.read', '--no-cache']);
      expect(ungranted.code).not.toBe(0);
      expect(ungranted.stdout).toBe('');

      org.emu.clearRequestLog();
      const again = await org.ws.run(['init', '--yes']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/nothing to change/);
      expect(writes(org.emu.requestLog)).toEqual([]);
      // The same command again, flags and all: 0 writes too.
      const rerun = await org.ws.run([...USER_REPORT, '--yes', '--json']);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(JSON.parse(rerun.stdout).clientId).toBe(out.clientId);
      expect(writes(org.emu.requestLog)).toEqual([]);

      const status = await org.ws.run(['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ kind: 'okta-api', drift: false, token: { ok: true } });
      // A grant added outside the setup, and a removed role assignment, are drift.
      const appId = (await org.ws.state()).profiles[org.ws.profile].okta.appId;
      await fetch(`${org.emu.url}/api/v1/apps/${appId}/grants`, {
        method: 'POST',
        headers: {
          Authorization: `SSWS ${org.emu.adminToken}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ issuer: org.emu.url, scopeId: 'okta.groups.read' }),
      });
      const drifted = JSON.parse((await org.ws.run(['status', '--json', '--no-token'])).stdout);
      expect(drifted.drift).toBe(true);
      expect(drifted.objects.find((o: any) => o.name === 'okta.groups.read')).toMatchObject({ status: 'drifted' });

      const recorded = (await org.ws.state()).profiles[org.ws.profile].okta.access;
      expect(recorded).toMatchObject({ roleId: expect.any(String), resourceSetId: expect.any(String) });
      const destroy = await org.ws.run(['destroy', '--yes']);
      expect(destroy.code, destroy.stderr).toBe(0);
      const access = out as { clientId: string };
      // Nothing left: the app, its grants, the role assignment, the custom role, the resource set ...
      expect((await sswsGet(org.emu, `/api/v1/apps/${appId}`)).status).toBe(404);
      const state = org.emu.state as any;
      expect(state.appGrants.get(appId) ?? []).toEqual([]);
      expect(state.clientRoles.get(appId) ?? []).toEqual([]);
      expect((await sswsGet(org.emu, `/api/v1/iam/roles/${recorded.roleId}`)).status).toBe(404);
      expect((await sswsGet(org.emu, `/api/v1/iam/resource-sets/${recorded.resourceSetId}`)).status).toBe(404);
      expect((await sswsGet(org.emu, '/api/v1/iam/roles')).body.roles).toEqual([]);
      expect((await sswsGet(org.emu, '/api/v1/iam/resource-sets')).body['resource-sets']).toEqual([]);
      // ... and in the keychain, of this profile, only the login's API token: no app key, no cached token.
      expect(keychainLookup(`${org.ws.profile}/app-key:${access.clientId}`)).toBeUndefined();
      expect(keychainAccounts().filter((a) => a.startsWith(`${org.ws.profile}/`))).toEqual([
        `${org.ws.profile}/okta-api-token`,
      ]);
      expect((await org.ws.state()).profiles[org.ws.profile]?.okta).toBeUndefined();
      for (const text of [...(await allFiles(org.ws.dir)), ...org.ws.outputs])
        for (const secret of [key!, org.emu.adminToken]) expect(text.includes(secret.trim())).toBe(false);
    },
  );

  it('--file with kind okta-api, --public-key-file, and flags that need --okta-api', { timeout: 60_000 }, async () => {
    const misplaced = await org.ws.run(['init', '--name', 'x', '--scope', 'x:read', '--okta-scope', 'okta.users.read']);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toMatch(/--okta-scope goes with --okta-api/);
    const bad = await org.ws.run(['init', '--okta-api', '--name', 'x', '--okta-scope', 'users.read']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not okta\.\* scopes/);

    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(join(org.ws.dir, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }).toString());
    await writeFile(
      join(org.ws.dir, 'okta-api.json'),
      JSON.stringify({ kind: 'okta-api', name: 'group-sync', scopes: ['okta.groups.read'] }),
    );
    const out = await runJson(org.ws, [
      'init',
      '--file',
      'okta-api.json',
      '--public-key-file',
      'pub.pem',
      '--yes',
      '--json',
    ]);
    expect(out.scopes).toEqual(['okta.groups.read']);
    expect(keychainLookup(`${org.ws.profile}/app-key:${out.clientId}`)).toBeUndefined();
    expect((await org.ws.run(['destroy', '--yes'])).code).toBe(0);
  });

  it('the wizard on a terminal offers the Okta API kind of setup', { timeout: 60_000 }, async () => {
    const term = fakeTerminal({ ...org.ws.env }, org.ws.dir);
    const running = main(['node', 'okta-m2m', 'init'], term.io);
    await term.answer(/What to set up/, `\u001b[B${ENTER}`);
    await term.answer(/Name of the service app/, `wizard-report${ENTER}`);
    await term.answer(/okta\.\* scopes it needs/, ENTER);
    await term.answer(/Apply these changes\?/, `y${ENTER}`);
    expect(await running, term.screen).toBe(0);
    expect(term.screen).toMatch(/\+ create\s+app wizard-report/);
    expect((await org.ws.state()).profiles[org.ws.profile].okta).toMatchObject({
      kind: 'okta-api',
      scopes: ['okta.users.read'],
    });
    expect((await org.ws.run(['destroy', '--yes'])).code).toBe(0);
  });
});
