import { json } from '../http.js';
import type { Route } from '../router.js';
import type { Tenant } from '../tenant.js';
import { pageOf, project } from './query.js';
import { managementResource } from './resource.js';

/** `q` support is minimal: `email:"x"` / `email:x` exact match, else no filter. */
function emailQuery(q: string | null): string | undefined {
  const m = /^email:"?([^"]+)"?$/.exec(q ?? '');
  return m?.[1]?.toLowerCase();
}

export function userRoutes(tenant: Tenant): Route[] {
  const { store } = tenant;
  const users = managementResource(tenant, 'users');
  return [
    users.list(({ url }) => {
      const email = emailQuery(url.searchParams.get('q'));
      if (email) {
        const all = [...store.users.values()].filter((u) => u.email.toLowerCase() === email);
        return pageOf(url, 'users', all.length, (s, e) => all.slice(s, e).map((u) => project(url, u)));
      }
      // Without a filter: a lazy view, so paging 50,000 users never copies them all.
      const ids = [...store.users.keys()];
      return pageOf(url, 'users', ids.length, (s, e) =>
        ids.slice(s, e).map((id) => project(url, store.users.get(id)!)),
      );
    }),
    users.get((u, { url }) => json(project(url, u))),
    {
      method: 'GET',
      path: '/api/v2/users-by-email',
      scopes: ['read:users'],
      handler: ({ url }) => {
        const email = (url.searchParams.get('email') ?? '').toLowerCase();
        return json(
          [...store.users.values()].filter((u) => u.email.toLowerCase() === email).map((u) => project(url, u)),
        );
      },
    },
  ];
}
