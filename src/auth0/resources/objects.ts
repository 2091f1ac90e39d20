import { ConflictError } from '../../errors.js';
import { recordedElseNamed } from '../../reconcile/find-recorded.js';
import { auth0Call, auth0Find, type Auth0Management } from '../client.js';

/** The Auth0 objects a setup is made of, as the Management API returns them, and how each is found. */
export interface ResourceServerLike {
  id: string;
  identifier: string;
  name?: string;
  scopes?: Array<{ value: string; description?: string }>;
}

export interface ClientLike {
  client_id: string;
  name?: string;
  app_type?: string;
  grant_types?: string[];
  token_endpoint_auth_method?: string;
  client_secret?: string;
  /** okta-m2m's marker lives here (setup/ownership.ts). */
  client_metadata?: Record<string, string>;
}

export interface GrantLike {
  id: string;
  client_id: string;
  audience: string;
  scope?: string[];
}

const CLIENT_FIELDS = 'client_id,name,app_type,grant_types,token_endpoint_auth_method,client_metadata';

export async function findResourceServer(
  mgmt: Auth0Management,
  audience: string,
  id?: string,
): Promise<ResourceServerLike | undefined> {
  const get = async (idOrAudience: string) =>
    (await auth0Find('read the API', () => mgmt.sdk.resourceServers.get(idOrAudience))) as
      ResourceServerLike | undefined;
  // GET /resource-servers/{id} also takes the (URL-encoded) identifier.
  return recordedElseNamed(
    id,
    get,
    (byId) => byId.identifier === audience,
    () => get(audience),
  );
}

export async function getClient(mgmt: Auth0Management, clientId: string): Promise<ClientLike | undefined> {
  return (await auth0Find('read the application', () =>
    mgmt.sdk.clients.get(clientId, { fields: CLIENT_FIELDS, include_fields: true }),
  )) as ClientLike | undefined;
}

export async function findClient(
  mgmt: Auth0Management,
  name: string,
  clientId?: string,
): Promise<ClientLike | undefined> {
  const byName = async () => {
    const matches = await findClientsByName(mgmt, name);
    if (matches.length > 1) {
      throw new ConflictError(`Auth0 has ${matches.length} machine-to-machine applications named "${name}".`, {
        hint: `Rename or delete the extra ones (${matches.map((c) => c.client_id).join(', ')}), or choose another --name.`,
      });
    }
    return matches[0];
  };
  return recordedElseNamed(
    clientId,
    (id) => getClient(mgmt, id),
    () => true,
    byName,
  );
}

export async function findClientsByName(mgmt: Auth0Management, name: string): Promise<ClientLike[]> {
  return auth0Call('list the applications', async () => {
    const found: ClientLike[] = [];
    let page = await mgmt.sdk.clients.list({
      app_type: 'non_interactive',
      fields: CLIENT_FIELDS,
      include_fields: true,
      per_page: 100,
    });
    for (;;) {
      for (const c of page.data as ClientLike[]) if (c.name === name) found.push(c);
      if (!page.hasNextPage() || page.data.length === 0) break;
      page = await page.getNextPage();
    }
    return found;
  });
}

export async function findGrant(
  mgmt: Auth0Management,
  clientId: string,
  audience: string,
  id?: string,
): Promise<GrantLike | undefined> {
  const isIt = (g: GrantLike) => g.client_id === clientId && g.audience === audience;
  return recordedElseNamed(
    id,
    async (grantId) =>
      (await auth0Find('read the client grant', () => mgmt.sdk.clientGrants.get(grantId))) as GrantLike | undefined,
    isIt,
    () =>
      auth0Call('list the client grants', async () => {
        const page = await mgmt.sdk.clientGrants.list({ audience, client_id: clientId });
        return (page.data as GrantLike[]).find(isIt);
      }),
  );
}
