import type { OktaClient } from '../client.js';
import { all } from '../collect.js';
import { oktaCall, oktaFind } from '../errors.js';
import { serverPath } from './authorization-servers.js';
import type { OktaPolicy } from '../types.js';
import { activateAt, deleteAt } from './lifecycle.js';

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

const policiesPath = (authServerId: string) => `${serverPath(authServerId)}/policies`;
const policyPath = (authServerId: string, policyId: string) =>
  `${policiesPath(authServerId)}/${encodeURIComponent(policyId)}`;

export async function listPolicies(client: OktaClient, authServerId: string): Promise<OktaPolicy[]> {
  return oktaCall('list the access policies', 'GET', () => all(client.list<OktaPolicy>(policiesPath(authServerId))));
}

export async function getPolicy(
  client: OktaClient,
  authServerId: string,
  policyId: string,
): Promise<OktaPolicy | undefined> {
  return oktaFind('read the access policy', () => client.call<OktaPolicy>('GET', policyPath(authServerId, policyId)));
}

export async function createPolicy(client: OktaClient, authServerId: string, policy: OktaPolicy): Promise<OktaPolicy> {
  return oktaCall('create the access policy', 'POST', () =>
    client.call<OktaPolicy>('POST', policiesPath(authServerId), { body: policy }),
  );
}

export async function replacePolicy(
  client: OktaClient,
  authServerId: string,
  policyId: string,
  policy: OktaPolicy,
): Promise<OktaPolicy> {
  return oktaCall('update the access policy', 'PUT', () =>
    client.call<OktaPolicy>('PUT', policyPath(authServerId, policyId), { body: policy }),
  );
}

export async function activatePolicy(client: OktaClient, authServerId: string, policyId: string): Promise<void> {
  await activateAt(client, policyPath(authServerId, policyId), 'the access policy');
}

export async function deletePolicy(client: OktaClient, authServerId: string, policyId: string): Promise<boolean> {
  return deleteAt(client, policyPath(authServerId, policyId), 'the access policy');
}

export { policyPath };
