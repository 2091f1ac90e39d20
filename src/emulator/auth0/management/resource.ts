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

/** One row of RESOURCES: Auth0's path for a collection is its scope name with hyphens, under /api/v2. */
function row<T>(scope: string, lookup: ResourceSpec<T>['lookup'], message: string, errorCode: string): ResourceSpec<T> {
  return { path: `/api/v2/${scope.replaceAll('_', '-')}`, scope, lookup, missing: [message, errorCode] };
}

/** The Management API v2 collections the emulator serves, with Auth0's own words for an id that names nothing. */
const RESOURCES = {
  clients: row<Client>('clients', (s, id) => s.clients.get(id), 'The client does not exist', 'inexistent_client'),
  clientGrants: row<ClientGrant>(
    'client_grants',
    (s, id) => s.clientGrants.get(id),
    'The client grant does not exist',
    'inexistent_client_grant',
  ),
  // GET/PATCH/DELETE accept the id or the (URL-encoded) identifier, as Auth0 does.
  resourceServers: row<ResourceServer>(
    'resource_servers',
    (s, id) => s.resourceServers.get(id) ?? s.resourceServerByIdentifier(id),
    'The resource server does not exist',
    'inexistent_resource_server',
  ),
  roles: row<Role>('roles', (s, id) => s.roles.get(id), 'The role does not exist.', 'inexistent_role'),
  users: row<User>('users', (s, id) => s.users.get(id), 'The user does not exist.', 'inexistent_user'),
};

type Resources = typeof RESOURCES;
type ItemOf<K extends keyof Resources> = Resources[K] extends ResourceSpec<infer T> ? T : never;

type Body = Record<string, unknown>;

/**
 * The routes of one Management API v2 collection, in the order Auth0's handlers work: find the object (404
 * `missing`), check the body (an object with only the `fields` named), run the handler, and record a change
 * once it succeeded. `scopes` replaces the default verb:name scope where Auth0 accepts others too.
 */
export function managementResource<K extends keyof Resources>(tenant: Tenant, name: K) {
  type T = ItemOf<K>;
  // One row of RESOURCES; TypeScript cannot narrow the union of rows by the key.
  const spec = RESOURCES[name] as unknown as ResourceSpec<T>;
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
