import type { OktaClient } from './client.js';
import { all } from './collect.js';
import { oktaCall, oktaFind } from './errors.js';
import { plain, type OktaRule } from './types.js';

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

export async function listRules(client: OktaClient, authServerId: string, policyId: string): Promise<OktaRule[]> {
  return oktaCall('list the policy rules', 'GET', async () =>
    all<OktaRule>(await client.sdk.authorizationServerApi.listAuthorizationServerPolicyRules({ authServerId, policyId })),
  );
}

export async function getRule(client: OktaClient, authServerId: string, policyId: string, ruleId: string): Promise<OktaRule | undefined> {
  const rule = await oktaFind('read the policy rule', () =>
    client.sdk.authorizationServerApi.getAuthorizationServerPolicyRule({ authServerId, policyId, ruleId }),
  );
  return rule ? plain<OktaRule>(rule) : undefined;
}

export async function createRule(client: OktaClient, authServerId: string, policyId: string, rule: OktaRule): Promise<OktaRule> {
  return plain<OktaRule>(
    await oktaCall('create the policy rule', 'POST', () =>
      client.sdk.authorizationServerApi.createAuthorizationServerPolicyRule({ authServerId, policyId, policyRule: rule as never }),
    ),
  );
}

export async function replaceRule(client: OktaClient, authServerId: string, policyId: string, ruleId: string, rule: OktaRule): Promise<OktaRule> {
  return plain<OktaRule>(
    await oktaCall('update the policy rule', 'PUT', () =>
      client.sdk.authorizationServerApi.replaceAuthorizationServerPolicyRule({ authServerId, policyId, ruleId, policyRule: rule as never }),
    ),
  );
}

export async function activateRule(client: OktaClient, authServerId: string, policyId: string, ruleId: string): Promise<void> {
  await oktaCall('activate the policy rule', 'POST', () =>
    client.sdk.authorizationServerApi.activateAuthorizationServerPolicyRule({ authServerId, policyId, ruleId }),
  );
}

export async function deleteRule(client: OktaClient, authServerId: string, policyId: string, ruleId: string): Promise<boolean> {
  return Boolean(
    await oktaFind('delete the policy rule', () =>
      client.sdk.authorizationServerApi.deleteAuthorizationServerPolicyRule({ authServerId, policyId, ruleId }).then(() => true),
    ),
  );
}
