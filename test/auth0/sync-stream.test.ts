import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedGroupMembers, startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import { startAuth0Emulator, type Auth0Emulator } from '../../src/emulator/auth0/index.js';
import { createAuth0Management } from '../../src/auth0/client.js';
import { syncRole, type SyncProgress } from '../../src/sync/auth0-role.js';
import { createOktaClient } from '../../src/okta/client.js';

/**
 * Streaming: a role of 50,000 users is read a page at a time and worked on as it comes. The proof: at any moment,
 * the role members received from Auth0 but not yet handled stay within two pages (this one, and the next on its
 * way), whatever the size of the role. The Okta group already holds everyone, so the run is all paging (no
 * per-user request on either side), which keeps it fast enough for the suite.
 */
const USERS = 50_000;

describe('sync streams a 50,000-user role', () => {
  let okta: EmulatorHandle;
  let auth0: Auth0Emulator;

  beforeAll(async () => {
    [okta, auth0] = await Promise.all([
      // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
      startEmulator({ port: 0, rateLimits: 'off', seed: 1 }),
      startAuth0Emulator({ seed: 2, seedData: { roles: [{ name: 'everyone', users: USERS }] } }),
    ]);
    // The Okta side as a previous sync left it: every user exists and is in the group.
    seedGroupMembers(
      okta.state,
      'Everyone',
      [...auth0.tenant.store.users.values()].map((user) => user.email),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all([okta?.stop(), auth0?.stop()]);
  });

  test('at most two pages of role members are held at once; no per-user request when nothing changes', async () => {
    let received = 0;
    let handled = 0;
    let maxHeld = 0;
    let rolePages = 0;
    const countingFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (/\/api\/v2\/roles\/[^/]+\/users/.test(url) && response.ok) {
        const body = (await response.clone().json()) as { users?: unknown[] };
        received += body.users?.length ?? 0;
        rolePages += 1;
        maxHeld = Math.max(maxHeld, received - handled);
      }
      return response;
    }) as typeof fetch;
    const mgmt = await createAuth0Management(
      {
        domain: auth0.domain,
        baseUrl: auth0.url,
        clientId: auth0.managementClientId,
        clientSecret: auth0.managementClientSecret,
      },
      { fetch: countingFetch },
    );
    const client = await createOktaClient({ orgUrl: okta.url, mode: 'ssws', token: okta.adminToken });
    okta.clearRequestLog();
    const progress: SyncProgress[] = [];
    const started = Date.now();
    const summary = await syncRole(mgmt, client, {
      role: 'everyone',
      group: 'Everyone',
      prune: true,
      onProgress: (p) => {
        handled = p.seen;
        if (p.seen % 10_000 === 0) progress.push(p);
      },
    });
    const ms = Date.now() - started;
    expect(summary).toMatchObject({
      seen: USERS,
      unchanged: USERS,
      created: 0,
      added: 0,
      removed: 0,
      skipped: 0,
      failed: 0,
    });
    expect(rolePages).toBe(USERS / 100);
    expect(maxHeld).toBeLessThanOrEqual(200);
    expect([...new Set(progress.map((p) => p.seen))]).toEqual([10_000, 20_000, 30_000, 40_000, 50_000]);
    // Okta: the group and its members, a thousand at a time (twice: at the start and for --prune). Nothing per user.
    const paths = okta.requestLog.map((e) => e.path);
    expect(paths.filter((p) => p.startsWith('/api/v1/users'))).toEqual([]);
    expect(paths.filter((p) => /\/api\/v1\/groups\/\w+\/users/.test(p))).toHaveLength(2 * (USERS / 1000));
    console.info(`streamed ${USERS} role members in ${ms} ms; at most ${maxHeld} held`);
  }, 120_000);
});
