import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator } from '../../src/emulator/okta/index.js';
import { startAuth0Emulator } from '../../src/emulator/auth0/index.js';
import {
  connectProfile,
  groupLogins,
  requireBuilt,
  syncArgs,
  workspace,
  type Emulators,
  type Workspace,
} from '../support/index.js';

/**
 * `sync auth0-role` (the built CLI) under Okta's rate limits for the plan a developer org gets, the emulator's
 * default (developer.okta.com/docs/reference/rl-global-mgmt/, Integrator Free Plan: 100 calls a minute to
 * POST /api/v1/users and to /api/v1/groups*; rl2-token-oauth/: 50 % of that for one API token). The minute is
 * scaled down to one second (rateLimitWindowMs), so that a few hundred users, several windows' worth, take seconds.
 */
const USERS = 300;

describe('sync auth0-role under the developer plan', () => {
  let emus: Emulators;
  let ws: Workspace;

  beforeAll(async () => {
    requireBuilt();
    const [okta, auth0] = await Promise.all([
      startEmulator({ port: 0, seed: 11, rateLimits: 'developer', rateLimitWindowMs: 1000 }),
      startAuth0Emulator({
        seed: 11,
        seedData: {
          roles: [
            { name: 'limited', users: USERS },
            { name: 'activated', users: 2 },
          ],
        },
      }),
    ]);
    emus = { okta, auth0, stop: async () => void (await Promise.all([okta.stop(), auth0.stop()])) };
    ws = await workspace();
    await connectProfile(ws, emus);
  });
  afterAll(async () => {
    await emus?.stop();
    await ws?.cleanup();
  });

  test(`${USERS} users complete, paced by X-Rate-Limit-Remaining / -Reset rather than by 429s`, async () => {
    const { okta } = emus;
    okta.clearRequestLog();
    const run = await ws.run(['--json', '--yes', ...syncArgs('limited', 'Limited', '--create-group')], {
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ seen: USERS, created: USERS, failed: 0 });
    expect(groupLogins(okta, 'Limited')).toHaveLength(USERS);
    const calls = okta.requestLog.filter((e) => e.path.startsWith('/api/v1/'));
    // Each user costs a create and a group add, in two buckets of 50 a window for this caller: several windows.
    expect(calls.length).toBeGreaterThanOrEqual(2 * USERS);
    const refused = calls.filter((e) => e.status === 429);
    // The pacer keeps to the window; a call may still meet a reset by a hair. Without it, every window ends in a
    // burst of 429s (most of the concurrent calls past the 50th).
    expect(refused.length, `${refused.length} of ${calls.length} calls refused`).toBeLessThanOrEqual(
      Math.ceil(calls.length * 0.01),
    );
  }, 150_000);

  // Okta createUser (management spec): activate=true without a password leaves the user PROVISIONED and e-mails
  // an activation link; issue 16 row 5: the command must say so before it asks or changes anything.
  test('--activate warns on stderr, before the confirmation, that Okta e-mails every user it activates; the JSON says so', async () => {
    const refused = await ws.run(syncArgs('activated', 'Activated', '--create-group', '--activate', '--prune'));
    expect(refused.code).not.toBe(0);
    const warning = refused.stderr.indexOf('Okta e-mails an activation link to every user');
    expect(warning, refused.stderr).toBeGreaterThanOrEqual(0);
    expect(refused.stderr.indexOf('--yes')).toBeGreaterThan(warning);
    expect(groupLogins(emus.okta, 'Activated')).toEqual([]);

    const run = await ws.run([
      '--json',
      '--yes',
      ...syncArgs('activated', 'Activated', '--create-group', '--activate'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Okta e-mails an activation link to every user this run creates');
    expect(JSON.parse(run.stdout)).toMatchObject({
      created: 2,
      activationEmails: { count: 2, note: 'Okta e-mailed each user created an activation link.' },
    });
  });
});
