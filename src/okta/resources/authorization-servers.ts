import type { OktaClient } from '../client.js';
import { all } from '../collect.js';
import { oktaCall, oktaFind } from '../errors.js';
import type { OktaAuthServer } from '../types.js';

export function desiredAuthServer(name: string, description: string, audience: string): OktaAuthServer {
  return { name, description, audiences: [audience] };
}

const serverPath = (authServerId: string) => `/api/v1/authorizationServers/${encodeURIComponent(authServerId)}`;

export async function getAuthServer(client: OktaClient, authServerId: string): Promise<OktaAuthServer | undefined> {
  return oktaFind('read the authorization server', () => client.call<OktaAuthServer>('GET', serverPath(authServerId)));
}

/** Servers whose name is exactly `name` (Okta's q matches by prefix). */
export async function findAuthServersByName(client: OktaClient, name: string): Promise<OktaAuthServer[]> {
  const servers = await oktaCall('list authorization servers', 'GET', () =>
    all(client.list<OktaAuthServer>('/api/v1/authorizationServers', { q: name, limit: 200 })),
  );
  return servers.filter((s) => s.name === name);
}

export async function createAuthServer(client: OktaClient, server: OktaAuthServer): Promise<OktaAuthServer> {
  return oktaCall('create the authorization server', 'POST', () =>
    client.call<OktaAuthServer>('POST', '/api/v1/authorizationServers', { body: server }),
  );
}

export async function replaceAuthServer(
  client: OktaClient,
  authServerId: string,
  server: OktaAuthServer,
): Promise<OktaAuthServer> {
  return oktaCall('update the authorization server', 'PUT', () =>
    client.call<OktaAuthServer>('PUT', serverPath(authServerId), { body: server }),
  );
}

export async function activateAuthServer(client: OktaClient, authServerId: string): Promise<void> {
  await oktaCall('activate the authorization server', 'POST', () =>
    client.call('POST', `${serverPath(authServerId)}/lifecycle/activate`, { idempotent: true }),
  );
}

/** Deactivates then deletes; false when it was already gone. */
export async function deleteAuthServer(client: OktaClient, authServerId: string): Promise<boolean> {
  const deactivated = await oktaFind('deactivate the authorization server', () =>
    client.call('POST', `${serverPath(authServerId)}/lifecycle/deactivate`, { idempotent: true }).then(() => true),
  );
  if (!deactivated) return false;
  return Boolean(
    await oktaFind('delete the authorization server', () =>
      client.call('DELETE', serverPath(authServerId)).then(() => true),
    ),
  );
}

export { serverPath };
