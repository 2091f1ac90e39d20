import type { OktaClient } from './client.js';
import { all } from './collect.js';
import { oktaCall, oktaFind } from './errors.js';
import { plain, type OktaAuthServer } from './types.js';

export function desiredAuthServer(name: string, description: string, audience: string): OktaAuthServer {
  return { name, description, audiences: [audience] };
}

export async function getAuthServer(client: OktaClient, authServerId: string): Promise<OktaAuthServer | undefined> {
  const server = await oktaFind('read the authorization server', () =>
    client.sdk.authorizationServerApi.getAuthorizationServer({ authServerId }),
  );
  return server ? plain<OktaAuthServer>(server) : undefined;
}

/** Servers whose name is exactly `name` (Okta's q matches by prefix). */
export async function findAuthServersByName(client: OktaClient, name: string): Promise<OktaAuthServer[]> {
  const servers = await oktaCall('list authorization servers', 'GET', async () =>
    all<OktaAuthServer>(await client.sdk.authorizationServerApi.listAuthorizationServers({ q: name, limit: 200 })),
  );
  return servers.filter((s) => s.name === name);
}

export async function createAuthServer(client: OktaClient, server: OktaAuthServer): Promise<OktaAuthServer> {
  return plain<OktaAuthServer>(
    await oktaCall('create the authorization server', 'POST', () =>
      client.sdk.authorizationServerApi.createAuthorizationServer({ authorizationServer: server as never }),
    ),
  );
}

export async function replaceAuthServer(client: OktaClient, authServerId: string, server: OktaAuthServer): Promise<OktaAuthServer> {
  return plain<OktaAuthServer>(
    await oktaCall('update the authorization server', 'PUT', () =>
      client.sdk.authorizationServerApi.replaceAuthorizationServer({ authServerId, authorizationServer: server as never }),
    ),
  );
}

export async function activateAuthServer(client: OktaClient, authServerId: string): Promise<void> {
  await oktaCall('activate the authorization server', 'POST', () =>
    client.sdk.authorizationServerApi.activateAuthorizationServer({ authServerId }),
  );
}

/** Deactivates then deletes; false when it was already gone. */
export async function deleteAuthServer(client: OktaClient, authServerId: string): Promise<boolean> {
  const deactivated = await oktaFind('deactivate the authorization server', () =>
    client.sdk.authorizationServerApi.deactivateAuthorizationServer({ authServerId }).then(() => true),
  );
  if (!deactivated) return false;
  return Boolean(
    await oktaFind('delete the authorization server', () =>
      client.sdk.authorizationServerApi.deleteAuthorizationServer({ authServerId }).then(() => true),
    ),
  );
}
