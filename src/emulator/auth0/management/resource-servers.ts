import { badRequest, conflict, notFound, ReplyError, type Reply } from '../errors.js';
import { json, noContent } from '../http.js';
import type { ResourceServer, ResourceServerScope } from '../model.js';
import type { Route } from '../router.js';
import type { Tenant } from '../tenant.js';
import { optString, pageOf, project, rejectUnknown, requireObject } from './query.js';

const WRITABLE = [
  'name',
  'scopes',
  'signing_alg',
  'signing_secret',
  'allow_offline_access',
  'token_lifetime',
  'token_lifetime_for_web',
  'skip_consent_for_verifiable_first_party_clients',
  'token_dialect',
  'enforce_policies',
];

function scopesOf(v: unknown): ResourceServerScope[] | undefined {
  if (v === undefined) return undefined;
  if (
    !Array.isArray(v) ||
    v.some((s) => !s || typeof s !== 'object' || typeof (s as ResourceServerScope).value !== 'string')
  ) {
    throw new ReplyError(
      badRequest("Payload validation error: 'Expected type array of {value, description}' on property scopes."),
    );
  }
  return (v as ResourceServerScope[]).map((s) =>
    s.description === undefined ? { value: s.value } : { value: s.value, description: String(s.description) },
  );
}

function apply(rs: ResourceServer, body: Record<string, unknown>): void {
  const name = optString(body, 'name');
  if (name !== undefined) rs.name = name;
  const scopes = scopesOf(body.scopes);
  if (scopes) rs.scopes = scopes;
  const alg = optString(body, 'signing_alg');
  if (alg !== undefined) rs.signing_alg = alg;
  for (const k of [
    'allow_offline_access',
    'skip_consent_for_verifiable_first_party_clients',
    'enforce_policies',
  ] as const) {
    if (typeof body[k] === 'boolean') rs[k] = body[k];
  }
  for (const k of ['token_lifetime', 'token_lifetime_for_web'] as const) {
    const v = body[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2592000) {
      throw new ReplyError(badRequest(`Payload validation error: 'Invalid value for ${k}'.`));
    }
    rs[k] = v;
  }
  const dialect = optString(body, 'token_dialect');
  if (dialect !== undefined) rs.token_dialect = dialect;
}

/** GET/PATCH/DELETE accept the id or the (URL-encoded) identifier, as Auth0 does. */
function find(tenant: Tenant, idOrIdentifier: string): ResourceServer {
  const rs =
    tenant.store.resourceServers.get(idOrIdentifier) ?? tenant.store.resourceServerByIdentifier(idOrIdentifier);
  if (!rs) throw new ReplyError(notFound('The resource server does not exist', 'inexistent_resource_server'));
  return rs;
}

export function resourceServerRoutes(tenant: Tenant): Route[] {
  const { store } = tenant;
  return [
    {
      method: 'POST',
      path: '/api/v2/resource-servers',
      scopes: ['create:resource_servers'],
      handler: ({ body: raw }): Reply => {
        const body = requireObject(raw);
        rejectUnknown(body, ['identifier', ...WRITABLE]);
        const identifier = optString(body, 'identifier', { required: true })!;
        if (store.resourceServerByIdentifier(identifier)) {
          return conflict('A resource server with the same identifier already exists', 'resource_server_conflict');
        }
        let id = tenant.ids.resourceServerId();
        while (store.resourceServers.has(id)) id = tenant.ids.resourceServerId();
        const rs: ResourceServer = {
          id,
          name: identifier,
          identifier,
          is_system: false,
          scopes: [],
          signing_alg: 'RS256',
          allow_offline_access: false,
          skip_consent_for_verifiable_first_party_clients: false,
          token_lifetime: 86400,
          token_lifetime_for_web: 7200,
        };
        apply(rs, body);
        store.resourceServers.set(id, rs);
        tenant.changed();
        return json(rs, 201);
      },
    },
    {
      method: 'GET',
      path: '/api/v2/resource-servers',
      scopes: ['read:resource_servers'],
      handler: ({ url }) => {
        const wanted = url.searchParams.getAll('identifiers');
        let all = [...store.resourceServers.values()];
        if (wanted.length > 0) all = all.filter((rs) => wanted.includes(rs.identifier));
        return pageOf(url, 'resource_servers', all.length, (s, e) => all.slice(s, e).map((rs) => project(url, rs)));
      },
    },
    {
      method: 'GET',
      path: '/api/v2/resource-servers/:id',
      scopes: ['read:resource_servers'],
      handler: ({ params, url }) => json(project(url, find(tenant, params.id!))),
    },
    {
      method: 'PATCH',
      path: '/api/v2/resource-servers/:id',
      scopes: ['update:resource_servers'],
      handler: ({ params, body: raw }) => {
        const rs = find(tenant, params.id!);
        const body = requireObject(raw);
        rejectUnknown(body, WRITABLE);
        if (rs.is_system)
          return badRequest('You cannot update the Management API resource server', 'operation_not_supported');
        apply(rs, body);
        tenant.changed();
        return json(rs);
      },
    },
    {
      method: 'DELETE',
      path: '/api/v2/resource-servers/:id',
      scopes: ['delete:resource_servers'],
      handler: ({ params }) => {
        const rs = find(tenant, params.id!);
        if (rs.is_system)
          return badRequest('You cannot delete the Management API resource server', 'operation_not_supported');
        store.resourceServers.delete(rs.id);
        store.deleteGrantsWhere((g) => g.audience === rs.identifier);
        tenant.changed();
        return noContent();
      },
    },
  ];
}
