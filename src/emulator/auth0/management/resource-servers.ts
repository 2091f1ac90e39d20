import { badRequest, conflict, ReplyError, type Reply } from '../errors.js';
import { json } from '../http.js';
import type { ResourceServer, ResourceServerScope } from '../model.js';
import type { Route } from '../router.js';
import type { Tenant } from '../tenant.js';
import { optString, pageOf, project } from './query.js';
import { managementResource } from './resource.js';

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

export function resourceServerRoutes(tenant: Tenant): Route[] {
  const { store } = tenant;
  const servers = managementResource(tenant, 'resourceServers');
  return [
    servers.create(['identifier', ...WRITABLE], (body): Reply => {
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
      return json(rs, 201);
    }),
    servers.list(({ url }) => {
      const wanted = url.searchParams.getAll('identifiers');
      let all = [...store.resourceServers.values()];
      if (wanted.length > 0) all = all.filter((rs) => wanted.includes(rs.identifier));
      return pageOf(url, 'resource_servers', all.length, (s, e) => all.slice(s, e).map((rs) => project(url, rs)));
    }),
    servers.get((rs, { url }) => json(project(url, rs))),
    servers.update(WRITABLE, (rs, body) => {
      if (rs.is_system)
        return badRequest('You cannot update the Management API resource server', 'operation_not_supported');
      apply(rs, body);
      return json(rs);
    }),
    servers.delete((rs) => {
      if (rs.is_system) {
        throw new ReplyError(
          badRequest('You cannot delete the Management API resource server', 'operation_not_supported'),
        );
      }
      store.resourceServers.delete(rs.id);
      store.deleteGrantsWhere((g) => g.audience === rs.identifier);
    }),
  ];
}
