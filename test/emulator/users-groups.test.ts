import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { api, expectOktaError, useOktaEmulator } from '../support/index.js';

let emulator: EmulatorHandle;

// Not about rate limits: 300 users and memberships in one minute are past the developer plan's limits.
useOktaEmulator((started) => (emulator = started));

const profile = (login: string) => ({ firstName: 'F', lastName: login.split('@')[0], email: login, login });

async function followAll(path: string): Promise<any[]> {
  const items: any[] = [];
  let next: string | undefined = path;
  while (next) {
    const page: { headers: Headers; body: any } = await api(emulator, 'GET', next);
    items.push(...page.body);
    const url = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    next = url?.slice(emulator.url.length);
  }
  return items;
}

describe('users', () => {
  it('creates ACTIVE, PROVISIONED or STAGED users and finds them by id, login, q and search', async () => {
    // Okta createUser: activate=true with a password gives ACTIVE, without one PROVISIONED (spec: createUser examples).
    const active = await api(emulator, 'POST', '/api/v1/users?activate=true', {
      profile: profile('grace@example.com'),
      credentials: { password: { value: 'Tr0ub4dor&3-long' } },
    });
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({ status: 'ACTIVE', profile: { login: 'grace@example.com' } });
    const staged = await api(emulator, 'POST', '/api/v1/users?activate=false', {
      profile: profile('linus@example.com'),
    });
    expect(staged.body.status).toBe('STAGED');
    expect((await api(emulator, 'GET', `/api/v1/users/${active.body.id}`)).body.id).toBe(active.body.id);
    expect((await api(emulator, 'GET', `/api/v1/users/${encodeURIComponent('GRACE@example.com')}`)).body.id).toBe(
      active.body.id,
    );
    const bySearch = await api(
      emulator,
      'GET',
      `/api/v1/users?search=${encodeURIComponent('profile.login eq "linus@example.com"')}`,
    );
    expect(bySearch.body.map((u: any) => u.id)).toEqual([staged.body.id]);
    const byFilter = await api(emulator, 'GET', `/api/v1/users?filter=${encodeURIComponent('status eq "STAGED"')}`);
    expect(byFilter.body.map((u: any) => u.id)).toEqual([staged.body.id]);
    const byQ = await api(emulator, 'GET', '/api/v1/users?q=lin');
    expect(byQ.body.map((u: any) => u.id)).toEqual([staged.body.id]);
  });

  it('rejects duplicates and missing fields, and 404s unknown users', async () => {
    await api(emulator, 'POST', '/api/v1/users', { profile: profile('dup@example.com') });
    const dup = await api(emulator, 'POST', '/api/v1/users', { profile: profile('DUP@example.com') });
    expectOktaError(dup, 400, 'E0000001');
    expect(dup.body.errorCauses[0].errorSummary).toBe(
      'login: An object with this field already exists in the current organization',
    );
    const missing = await api(emulator, 'POST', '/api/v1/users', { profile: { login: 'x@example.com' } });
    expectOktaError(missing, 400, 'E0000001');
    expect(missing.body.errorCauses.map((c: any) => c.errorSummary)).toContain(
      'firstName: The field cannot be left blank',
    );
    expectOktaError(await api(emulator, 'GET', '/api/v1/users/nobody@example.com'), 404, 'E0000007');
    expectOktaError(
      await api(emulator, 'GET', `/api/v1/users?search=${encodeURIComponent('profile.login eq')}`),
      400,
      'E0000001',
    );
  });
});

describe('groups and membership', () => {
  it('creates, finds and rejects duplicate group names', async () => {
    const group = await api(emulator, 'POST', '/api/v1/groups', {
      profile: { name: 'Engineering', description: 'eng' },
    });
    expect(group.status).toBe(200);
    expect(group.body).toMatchObject({
      type: 'OKTA_GROUP',
      profile: { name: 'Engineering', description: 'eng' },
      objectClass: ['okta:user_group'],
    });
    expectOktaError(
      await api(emulator, 'POST', '/api/v1/groups', { profile: { name: 'Engineering' } }),
      400,
      'E0000001',
    );
    expect((await api(emulator, 'GET', '/api/v1/groups?q=eng')).body.map((g: any) => g.id)).toEqual([group.body.id]);
    expectOktaError(await api(emulator, 'GET', '/api/v1/groups/00gmissing'), 404, 'E0000007');
    expectOktaError(await api(emulator, 'PUT', `/api/v1/groups/${group.body.id}/users/00umissing`), 404, 'E0000007');
  });

  it('adds and removes members idempotently and pages through them with Link headers', async () => {
    const group = (await api(emulator, 'POST', '/api/v1/groups', { profile: { name: 'big' } })).body;
    const total = 300;
    const ids: string[] = [];
    for (let batch = 0; batch < total; batch += 50) {
      const created = await Promise.all(
        Array.from({ length: Math.min(50, total - batch) }, (_, i) =>
          api(emulator, 'POST', '/api/v1/users', { profile: profile(`bulk${batch + i}@example.com`) }),
        ),
      );
      ids.push(...created.map((r) => r.body.id));
      await Promise.all(created.map((r) => api(emulator, 'PUT', `/api/v1/groups/${group.id}/users/${r.body.id}`)));
    }
    expect((await api(emulator, 'PUT', `/api/v1/groups/${group.id}/users/${ids[0]}`)).status).toBe(204);
    const members = await followAll(`/api/v1/groups/${group.id}/users?limit=50`);
    expect(members).toHaveLength(total);
    expect(new Set(members.map((m) => m.id)).size).toBe(total);
    expect((await api(emulator, 'DELETE', `/api/v1/groups/${group.id}/users/${ids[1]}`)).status).toBe(204);
    expect((await api(emulator, 'DELETE', `/api/v1/groups/${group.id}/users/${ids[1]}`)).status).toBe(204);
    const users = await followAll('/api/v1/users?limit=100');
    expect(users.length).toBeGreaterThanOrEqual(total);
    const afterRemoval = await followAll(`/api/v1/groups/${group.id}/users?limit=1000`);
    expect(afterRemoval).toHaveLength(total - 1);
  });
});
