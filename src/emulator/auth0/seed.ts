import { createRole } from './management/roles.js';
import type { Role, User } from './model.js';
import type { Tenant } from './tenant.js';

export interface SeedUser {
  email?: string;
  given_name?: string;
  family_name?: string;
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
}

export interface SeedRole {
  name: string;
  description?: string;
  /** A number makes that many generated users (user_metadata {firstName, lastName}); or explicit users. */
  users?: number | SeedUser[];
}

export interface SeedSpec {
  roles?: SeedRole[];
  /** Users in no role. */
  users?: number | SeedUser[];
}

export interface SeedResult {
  roles: { id: string; name: string; userCount: number }[];
  usersCreated: number;
}

const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'John',
  'Margaret',
  'Ken',
  'Radia',
  'Dennis',
  'Katherine',
  'Tim',
  'Hedy',
  'Linus',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Backus',
  'Hamilton',
  'Thompson',
  'Perlman',
  'Ritchie',
  'Johnson',
  'Berners-Lee',
  'Lamarr',
  'Torvalds',
];

function makeUser(tenant: Tenant, n: number, spec: SeedUser, now: string): User {
  const first = spec.given_name ?? FIRST[n % FIRST.length]!;
  const last = spec.family_name ?? LAST[Math.floor(n / FIRST.length) % LAST.length]!;
  const email = spec.email ?? `${first}.${last}.${n}@example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, '');
  let userId = tenant.ids.userId();
  while (tenant.store.users.has(userId)) userId = tenant.ids.userId();
  return {
    user_id: userId,
    email,
    email_verified: true,
    name: `${first} ${last}`,
    given_name: first,
    family_name: last,
    nickname: email.split('@')[0]!,
    picture: `https://s.gravatar.com/avatar/${n.toString(16).padStart(32, '0')}?s=480&r=pg&d=mp`,
    user_metadata: spec.user_metadata ?? { firstName: first, lastName: last },
    app_metadata: spec.app_metadata ?? {},
    identities: [
      {
        connection: 'Username-Password-Authentication',
        user_id: userId.slice('auth0|'.length),
        provider: 'auth0',
        isSocial: false,
      },
    ],
    created_at: now,
    updated_at: now,
  };
}

function addUsers(tenant: Tenant, users: number | SeedUser[]): string[] {
  const specs: SeedUser[] = typeof users === 'number' ? Array.from({ length: users }, () => ({})) : users;
  const now = new Date().toISOString();
  const ids: string[] = new Array(specs.length);
  let n = tenant.store.users.size;
  for (let i = 0; i < specs.length; i++) {
    const u = makeUser(tenant, n++, specs[i]!, now);
    tenant.store.users.set(u.user_id, u);
    ids[i] = u.user_id;
  }
  return ids;
}

/** Adds roles and users in one pass (50,000 users take well under a second). An existing role name is reused. */
export function seedTenant(tenant: Tenant, spec: SeedSpec): SeedResult {
  const result: SeedResult = { roles: [], usersCreated: 0 };
  const before = tenant.store.users.size;
  for (const r of spec.roles ?? []) {
    let role: Role | undefined = [...tenant.store.roles.values()].find((x) => x.name === r.name);
    role ??= createRole(tenant, r.name, r.description ?? '');
    if (r.users !== undefined) tenant.store.addMembers(role.id, addUsers(tenant, r.users));
    result.roles.push({
      id: role.id,
      name: role.name,
      userCount: tenant.store.roleMembers.get(role.id)?.ids.length ?? 0,
    });
  }
  if (spec.users !== undefined) addUsers(tenant, spec.users);
  result.usersCreated = tenant.store.users.size - before;
  tenant.changed();
  return result;
}
