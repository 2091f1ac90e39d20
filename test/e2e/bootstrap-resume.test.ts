import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { describeWithKeychain, type Workspace } from '../support/index.js';
import { useFreshOrgs } from '../support/suite-workspaces.js';

// Issue 17: "an interrupted run is completed by running it again". A bootstrap is interrupted between its writes
// (the emulator fails the last one, the admin role assignment, with a 500 that is not safe to retry); running it
// again completes it without a second app, custom role or resource set, and a run after that makes no write.

/** What the emulator's fault schedule counts: management requests (src/emulator/okta/auth.ts isManagementPath). */
const isManagement = (path: string) => path.startsWith('/api/') || path.startsWith('/oauth2/v1/clients/');
const isRoleAssignment = (e: { method: string; path: string }) =>
  e.method === 'POST' && /^\/oauth2\/v1\/clients\/[^/]+\/roles$/.test(e.path);
const writes = (log: Array<{ method: string; path: string }>) =>
  log.filter((e) => e.method !== 'GET' && isManagement(e.path)).map((e) => `${e.method} ${e.path}`);

/** The objects labelled as the bootstrap labels them, in the emulator's state. */
function labelled(emu: EmulatorHandle, label: string) {
  const state = emu.state as any;
  const apps = (state.apps.values() as any[]).filter((a) => a.label === label);
  return {
    apps,
    roles: (state.iam.roles.values() as any[]).filter((r) => r.label === label),
    resourceSets: (state.iam.resourceSets.values() as any[]).filter((r) => r.label === label),
    assignments: apps.flatMap((a) => (state.clientRoles.get(a.id) ?? []) as any[]),
  };
}

async function profileOf(ws: Workspace): Promise<Record<string, any>> {
  const doc = JSON.parse(await readFile(join(ws.dir, 'config', 'profiles.json'), 'utf8'));
  return doc.profiles[ws.profile];
}

describeWithKeychain('login --oauth --bootstrap, interrupted', () => {
  const orgs = useFreshOrgs({ rateLimits: 'off' });

  it(
    'a failed role assignment: the re-run completes it with one app, role and resource set; the next run writes nothing',
    { timeout: 150_000 },
    async () => {
      // Where the role assignment falls among the management requests of a bootstrap on a fresh org.
      const reference = await orgs.loggedIn();
      reference.emu.setFaults({ faultSchedule: {} });
      reference.emu.clearRequestLog();
      const whole = await reference.ws.run(['login', '--oauth', '--bootstrap', '--yes']);
      expect(whole.code, whole.stderr).toBe(0);
      const counted = reference.emu.requestLog.filter((e) => isManagement(e.path));
      const nth = counted.findIndex(isRoleAssignment) + 1;
      expect(nth).toBeGreaterThan(1);

      const { ws, emu } = await orgs.loggedIn();
      const label = `okta-m2m (${ws.profile})`;
      emu.setFaults({ faultSchedule: { [nth]: '500' } });
      const interrupted = await ws.run(['login', '--oauth', '--bootstrap', '--yes']);
      expect(interrupted.code).not.toBe(0);
      expect(emu.requestLog.filter((e) => e.fault === '500').map((e) => `${e.method} ${e.path}`)).toEqual([
        expect.stringMatching(/^POST \/oauth2\/v1\/clients\/[^/]+\/roles$/),
      ]);
      // Made so far: the app, its grants, the resource set and the custom role; not the assignment. The profile
      // records their ids, and still logs in with the API token.
      const half = labelled(emu, label);
      expect([half.apps.length, half.roles.length, half.resourceSets.length, half.assignments.length]).toEqual([
        1, 1, 1, 0,
      ]);
      const halfProfile = await profileOf(ws);
      expect(halfProfile.authMode).toBe('ssws');
      expect(halfProfile.bootstrap).toMatchObject({
        appId: half.apps[0].id,
        roleId: half.roles[0].id,
        resourceSetId: half.resourceSets[0].id,
      });
      expect(halfProfile.bootstrap.assignmentId).toBeUndefined();

      // Again, no fault: it completes what is missing, the role assignment alone, and switches the profile.
      emu.setFaults({ faultSchedule: {} });
      emu.clearRequestLog();
      const resumed = await ws.run(['login', '--oauth', '--bootstrap', '--yes', '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ changed: true, role: 'CUSTOM' });
      expect(writes(emu.requestLog)).toEqual([expect.stringMatching(/^POST \/oauth2\/v1\/clients\/[^/]+\/roles$/)]);
      const whole2 = labelled(emu, label);
      expect([whole2.apps.length, whole2.roles.length, whole2.resourceSets.length, whole2.assignments.length]).toEqual([
        1, 1, 1, 1,
      ]);
      expect(whole2.apps[0].id).toBe(half.apps[0].id);
      const profile = await profileOf(ws);
      expect(profile).toMatchObject({ authMode: 'private_key_jwt', bootstrap: { assignmentId: expect.any(String) } });

      // And once more (the API token from the environment: the profile no longer has one): nothing to write.
      emu.clearRequestLog();
      const again = await ws.run(['login', '--oauth', '--bootstrap', '--yes', '--json'], {
        env: { OKTA_M2M_API_TOKEN: emu.adminToken },
      });
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ changed: false });
      expect(writes(emu.requestLog)).toEqual([]);
    },
  );
});
