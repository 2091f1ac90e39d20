import type { OktaClient } from '../client.js';
import { all } from '../collect.js';
import { oktaCall, oktaFind } from '../errors.js';
import type { AuthMethod } from '../setup/spec.js';
import type { JsonWebKeyLike, OktaApp, OktaClientSecret } from '../types.js';
import { activateAt, deactivateAndDeleteAt } from './lifecycle.js';

/** The service app (OAuth 2.0 client credentials client). */
export function desiredApp(label: string, authMethod: AuthMethod, jwk?: JsonWebKeyLike, dpop = false): OktaApp {
  const app: OktaApp = {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: authMethod, autoKeyRotation: true } },
    settings: {
      oauthClient: {
        application_type: 'service',
        grant_types: ['client_credentials'],
        response_types: ['token'],
        redirect_uris: [],
        dpop_bound_access_tokens: dpop,
      },
    },
  };
  if (jwk && app.settings?.oauthClient) app.settings.oauthClient.jwks = { keys: [jwk] };
  return app;
}

export function isServiceApp(app: OktaApp): boolean {
  return (
    app.name === 'oidc_client' &&
    app.settings?.oauthClient?.application_type === 'service' &&
    (app.settings?.oauthClient?.grant_types ?? []).includes('client_credentials')
  );
}

export function clientIdOf(app: OktaApp): string | undefined {
  return app.credentials?.oauthClient?.client_id ?? app.id;
}

export function authMethodOf(app: OktaApp): string | undefined {
  return app.credentials?.oauthClient?.token_endpoint_auth_method;
}

export function jwkIdsOf(app: OktaApp): string[] {
  return (app.settings?.oauthClient?.jwks?.keys ?? []).map((k) => k.kid).filter((k): k is string => Boolean(k));
}

const appPath = (appId: string) => `/api/v1/apps/${encodeURIComponent(appId)}`;
const secretsPath = (appId: string) => `${appPath(appId)}/credentials/secrets`;

export async function getApp(client: OktaClient, appId: string): Promise<OktaApp | undefined> {
  return oktaFind('read the app', () => client.call<OktaApp>('GET', appPath(appId)));
}

/** Apps whose label is exactly `label` (Okta's q matches by prefix). */
export async function findAppsByLabel(client: OktaClient, label: string): Promise<OktaApp[]> {
  const apps = await oktaCall('list apps', 'GET', () =>
    all(client.list<OktaApp>('/api/v1/apps', { q: label, limit: 200 })),
  );
  return apps.filter((app) => app.label === label && app.status !== 'DELETED');
}

export async function createApp(client: OktaClient, app: OktaApp): Promise<OktaApp> {
  return oktaCall('create the app', 'POST', () =>
    client.call<OktaApp>('POST', '/api/v1/apps', { query: { activate: true }, body: app }),
  );
}

export async function replaceApp(client: OktaClient, appId: string, app: OktaApp): Promise<OktaApp> {
  return oktaCall('update the app', 'PUT', () => client.call<OktaApp>('PUT', appPath(appId), { body: app }));
}

export async function activateApp(client: OktaClient, appId: string): Promise<void> {
  await activateAt(client, appPath(appId), 'the app');
}

export async function deleteApp(client: OktaClient, appId: string): Promise<boolean> {
  return deactivateAndDeleteAt(client, appPath(appId), 'the app');
}

export async function listClientSecrets(client: OktaClient, appId: string): Promise<OktaClientSecret[]> {
  return oktaCall("list the app's client secrets", 'GET', () => all(client.list<OktaClientSecret>(secretsPath(appId))));
}

/**
 * A new client secret for an app whose secret was lost (Okta shows a secret only when it makes it). Okta keeps at
 * most two: when there are two already, the oldest is deactivated and deleted first.
 */
export async function addClientSecret(client: OktaClient, appId: string): Promise<{ id?: string; secret: string }> {
  const existing = await listClientSecrets(client, appId);
  if (existing.length >= 2) {
    const oldest = [...existing].sort((a, b) => String(a.created ?? '').localeCompare(String(b.created ?? '')))[0];
    if (oldest?.id) {
      const secretPath = `${secretsPath(appId)}/${encodeURIComponent(oldest.id)}`;
      if (oldest.status === 'ACTIVE') {
        await oktaCall('deactivate an old client secret', 'POST', () =>
          client.call('POST', `${secretPath}/lifecycle/deactivate`, { idempotent: true }),
        );
      }
      await oktaFind('delete an old client secret', () => client.call('DELETE', secretPath));
    }
  }
  const created = await oktaCall('create a client secret', 'POST', () =>
    client.call<OktaClientSecret>('POST', secretsPath(appId), { body: { status: 'ACTIVE' } }),
  );
  if (!created.client_secret) throw new Error('Okta made a client secret but did not return it.');
  return { ...(created.id ? { id: created.id } : {}), secret: created.client_secret };
}
