import { badRequest, conflict, notFound, ReplyError, type Reply } from '../errors.js';
import { json } from '../http.js';
import type { ClientGrant } from '../model.js';
import type { Route } from '../router.js';
import type { Tenant } from '../tenant.js';
import { optString, optStringArray, pageOf } from './query.js';
import { managementResource } from './resource.js';

/** Creates a grant after the checks Auth0 makes. Exported for the tenant bootstrap. */
export function createGrant(tenant: Tenant, clientId: string, audience: string, scope: string[]): ClientGrant {
  const { store } = tenant;
  if (!store.clients.has(clientId)) throw new ReplyError(notFound('The client does not exist', 'inexistent_client'));
  if (!store.resourceServerByIdentifier(audience)) {
    throw new ReplyError(
      notFound(`No resource server found for the identifier ${audience}`, 'inexistent_resource_server'),
    );
  }
  if (store.grantFor(clientId, audience)) {
    throw new ReplyError(
      conflict('A client grant for the same client and audience already exists', 'client_grant_conflict'),
    );
  }
  let id = tenant.ids.clientGrantId();
  while (store.clientGrants.has(id)) id = tenant.ids.clientGrantId();
  const g: ClientGrant = { id, client_id: clientId, audience, scope: [...scope], subject_type: 'client' };
  store.clientGrants.set(id, g);
  return g;
}

export function clientGrantRoutes(tenant: Tenant): Route[] {
  const { store } = tenant;
  const grants = managementResource(tenant, 'clientGrants');
  return [
    grants.create(
      ['client_id', 'audience', 'scope', 'organization_usage', 'allow_any_organization', 'subject_type'],
      (body): Reply => {
        const clientId = optString(body, 'client_id', { required: true })!;
        const audience = optString(body, 'audience', { required: true })!;
        const scope = optStringArray(body, 'scope');
        if (!scope) return badRequest("Payload validation error: 'Missing required property: scope'.");
        return json(createGrant(tenant, clientId, audience, scope), 201);
      },
    ),
    grants.list(({ url }) => {
      const audience = url.searchParams.get('audience');
      const clientId = url.searchParams.get('client_id');
      const all = [...store.clientGrants.values()].filter(
        (g) => (audience === null || g.audience === audience) && (clientId === null || g.client_id === clientId),
      );
      return pageOf(url, 'client_grants', all.length, (s, e) => all.slice(s, e), { checkpoint: true });
    }),
    grants.get((g) => json(g)),
    grants.update(['scope', 'organization_usage', 'allow_any_organization'], (g, body) => {
      const scope = optStringArray(body, 'scope');
      if (scope) g.scope = [...scope];
      return json(g);
    }),
    grants.delete((g) => {
      store.clientGrants.delete(g.id);
    }),
  ];
}
