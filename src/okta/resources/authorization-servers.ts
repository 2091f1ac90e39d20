import type { OktaClient } from '../client.js';
import { all } from '../collect.js';
import { oktaCall, oktaFind } from '../errors.js';
import type { OktaAuthServer } from '../types.js';
import { activateAt, deactivateAndDeleteAt } from './lifecycle.js';

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
  await activateAt(client, serverPath(authServerId), 'the authorization server');
}

/** Deactivates then deletes; false when it was already gone. */
export async function deleteAuthServer(client: OktaClient, authServerId: string): Promise<boolean> {
  return deactivateAndDeleteAt(client, serverPath(authServerId), 'the authorization server');
}

export { serverPath };
