import { notFound, ReplyError, conflict } from '../errors.js';
import { json } from '../http.js';
import type { Role, User } from '../model.js';
import type { Route } from '../router.js';
import type { Tenant } from '../tenant.js';
import { optString, optStringArray, pageOf, requireObject } from './query.js';
import { managementResource } from './resource.js';

/** What GET /roles/{id}/users returns for each member. */
function memberView(u: User): Record<string, unknown> {
  return { user_id: u.user_id, email: u.email, picture: u.picture, name: u.name };
}

/** Creates a role (409 when the name is taken, as Auth0 does). Exported for seeding. */
export function createRole(tenant: Tenant, name: string, description = ''): Role {
  for (const r of tenant.store.roles.values()) {
    if (r.name === name) throw new ReplyError(conflict('Role already exists', 'role_conflict'));
  }
  let id = tenant.ids.roleId();
  while (tenant.store.roles.has(id)) id = tenant.ids.roleId();
  const role: Role = { id, name, description };
  tenant.store.roles.set(id, role);
  return role;
}

export function roleRoutes(tenant: Tenant): Route[] {
  const { store } = tenant;
  const roles = managementResource(tenant, 'roles');
  return [
    roles.list(({ url }) => {
      const filter = url.searchParams.get('name_filter')?.toLowerCase();
      const all = [...store.roles.values()].filter((r) => !filter || r.name.toLowerCase().includes(filter));
      return pageOf(url, 'roles', all.length, (s, e) => all.slice(s, e));
    }),
    roles.create(['name', 'description'], (body) =>
      json(createRole(tenant, optString(body, 'name', { required: true })!, optString(body, 'description') ?? ''), 200),
    ),
    roles.get((r) => json(r)),
    roles.delete((r) => {
      store.roles.delete(r.id);
      store.roleMembers.delete(r.id);
    }),
    {
      method: 'GET',
      path: `${roles.item}/users`,
      scopes: ['read:users', 'read:roles', 'read:role_members'],
      handler: ({ params, url }) => {
        const r = roles.find(params.id!);
        const ids = store.roleMembers.get(r.id)?.ids ?? [];
        const view = (s: number, e: number) => {
          const out: Record<string, unknown>[] = [];
          for (let i = s; i < e; i++) {
            const u = store.users.get(ids[i]!);
            if (u) out.push(memberView(u));
          }
          return out;
        };
        return pageOf(url, 'users', ids.length, view, { checkpoint: true });
      },
    },
    {
      method: 'POST',
      path: `${roles.item}/users`,
      scopes: ['create:role_members'],
      handler: ({ params, body: raw }) => {
        const r = roles.find(params.id!);
        const body = requireObject(raw);
        const users = optStringArray(body, 'users') ?? [];
        for (const id of users) {
          if (!store.users.has(id)) throw new ReplyError(notFound('The user does not exist.', 'inexistent_user'));
        }
        store.addMembers(r.id, users);
        tenant.changed();
        return { status: 200 };
      },
    },
  ];
}
