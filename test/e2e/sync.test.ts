import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  auth0Log,
  auth0Writes,
  clearAuth0Log,
  connectProfile,
  groupLogins,
  limitedManagementApp,
  oktaWrites,
  requireBuilt,
  startEmulators,
  syncArgs,
  workspace,
  type Emulators,
  type Workspace,
} from '../support/index.js';

/**
 * `sync auth0-role` against both emulators, through the built CLI. The secrets come from the environment (as in CI),
 * so no keychain is needed here; login itself is covered by auth0.test.ts.
 */
const BIG = 3000;

function oktaLogins(okta: EmulatorHandle): string[] {
  const users = (
    okta.state as unknown as { users: { values(): Array<{ profile: { login: string } }> } }
  ).users.values();
  return users.map((u) => u.profile.login.toLowerCase());
}

function oktaUser(
  okta: EmulatorHandle,
  login: string,
): { status: string; profile: Record<string, unknown> } | undefined {
  const users = (
    okta.state as unknown as { users: { values(): Array<{ status: string; profile: Record<string, unknown> }> } }
  ).users.values();
  return users.find((u) => String(u.profile.login).toLowerCase() === login.toLowerCase());
}

function roleOf(emus: Emulators, name: string): { id: string; ids: string[]; set: Set<string> } {
  const store = emus.auth0.tenant.store;
  const role = [...store.roles.values()].find((r) => r.name === name)!;
  return { id: role.id, ...store.members(role.id) };
}

function emailsOf(emus: Emulators, roleName: string): string[] {
  const store = emus.auth0.tenant.store;
  return roleOf(emus, roleName).ids.map((id) => store.users.get(id)!.email.toLowerCase());
}

