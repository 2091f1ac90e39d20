import type { OktaClient } from '../client.js';
import { all } from '../collect.js';
import { oktaCall, oktaFind } from '../errors.js';
import type { ScopeSpec } from '../setup/spec.js';
import { serverPath } from './authorization-servers.js';
import type { OktaScope } from '../types.js';

export function desiredScope(scope: ScopeSpec): OktaScope {
  return {
    name: scope.name,
    description: scope.description,
    consent: 'IMPLICIT',
    default: scope.default,
    metadataPublish: 'NO_CLIENTS',
  };
}

const scopesPath = (authServerId: string) => `${serverPath(authServerId)}/scopes`;
const scopePath = (authServerId: string, scopeId: string) =>
  `${scopesPath(authServerId)}/${encodeURIComponent(scopeId)}`;

export async function listScopes(client: OktaClient, authServerId: string): Promise<OktaScope[]> {
  return oktaCall('list the scopes', 'GET', () =>
    all(client.list<OktaScope>(scopesPath(authServerId), { limit: 200 })),
  );
}

export async function createScope(client: OktaClient, authServerId: string, scope: OktaScope): Promise<OktaScope> {
  return oktaCall(`create the scope ${scope.name}`, 'POST', () =>
    client.call<OktaScope>('POST', scopesPath(authServerId), { body: scope }),
  );
}

export async function replaceScope(
  client: OktaClient,
  authServerId: string,
  scopeId: string,
  scope: OktaScope,
): Promise<OktaScope> {
  return oktaCall(`update the scope ${scope.name}`, 'PUT', () =>
    client.call<OktaScope>('PUT', scopePath(authServerId, scopeId), { body: scope }),
  );
}

export async function deleteScope(client: OktaClient, authServerId: string, scopeId: string): Promise<boolean> {
  return Boolean(
    await oktaFind('delete a scope', () => client.call('DELETE', scopePath(authServerId, scopeId)).then(() => true)),
  );
}
