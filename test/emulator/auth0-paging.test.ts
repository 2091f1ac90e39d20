import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth0Emulator, type Auth0Emulator } from '../../src/emulator/auth0/index.js';
import { managementClient, postToken } from '../support/auth0-sdk.js';
import { managementCredentials } from '../support/auth0-requests.js';

let emu: Auth0Emulator;
let token: string;
let roleId: string;
const MEMBERS = 5_000;

beforeAll(async () => {
  emu = await startAuth0Emulator({ seed: 3 });
  const res = await fetch(`${emu.url}/__emulator/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roles: [{ name: 'employees', users: MEMBERS }, { name: 'empty' }], users: 10 }),
  });
  expect(res.status).toBe(201);
  const seeded = (await res.json()) as {
    roles: { id: string; name: string; userCount: number }[];
    usersCreated: number;
  };
  expect(seeded.usersCreated).toBe(MEMBERS + 10);
  expect(seeded.roles[0]).toMatchObject({ name: 'employees', userCount: MEMBERS });
  roleId = seeded.roles[0]!.id;
  const tok = await postToken(emu, managementCredentials(emu));
  token = tok.body.access_token as string;
});
afterAll(async () => {
  await emu.stop();
});

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emu.managementBaseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

describe('auth0 emulator: role members paging', () => {
  it('walks every member once with the SDK checkpoint pagination (from/take)', async () => {
    const mgmt = managementClient(emu);
    const started = Date.now();
    const seen = new Set<string>();
    let pages = 0;
    let page = await mgmt.roles.users.list(roleId, { take: 100 });
    for (;;) {
      pages++;
      for (const u of page.data) {
        expect(seen.has(u.user_id!)).toBe(false);
        seen.add(u.user_id!);
      }
      if (!page.hasNextPage()) break;
      page = await page.getNextPage();
    }
    expect(seen.size).toBe(MEMBERS);
    expect(pages).toBe(MEMBERS / 100);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('iterates with for-await too', async () => {
    const mgmt = managementClient(emu);
    let n = 0;
    for await (const u of await mgmt.roles.users.list(roleId, { take: 50 })) {
      expect(u.email).toMatch(/@example\.com$/);
      n++;
    }
    expect(n).toBe(MEMBERS);
  });

  it('answers {users, next} and leaves next out on the last page', async () => {
    const first = await get(`/roles/${roleId}/users?take=3000`);
    expect(first.status).toBe(400);
    const a = await get(`/roles/${roleId}/users?take=100`);
    expect(a.body.users).toHaveLength(100);
    expect(typeof a.body.next).toBe('string');
    let next = a.body.next as string;
    let count = 100;
    for (;;) {
      const p = await get(`/roles/${roleId}/users?take=100&from=${encodeURIComponent(next)}`);
      count += p.body.users.length;
      if (!('next' in p.body)) break;
      next = p.body.next;
    }
    expect(count).toBe(MEMBERS);
    const bad = await get(`/roles/${roleId}/users?from=garbage`);
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('invalid_query_string');
    const empty = await get(`/roles/${(await get('/roles?name_filter=empty')).body[0].id}/users?take=10`);
    expect(empty.body).toEqual({ users: [] });
  });

  it('supports page/per_page with and without include_totals', async () => {
    const bare = await get(`/roles/${roleId}/users?per_page=25&page=2`);
    expect(Array.isArray(bare.body)).toBe(true);
    expect(bare.body).toHaveLength(25);
    const totals = await get(`/roles/${roleId}/users?per_page=100&page=49&include_totals=true`);
    expect(totals.body).toMatchObject({ start: 4900, limit: 100, total: MEMBERS });
    expect(totals.body.users).toHaveLength(100);
    const past = await get(`/roles/${roleId}/users?per_page=100&page=50&include_totals=true`);
    expect(past.body.users).toEqual([]);
    const tooBig = await get(`/roles/${roleId}/users?per_page=101`);
    expect(tooBig.status).toBe(400);
    // pages stitched together = the checkpoint walk, in order
    const ids: string[] = [];
    for (let p = 0; p < 5; p++)
      ids.push(
        ...(await get(`/roles/${roleId}/users?per_page=20&page=${p}`)).body.map((u: { user_id: string }) => u.user_id),
      );
    const cp = await get(`/roles/${roleId}/users?take=100`);
    expect(ids).toEqual(cp.body.users.map((u: { user_id: string }) => u.user_id));
  });

  it('seeds 50,000 users into a role quickly and pages the tail cheaply', async () => {
    const big = await startAuth0Emulator({ seed: 5 });
    try {
      const t0 = Date.now();
      const result = big.seed({ roles: [{ name: 'everyone', users: 50_000 }] });
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(result.roles[0]!.userCount).toBe(50_000);
      const mgmt = managementClient(big);
      const t1 = Date.now();
      const seen = new Set<string>();
      for await (const u of await mgmt.roles.users.list(result.roles[0]!.id, { take: 100 })) seen.add(u.user_id!);
      expect(seen.size).toBe(50_000);
      expect(Date.now() - t1).toBeLessThan(15_000);
      const user = await mgmt.users.get([...seen][49_999]!);
      expect(user.user_metadata).toEqual({ firstName: user.given_name, lastName: user.family_name });
    } finally {
      await big.stop();
    }
  });
});
