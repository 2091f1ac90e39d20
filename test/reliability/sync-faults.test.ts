/**
 * The fault matrix for `sync auth0-role`: every kind of fault at every Okta management request position of a clean
 * sync (and 429/500/drop at every Auth0 Management API position), then re-running converges on exactly what a clean
 * sync leaves (each user once, by login; the group once; every member in it), and a further run writes nothing.
 * Secrets come from the environment (as in CI), so no keychain is involved; everything runs in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminGet,
  connectProfile,
  managementRequests,
  managementWrites,
  oktaEmulator,
  orgWorkspace,
  syncArgs,
  type OrgWorkspace,
} from '../support/index.js';
import { runSchedule, untilSuccess } from '../support/fault-matrix.js';
import { startAuth0Emulator, type Auth0Emulator } from '../../src/emulator/auth0/index.js';
import type { EmulatorHandle, FaultKind } from '../../src/emulator/okta/index.js';

const SYNC = syncArgs('staff', 'Auth0 Staff', '--yes', '--create-group', '--concurrency', '1');
const OKTA_KINDS: FaultKind[] = ['429', '500', 'drop-before', 'drop-after'];
const AUTH0_KINDS = ['429', '500', 'drop-before'] as const;
let ran = 0;
let converged = 0;

async function setup(label: string): Promise<World> {
  const [okta, a0] = await Promise.all([
    oktaEmulator(),
    startAuth0Emulator({ port: 0, seed: 5, seedData: { roles: [{ name: 'staff', users: 3 }] } }),
  ]);
  const ws = await orgWorkspace(label);
  // The profile as login writes it, the secrets in the environment (as in CI).
  await connectProfile(ws, { okta, auth0: a0 });
  return { okta, a0, ws };
}

async function teardown(okta: EmulatorHandle, a0: Auth0Emulator, ws: OrgWorkspace): Promise<void> {
  await ws.cleanup();
  await Promise.all([okta.stop(), a0.stop()]);
}

/** Users by login (with counts), groups by name, and the logins in each group. */
async function oktaInventory(okta: EmulatorHandle): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const add = (key: string) => (out[key] = ((out[key] as number | undefined) ?? 0) + 1);
  for (const user of await adminGet(okta, '/api/v1/users?limit=200'))
    add(`user:${String(user.profile.login).toLowerCase()}|${user.status}`);
  for (const group of await adminGet(okta, '/api/v1/groups?limit=200')) {
    if (group.type !== 'OKTA_GROUP') continue;
    add(`group:${group.profile.name}`);
    const members = await adminGet(okta, `/api/v1/groups/${group.id}/users?limit=200`);
    out[`group:${group.profile.name}#members`] = members
      .map((m) => String(m.profile.login).toLowerCase())
      .sort()
      .join(',');
  }
  return out;
}

interface World {
  okta: EmulatorHandle;
  a0: Auth0Emulator;
  ws: OrgWorkspace;
}

/** One schedule in fresh emulators: a failure is kept under `what` and the matrix goes on; torn down after. */
async function schedule(label: string, what: string, failures: string[], body: (world: World) => Promise<void>) {
  ran += 1;
  const world = { setup: () => setup(label), teardown: ({ okta, a0, ws }: World) => teardown(okta, a0, ws) };
  if (await runSchedule(what, failures, world, body)) converged += 1;
}

describe('sync auth0-role fault matrix', () => {
  let reference: Record<string, number | string>;
  let oktaPositions = 0;
  let auth0Positions = 0;
  let started = 0;

  beforeAll(async () => {
    started = Date.now();
    const { okta, a0, ws } = await setup('sync-measure');
    try {
      okta.clearRequestLog();
      a0.clearRequestLog();
      const result = await ws.run(SYNC);
      expect(result.code, result.stderr).toBe(0);
      oktaPositions = managementRequests(okta.requestLog).length;
      auth0Positions = a0.requestLog.filter((e) => e.path.startsWith('/api/v2/')).length;
      reference = await oktaInventory(okta);
    } finally {
      await teardown(okta, a0, ws);
    }
    expect(Object.keys(reference).filter((k) => k.startsWith('user:'))).toHaveLength(3);
    expect(
      Object.values(reference)
        .filter((v) => typeof v === 'number')
        .every((n) => n === 1),
    ).toBe(true);
    expect(String(reference['group:Auth0 Staff#members']).split(',')).toHaveLength(3);
    expect(oktaPositions).toBeGreaterThanOrEqual(6);
  }, 60_000);

  afterAll(() => {
    console.log(
      `sync fault matrix: ${ran} schedules, ${converged} converged (Okta: ${oktaPositions} positions x ${OKTA_KINDS.length} kinds, Auth0: ${auth0Positions} x ${AUTH0_KINDS.length}) in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  });

  it('Okta faults at every position: the re-run converges, no duplicate user or group, every member in', async () => {
    const failures: string[] = [];
    for (let position = 1; position <= oktaPositions; position += 1) {
      for (const kind of OKTA_KINDS) {
        await schedule(`sync-${position}-${kind}`, `${kind} at ${position}`, failures, async ({ okta, ws }) => {
          okta.clearRequestLog();
          okta.setFaults({ faultSchedule: { [position]: kind } });
          await untilSuccess(ws, SYNC);
          expect(
            okta.requestLog.filter((e) => e.fault),
            `the fault at ${position} was injected`,
          ).toHaveLength(1);
          okta.clearFaults();
          expect(await oktaInventory(okta), `Okta after ${kind} at ${position}`).toEqual(reference);
          okta.clearRequestLog();
          const again = await ws.run(SYNC);
          expect(again.code, again.stderr).toBe(0);
          expect(managementWrites(okta.requestLog), `writes on the re-run after ${kind} at ${position}`).toEqual([]);
        });
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('Auth0 faults at every position: the re-run converges', async () => {
    const failures: string[] = [];
    for (let position = 1; position <= auth0Positions; position += 1) {
      for (const kind of AUTH0_KINDS) {
        await schedule(
          `sync-a0-${position}-${kind}`,
          `auth0 ${kind} at ${position}`,
          failures,
          async ({ okta, a0, ws }) => {
            a0.setFaults({ faultSchedule: { [position]: kind } });
            await untilSuccess(ws, SYNC);
            a0.clearFaults();
            expect(await oktaInventory(okta), `Okta after an Auth0 ${kind} at ${position}`).toEqual(reference);
            okta.clearRequestLog();
            expect((await ws.run(SYNC)).code).toBe(0);
            expect(managementWrites(okta.requestLog)).toEqual([]);
          },
        );
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
