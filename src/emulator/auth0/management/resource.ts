import { notFound, ReplyError, type Reply } from '../errors.js';
import { noContent } from '../http.js';
import type { Handler, RequestContext, Route } from '../router.js';
import type { Client, ClientGrant, ResourceServer, Role, User } from '../model.js';
import type { TenantStore } from '../store.js';
import type { Tenant } from '../tenant.js';
import { rejectUnknown, requireObject } from './query.js';

interface ResourceSpec<T> {
  /** the collection's path; an item is at path/:id */
  path: string;
  /** the name in the Management API's scopes: read:<name>, create:<name>, update:<name>, delete:<name> */
  scope: string;
  /** the object an id names, if any */
  lookup: (store: TenantStore, id: string) => T | undefined;
  /** Auth0's 404 for an id that names nothing: its message and errorCode */
  missing: [message: string, errorCode: string];
}

/** The Management API v2 collections the emulator serves, with Auth0's own words for a missing one. */
const RESOURCES = {
  clients: {
    path: '/api/v2/clients',
    scope: 'clients',
    lookup: (store, id) => store.clients.get(id),
    missing: ['The client does not exist', 'inexistent_client'],
  } satisfies ResourceSpec<Client>,
  clientGrants: {
    path: '/api/v2/client-grants',
    scope: 'client_grants',
    lookup: (store, id) => store.clientGrants.get(id),
    missing: ['The client grant does not exist', 'inexistent_client_grant'],
  } satisfies ResourceSpec<ClientGrant>,
  resourceServers: {
    path: '/api/v2/resource-servers',
    scope: 'resource_servers',
    // GET/PATCH/DELETE accept the id or the (URL-encoded) identifier, as Auth0 does.
    lookup: (store, idOrIdentifier) =>
      store.resourceServers.get(idOrIdentifier) ?? store.resourceServerByIdentifier(idOrIdentifier),
    missing: ['The resource server does not exist', 'inexistent_resource_server'],
  } satisfies ResourceSpec<ResourceServer>,
  roles: {
    path: '/api/v2/roles',
    scope: 'roles',
    lookup: (store, id) => store.roles.get(id),
    missing: ['The role does not exist.', 'inexistent_role'],
  } satisfies ResourceSpec<Role>,
  users: {
    path: '/api/v2/users',
    scope: 'users',
    lookup: (store, id) => store.users.get(id),
    missing: ['The user does not exist.', 'inexistent_user'],
  } satisfies ResourceSpec<User>,
};

type Resources = typeof RESOURCES;
type ItemOf<K extends keyof Resources> = NonNullable<ReturnType<Resources[K]['lookup']>>;

type Body = Record<string, unknown>;

/**
 * The routes of one Management API v2 collection, in the order Auth0's handlers work: find the object (404
 * `missing`), check the body (an object with only the `fields` named), run the handler, and record a change
 * once it succeeded. `scopes` replaces the default verb:name scope where Auth0 accepts others too.
 */
export function managementResource<K extends keyof Resources>(tenant: Tenant, name: K) {
  type T = ItemOf<K>;
  const spec: ResourceSpec<T> = RESOURCES[name] as ResourceSpec<T>;
  const item = `${spec.path}/:id`;
  const find = (id: string): T => {
    const found = spec.lookup(tenant.store, id);
    if (!found) throw new ReplyError(notFound(...spec.missing));
    return found;
  };
  const changing = (reply: Reply): Reply => {
    if (reply.status < 400) tenant.changed();
    return reply;
  };
  const route = (method: string, path: string, verb: string, handler: Handler, scopes?: string[]): Route => ({
    method,
    path,
    scopes: scopes ?? [`${verb}:${spec.scope}`],
    handler,
  });
  return {
    find,
    item,
    list: (handler: Handler, scopes?: string[]) => route('GET', spec.path, 'read', handler, scopes),
    create: (fields: readonly string[], handler: (body: Body, ctx: RequestContext) => Reply) =>
      route('POST', spec.path, 'create', (ctx) => {
        const body = requireObject(ctx.body);
        rejectUnknown(body, fields);
        return changing(handler(body, ctx));
      }),
    get: (handler: (found: T, ctx: RequestContext) => Reply, scopes?: string[]) =>
      route('GET', item, 'read', (ctx) => handler(find(ctx.params.id!), ctx), scopes),
    update: (
      fields: readonly string[],
      handler: (found: T, body: Body, ctx: RequestContext) => Reply,
      scopes?: string[],
    ) =>
      route(
        'PATCH',
        item,
        'update',
        (ctx) => {
          const found = find(ctx.params.id!);
          const body = requireObject(ctx.body);
          rejectUnknown(body, fields);
          return changing(handler(found, body, ctx));
        },
        scopes,
      ),
    /** `remove` deletes the object and what hangs on it, or throws a ReplyError saying why it may not. */
    delete: (remove: (found: T) => void) =>
      route('DELETE', item, 'delete', (ctx) => {
        remove(find(ctx.params.id!));
        return changing(noContent());
      }),
  };
}
