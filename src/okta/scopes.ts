import type { OktaClient } from './client.js';
import { all } from './collect.js';
import { oktaCall, oktaFind } from './errors.js';
import type { ScopeSpec } from './spec.js';
import { plain, type OktaScope } from './types.js';

export function desiredScope(scope: ScopeSpec): OktaScope {
  return {
    name: scope.name,
    description: scope.description,
    consent: 'IMPLICIT',
    default: scope.default,
    metadataPublish: 'NO_CLIENTS',
  };
}

/**
 * The SDK's OAuth2Scope model names Okta's `default` field `_default` (a reserved word in its generator): plain
 * data going in is renamed for the SDK, and what comes back is renamed to Okta's spelling.
 */
function toSdk(scope: OktaScope): Record<string, unknown> {
  const { default: isDefault, ...rest } = scope;
  return isDefault === undefined ? rest : { ...rest, _default: isDefault };
}

function fromSdk(raw: unknown): OktaScope {
  const { _default: isDefault, ...rest } = plain<Record<string, unknown>>(raw);
  const scope = rest as OktaScope;
  if (typeof isDefault === 'boolean') scope.default = isDefault;
  return scope;
}

export async function listScopes(client: OktaClient, authServerId: string): Promise<OktaScope[]> {
  return oktaCall('list the scopes', 'GET', async () =>
    (await all<unknown>(await client.sdk.authorizationServerApi.listOAuth2Scopes({ authServerId, limit: 200 }))).map(fromSdk),
  );
}

export async function createScope(client: OktaClient, authServerId: string, scope: OktaScope): Promise<OktaScope> {
  return fromSdk(
    await oktaCall(`create the scope ${scope.name}`, 'POST', () =>
      client.sdk.authorizationServerApi.createOAuth2Scope({ authServerId, oAuth2Scope: toSdk(scope) as never }),
    ),
  );
}

export async function replaceScope(client: OktaClient, authServerId: string, scopeId: string, scope: OktaScope): Promise<OktaScope> {
  return fromSdk(
    await oktaCall(`update the scope ${scope.name}`, 'PUT', () =>
      client.sdk.authorizationServerApi.replaceOAuth2Scope({ authServerId, scopeId, oAuth2Scope: toSdk(scope) as never }),
    ),
  );
}

export async function deleteScope(client: OktaClient, authServerId: string, scopeId: string): Promise<boolean> {
  return Boolean(
    await oktaFind('delete a scope', () =>
      client.sdk.authorizationServerApi.deleteOAuth2Scope({ authServerId, scopeId }).then(() => true),
    ),
  );
}
