import type { OktaClient } from '../client.js';
import { all } from '../collect.js';
import { oktaCall, oktaFind } from '../errors.js';
import { policyPath } from './policies.js';
import type { OktaRule } from '../types.js';
import { activateAt, deleteAt } from './lifecycle.js';

export function desiredRule(name: string, scopes: string[], lifetimeMinutes: number): OktaRule {
  return {
    type: 'RESOURCE_ACCESS',
    name,
    priority: 1,
    status: 'ACTIVE',
    conditions: {
      people: { groups: { include: ['EVERYONE'] } },
      grantTypes: { include: ['client_credentials'] },
      scopes: { include: [...scopes] },
    },
    actions: {
      token: {
        accessTokenLifetimeMinutes: lifetimeMinutes,
        refreshTokenLifetimeMinutes: 0,
        refreshTokenWindowMinutes: 10080,
      },
    },
  };
}

const rulesPath = (authServerId: string, policyId: string) => `${policyPath(authServerId, policyId)}/rules`;
export const rulePath = (authServerId: string, policyId: string, ruleId: string) =>
  `${rulesPath(authServerId, policyId)}/${encodeURIComponent(ruleId)}`;

export async function listRules(client: OktaClient, authServerId: string, policyId: string): Promise<OktaRule[]> {
  return oktaCall('list the policy rules', 'GET', () => all(client.list<OktaRule>(rulesPath(authServerId, policyId))));
}

export async function getRule(
  client: OktaClient,
  authServerId: string,
  policyId: string,
  ruleId: string,
): Promise<OktaRule | undefined> {
  return oktaFind('read the policy rule', () => client.call<OktaRule>('GET', rulePath(authServerId, policyId, ruleId)));
}

export async function createRule(
  client: OktaClient,
  authServerId: string,
  policyId: string,
  rule: OktaRule,
): Promise<OktaRule> {
  return oktaCall('create the policy rule', 'POST', () =>
    client.call<OktaRule>('POST', rulesPath(authServerId, policyId), { body: rule }),
  );
}

export async function replaceRule(
  client: OktaClient,
  authServerId: string,
  policyId: string,
  ruleId: string,
  rule: OktaRule,
): Promise<OktaRule> {
  return oktaCall('update the policy rule', 'PUT', () =>
    client.call<OktaRule>('PUT', rulePath(authServerId, policyId, ruleId), { body: rule }),
  );
}

export async function activateRule(
  client: OktaClient,
  authServerId: string,
  policyId: string,
  ruleId: string,
): Promise<void> {
  await activateAt(client, rulePath(authServerId, policyId, ruleId), 'the policy rule');
}

export async function deleteRule(
  client: OktaClient,
  authServerId: string,
  policyId: string,
  ruleId: string,
): Promise<boolean> {
  return deleteAt(client, rulePath(authServerId, policyId, ruleId), 'the policy rule');
}