describe('sync auth0-role (built CLI, Okta and Auth0 emulators)', () => {
  let emus: Emulators;
  let ws: Workspace;

  beforeAll(async () => {
    requireBuilt();
    emus = await startEmulators({
      seed: 5,
      seedData: {
        roles: [
          { name: 'staff', users: BIG },
          {
            name: 'odd',
            users: [
              { email: 'plain@example.com' },
              { email: '', given_name: 'No', family_name: 'Email' },
              { email: 'numbers@example.com', user_metadata: { firstName: 42, lastName: 'Number' } },
              {
                email: 'fallback@example.com',
                given_name: 'Ada',
                family_name: 'Lovelace',
                user_metadata: { department: 'Engines' },
              },
              { email: 'Split.Name@Example.com', user_metadata: {} },
            ],
          },
          { name: 'interrupted', users: 800 },
          { name: 'faulty', users: 300 },
        ],
      },
    });
    // A user known only by a two-part name: no metadata, no given_name / family_name.
    const split = [...emus.auth0.tenant.store.users.values()].find((u) => u.email === 'Split.Name@Example.com')!;
    delete split.given_name;
    delete split.family_name;
    split.name = 'Grace Brewster Hopper';
    ws = await workspace();
    await connectProfile(ws, emus);
  });
  afterAll(async () => {
    await emus?.stop();
    await ws?.cleanup();
  });

  test(`${BIG} users: created and added; a second run writes nothing to Okta; --prune removes the one taken off the role`, async () => {
    const { okta } = emus;
    // Issue 19.6: sync plans and asks like init; without a terminal a write needs --yes, refused before any write.
    const unconfirmed = await ws.run(syncArgs('staff', 'Auth0 Staff', '--create-group'), { timeoutMs: 170_000 });
    expect(unconfirmed.code, unconfirmed.stderr).toBe(2);
    expect(unconfirmed.stderr).toContain('Plan (nothing is changed until you confirm):');
    expect(unconfirmed.stderr).toMatch(/hint: Pass --yes to confirm/);
    expect(oktaWrites(okta)).toEqual([]);
    const started = Date.now();
    const first = await ws.run(
      ['--json', ...syncArgs('staff', 'Auth0 Staff', '--yes', '--create-group', '--concurrency', '16')],
      {
        timeoutMs: 170_000,
      },
    );
    const firstMs = Date.now() - started;
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({
      seen: BIG,
      created: BIG,
      added: 0,
      unchanged: 0,
      removed: 0,
      skipped: 0,
      failed: 0,
      dryRun: false,
    });
    expect(summary.group).toMatchObject({ name: 'Auth0 Staff', created: true });
    const expected = emailsOf(emus, 'staff').sort();
    expect(groupLogins(okta, 'Auth0 Staff')).toEqual(expected);
    const first3 = oktaUser(okta, expected[0]!)!;
    expect(first3.status).toBe('STAGED');
    expect(first3.profile).toMatchObject({
      email: expected[0],
      firstName: expect.any(String),
      lastName: expect.any(String),
    });
    console.info(`sync of ${BIG} users: ${firstMs} ms`);

    okta.clearRequestLog();
    clearAuth0Log(emus.auth0);
    const second = await ws.run(['--json', ...syncArgs('staff', 'Auth0 Staff', '--yes')]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ seen: BIG, created: 0, added: 0, unchanged: BIG, removed: 0 });
    expect(oktaWrites(okta)).toEqual([]);
    expect(auth0Writes(emus.auth0)).toEqual([]);
    // Unchanged users cost no per-user request on either side: pages only.
    expect(okta.requestLog.filter((e) => e.path.startsWith('/api/v1/users')).length).toBe(0);

    // Off the role: one user. A dry run lists the removal; --prune removes it.
    const role = roleOf(emus, 'staff');
    const goneId = role.ids.splice(7, 1)[0]!;
    role.set.delete(goneId);
    const goneEmail = emus.auth0.tenant.store.users.get(goneId)!.email.toLowerCase();

    const dry = await ws.run(['--json', ...syncArgs('staff', 'Auth0 Staff', '--yes', '--prune', '--dry-run')]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, removed: 1, examples: { removed: [goneEmail] } });
    expect(groupLogins(okta, 'Auth0 Staff')).toContain(goneEmail);

    // Removals need a confirmation: without a terminal, --yes; without it, a usage error before any write.
    okta.clearRequestLog();
    for (const args of [['--prune'], ['--prune', '--no-input']]) {
      const refused = await ws.run(syncArgs('staff', 'Auth0 Staff', ...args));
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/hint: Pass --yes to confirm/);
    }
    expect(oktaWrites(okta)).toEqual([]);
    expect(groupLogins(okta, 'Auth0 Staff')).toContain(goneEmail);

    okta.clearRequestLog();
    const pruned = await ws.run(syncArgs('staff', 'Auth0 Staff', '--yes', '--prune', '--yes'));
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(/removed:\s+1/);
    expect(pruned.stdout).toContain(goneEmail);
    expect(oktaWrites(okta)).toHaveLength(1);
    expect(oktaWrites(okta)[0]).toMatch(/^DELETE \/api\/v1\/groups\/\w+\/users\/\w+$/);
    const after = groupLogins(okta, 'Auth0 Staff');
    expect(after).toHaveLength(BIG - 1);
    expect(after).not.toContain(goneEmail);
    // The user stays in Okta: prune is about the group only.
    expect(oktaUser(okta, goneEmail)).toBeDefined();
  }, 240_000);

  test('skips users without an email or with metadata of the wrong type, says why; falls back for names; --map', async () => {
    const { okta } = emus;
    okta.clearRequestLog();
    const dry = await ws.run([
      '--json',
      ...syncArgs('odd', 'Odd', '--yes', '--create-group', '--dry-run', '--map', 'department=user_metadata.department'),
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan).toMatchObject({ dryRun: true, created: 3, skipped: 2, group: { name: 'Odd', created: true } });
    expect(plan.examples.created.sort()).toEqual([
      'Split.Name@Example.com',
      'fallback@example.com',
      'plain@example.com',
    ]);
    expect(oktaWrites(okta)).toEqual([]);

    const run = await ws.run(
      syncArgs(
        'odd',
        'Odd',
        '--yes',
        '--create-group',
        '--activate',
        '--map',
        'okta.department=auth0.user_metadata.department',
      ),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/created:\s+3/);
    expect(run.stdout).toMatch(/skipped:\s+2/);
    expect(run.stdout).toContain('skipped 1: no email');
    expect(run.stdout).toContain('skipped 1: user_metadata.firstName is a number, not a string');
    expect(run.stdout).toContain('numbers@example.com');
    expect(groupLogins(okta, 'Odd')).toEqual(['fallback@example.com', 'plain@example.com', 'split.name@example.com']);
    expect(oktaUser(okta, 'numbers@example.com')).toBeUndefined();
    // Okta createUser: activate=true without a password gives PROVISIONED (and e-mails an activation link).
    expect(oktaUser(okta, 'fallback@example.com')).toMatchObject({
      status: 'PROVISIONED',
      profile: { firstName: 'Ada', lastName: 'Lovelace', department: 'Engines', email: 'fallback@example.com' },
    });
    expect(oktaUser(okta, 'split.name@example.com')?.profile).toMatchObject({
      firstName: 'Grace',
      lastName: 'Brewster Hopper',
      login: 'Split.Name@Example.com',
    });
    // No Okta user was ever made up for the user without an email.
    expect(oktaLogins(okta).filter((l) => !l.includes('@'))).toEqual([]);
  });

  test('unknown role, unknown group, a bad --map, missing scopes: clear errors and the right exit codes', async () => {
    const role = await ws.run(syncArgs('no-such-role', 'Auth0 Staff', '--yes'));
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('Auth0 has no role "no-such-role"');

    const group = await ws.run(syncArgs('odd', 'No Such Group', '--yes'));
    expect(group.code).toBe(1);
    expect(group.stderr).toContain('Okta has no group "No Such Group"');
    expect(group.stderr).toContain('--create-group');

    // By ids: the role's rol_... and the group's 00g....
    const roleId = roleOf(emus, 'odd').id;
    const groupId = (
      emus.okta.state as unknown as { groups: { find(p: (g: any) => boolean): { id: string } } }
    ).groups.find((g) => g.profile.name === 'Odd').id;
    const byIds = await ws.run(['--json', ...syncArgs(roleId, groupId, '--yes', '--dry-run')]);
    expect(byIds.code, byIds.stderr).toBe(0);
    expect(JSON.parse(byIds.stdout)).toMatchObject({
      role: { id: roleId, name: 'odd' },
      group: { id: groupId, name: 'Odd' },
      unchanged: 3,
      skipped: 2,
    });

    const map = await ws.run(syncArgs('odd', 'Odd', '--yes', '--map', 'login=user_metadata.x'));
    expect(map.code).toBe(2);
    expect(map.stderr).toContain('login and email always come from the Auth0 email');
    const missing = await ws.run(['sync', 'auth0-role', '--yes', '--group', 'Odd']);
    expect(missing.code).toBe(2);

    // A management app granted only what init needs.
    const client = await limitedManagementApp(emus.auth0, 'no-users', ['read:clients', 'read:roles']);
    const limited = await workspace();
    try {
      await connectProfile(limited, emus, client);
      emus.okta.clearRequestLog();
      const scopes = await limited.run(syncArgs('odd', 'Odd', '--yes'));
      expect(scopes.code).toBe(1);
      expect(scopes.stderr).toContain('lacks read:users, read:role_members');
      expect(scopes.stderr).toContain('sync auth0-role');
      expect(oktaWrites(emus.okta)).toEqual([]);
    } finally {
      await limited.cleanup();
    }
  });

  test('a sync killed half-way is completed by the next run, with no duplicates', async () => {
    const { okta } = emus;
    const before = oktaLogins(okta).length;
    const child = ws.spawn(syncArgs('interrupted', 'Interrupted', '--yes', '--create-group', '--concurrency', '4'));
    let stderr = '';
    child.stderr?.on('data', (c) => (stderr += c));
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    // Kill it once some users exist, some of them perhaps created but not yet in the group.
    const deadline = Date.now() + 60_000;
    while (oktaLogins(okta).length < before + 150 && Date.now() < deadline && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const made = oktaLogins(okta).length - before;
    expect(made, stderr).toBeGreaterThanOrEqual(150);
    expect(made).toBeLessThan(800);

    const rerun = await ws.run(['--json', ...syncArgs('interrupted', 'Interrupted', '--yes')], { timeoutMs: 120_000 });
    expect(rerun.code, rerun.stderr).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    expect(summary.created + summary.added + summary.unchanged).toBe(800);
    expect(summary.created).toBe(800 - made);
    const expected = emailsOf(emus, 'interrupted').sort();
    expect(groupLogins(okta, 'Interrupted')).toEqual(expected);
    const all = oktaLogins(okta);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length - before).toBe(800);
  }, 150_000);

  test('dropped connections, 500s and 429s on both sides: the run completes, nothing twice', async () => {
    const { okta, auth0 } = emus;
    const before = oktaLogins(okta).length;
    okta.setFaults({ faultRate: 0.04, faultKinds: ['429', '500', 'drop'], seed: 3 });
    auth0.setFaults({ faultRate: 0.04, faultKinds: ['429', '500', 'drop'], seed: 4 });
    try {
      const run = await ws.run(['--json', ...syncArgs('faulty', 'Faulty', '--yes', '--create-group')], {
        timeoutMs: 120_000,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ seen: 300, failed: 0, skipped: 0 });
    } finally {
      okta.clearFaults();
      auth0.setFaults({ faultRate: 0, faultSchedule: {} });
    }
    expect(okta.requestLog.filter((e) => (e as { fault?: string }).fault).length).toBeGreaterThan(0);
    expect(auth0Log(auth0).filter((e) => e.fault).length).toBeGreaterThan(0);
    expect(groupLogins(okta, 'Faulty')).toEqual(emailsOf(emus, 'faulty').sort());
    const all = oktaLogins(okta);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length - before).toBe(300);
  }, 150_000);
});
