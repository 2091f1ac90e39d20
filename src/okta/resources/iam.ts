import type { OktaClient } from '../client.js';
import { all } from '../collect.js';
import { oktaCall, oktaFind } from '../errors.js';
import { deleteAt } from './lifecycle.js';

/**
 * The Okta API access of a service app, on the typed client: its okta.* scope grants
 * (`/api/v1/apps/{appId}/grants`), its JWKS (`/api/v1/apps/{appId}/credentials/jwks`), custom admin roles
 * (`/api/v1/iam/roles`), resource sets (`/api/v1/iam/resource-sets`), its admin role assignments
 * (`/oauth2/v1/clients/{clientId}/roles`) and the API token of the request (`/api/v1/api-tokens/current`).
 * Operation ids of management-minimal.yaml: listScopeConsentGrants, grantConsentToScope, revokeScopeConsentGrant,
 * listJwk, addJwk, listRoles, createRole, getRole, deleteRole, listResourceSets, createResourceSet,
 * getResourceSet, deleteResourceSet, listRolesForClient, assignRoleToClient, deleteRoleFromClient,
 * revokeCurrentApiToken.
 */
export interface ScopeGrant {
  id?: string;
  scopeId?: string;
  issuer?: string;
  status?: string;
  [key: string]: unknown;
}

export interface CustomRole {
  id?: string;
  label?: string;
  description?: string;
  [key: string]: unknown;
}

export interface ResourceSet {
  id?: string;
  label?: string;
  description?: string;
  [key: string]: unknown;
}

export interface RoleAssignment {
  id?: string;
  type?: string;
  label?: string;
  role?: string;
  'resource-set'?: string;
  status?: string;
  [key: string]: unknown;
}

const enc = encodeURIComponent;
const grantsPath = (appId: string) => `/api/v1/apps/${enc(appId)}/grants`;
const clientRolesPath = (clientId: string) => `/oauth2/v1/clients/${enc(clientId)}/roles`;

export async function listGrants(client: OktaClient, appId: string): Promise<ScopeGrant[]> {
  return oktaCall("list the app's Okta API scope grants", 'GET', () =>
    client.call<ScopeGrant[]>('GET', grantsPath(appId)),
  );
}

export async function grantScope(client: OktaClient, appId: string, scopeId: string): Promise<ScopeGrant> {
  return oktaCall(`grant ${scopeId} to the app`, 'POST', () =>
    client.call<ScopeGrant>('POST', grantsPath(appId), { body: { issuer: client.orgUrl, scopeId } }),
  );
}

export async function revokeGrant(client: OktaClient, appId: string, grantId: string): Promise<boolean> {
  const done = await oktaFind('revoke a scope grant', () =>
    client.call('DELETE', `${grantsPath(appId)}/${enc(grantId)}`).then(() => true),
  );
  return Boolean(done);
}

export async function addAppKey(client: OktaClient, appId: string, jwk: Record<string, unknown>): Promise<void> {
  await oktaCall("add a key to the app's JWKS", 'POST', () =>
    client.call('POST', `/api/v1/apps/${enc(appId)}/credentials/jwks`, { body: { ...jwk, status: 'ACTIVE' } }),
  );
}

/** Custom roles whose label is exactly `label`. */
export async function findCustomRole(client: OktaClient, label: string): Promise<CustomRole | undefined> {
  return oktaFind('read a custom admin role', () => client.call<CustomRole>('GET', `/api/v1/iam/roles/${enc(label)}`));
}

export async function listRolePermissions(client: OktaClient, roleId: string): Promise<string[]> {
  const page = await oktaCall("list a custom role's permissions", 'GET', () =>
    client.call<{ permissions?: Array<{ label?: string }> }>('GET', `/api/v1/iam/roles/${enc(roleId)}/permissions`),
  );
  return (page.permissions ?? []).map((p) => p.label).filter((l): l is string => Boolean(l));
}

export async function createCustomRole(
  client: OktaClient,
  label: string,
  description: string,
  permissions: string[],
): Promise<CustomRole> {
  return oktaCall('create a custom admin role', 'POST', () =>
    client.call<CustomRole>('POST', '/api/v1/iam/roles', { body: { label, description, permissions } }),
  );
}

export async function addRolePermission(client: OktaClient, roleId: string, permission: string): Promise<void> {
  await oktaCall(`add ${permission} to the custom role`, 'POST', () =>
    client.call('POST', `/api/v1/iam/roles/${enc(roleId)}/permissions/${enc(permission)}`),
  );
}

export async function deleteCustomRole(client: OktaClient, id: string): Promise<boolean> {
  return deleteAt(client, `/api/v1/iam/roles/${enc(id)}`, 'a custom admin role');
}

export async function findResourceSet(client: OktaClient, idOrLabel: string): Promise<ResourceSet | undefined> {
  return oktaFind('read a resource set', () =>
    client.call<ResourceSet>('GET', `/api/v1/iam/resource-sets/${enc(idOrLabel)}`),
  );
}

export async function createResourceSet(
  client: OktaClient,
  label: string,
  description: string,
  resources: string[],
): Promise<ResourceSet> {
  return oktaCall('create a resource set', 'POST', () =>
    client.call<ResourceSet>('POST', '/api/v1/iam/resource-sets', { body: { label, description, resources } }),
  );
}

export async function deleteResourceSet(client: OktaClient, id: string): Promise<boolean> {
  return deleteAt(client, `/api/v1/iam/resource-sets/${enc(id)}`, 'a resource set');
}

/** The resources of a set, as the REST URLs (or ORNs) Okta lists. */
export async function listResourceSetResources(client: OktaClient, id: string): Promise<string[]> {
  const items = await oktaCall("list a resource set's resources", 'GET', () =>
    all(listPaged(client, `/api/v1/iam/resource-sets/${enc(id)}/resources`)),
  );
  return items.map((r) => {
    const href = (r._links as { self?: { href?: unknown } } | undefined)?.self?.href;
    return typeof href === 'string' ? href : typeof r.orn === 'string' ? r.orn : '';
  });
}

async function* listPaged(client: OktaClient, path: string): AsyncGenerator<Record<string, unknown>> {
  const page = await client.call<{ resources?: Record<string, unknown>[] }>('GET', path, { query: { limit: 1000 } });
  for (const item of page.resources ?? []) yield item;
}

export async function listClientRoles(client: OktaClient, clientId: string): Promise<RoleAssignment[]> {
  return oktaCall("list the app's admin roles", 'GET', () =>
    client.call<RoleAssignment[]>('GET', clientRolesPath(clientId)),
  );
}

export async function assignClientRole(
  client: OktaClient,
  clientId: string,
  body: Record<string, unknown>,
): Promise<RoleAssignment> {
  return oktaCall('assign an admin role to the app', 'POST', () =>
    client.call<RoleAssignment>('POST', clientRolesPath(clientId), { body }),
  );
}

export async function unassignClientRole(client: OktaClient, clientId: string, assignmentId: string): Promise<boolean> {
  return Boolean(
    await oktaFind("remove the app's admin role", () =>
      client.call('DELETE', `${clientRolesPath(clientId)}/${enc(assignmentId)}`).then(() => true),
    ),
  );
}

/** Revokes the SSWS API token the client authenticates with. */
export async function revokeCurrentApiToken(client: OktaClient): Promise<void> {
  await oktaCall('revoke the API token', 'DELETE', () => client.call('DELETE', '/api/v1/api-tokens/current'));
}
