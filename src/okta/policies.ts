import type { OktaClient } from './client.js';
import { all } from './collect.js';
import { oktaCall, oktaFind } from './errors.js';
import { plain, type OktaPolicy } from './types.js';

export function policyClients(allClients: boolean, clientId: string | undefined): string[] {
  return allClients ? ['ALL_CLIENTS'] : clientId ? [clientId] : [];
}

export function desiredPolicy(name: string, description: string, clients: string[]): OktaPolicy {
  return {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    name,
    description,
    priority: 1,
    status: 'ACTIVE',
    conditions: { clients: { include: clients } },
  };
}

export async function listPolicies(client: OktaClient, authServerId: string): Promise<OktaPolicy[]> {
  return oktaCall('list the access policies', 'GET', async () =>
    all<OktaPolicy>(await client.sdk.authorizationServerApi.listAuthorizationServerPolicies({ authServerId })),
  );
}

export async function getPolicy(client: OktaClient, authServerId: string, policyId: string): Promise<OktaPolicy | undefined> {
  const policy = await oktaFind('read the access policy', () =>
    client.sdk.authorizationServerApi.getAuthorizationServerPolicy({ authServerId, policyId }),
  );
  return policy ? plain<OktaPolicy>(policy) : undefined;
}

export async function createPolicy(client: OktaClient, authServerId: string, policy: OktaPolicy): Promise<OktaPolicy> {
  return plain<OktaPolicy>(
    await oktaCall('create the access policy', 'POST', () =>
      client.sdk.authorizationServerApi.createAuthorizationServerPolicy({ authServerId, policy: policy as never }),
    ),
  );
}

export async function replacePolicy(client: OktaClient, authServerId: string, policyId: string, policy: OktaPolicy): Promise<OktaPolicy> {
  return plain<OktaPolicy>(
    await oktaCall('update the access policy', 'PUT', () =>
      client.sdk.authorizationServerApi.replaceAuthorizationServerPolicy({ authServerId, policyId, policy: policy as never }),
    ),
  );
}

export async function activatePolicy(client: OktaClient, authServerId: string, policyId: string): Promise<void> {
  await oktaCall('activate the access policy', 'POST', () =>
    client.sdk.authorizationServerApi.activateAuthorizationServerPolicy({ authServerId, policyId }),
  );
}

export async function deletePolicy(client: OktaClient, authServerId: string, policyId: string): Promise<boolean> {
  return Boolean(
    await oktaFind('delete the access policy', () =>
      client.sdk.authorizationServerApi.deleteAuthorizationServerPolicy({ authServerId, policyId }).then(() => true),
    ),
  );
}
