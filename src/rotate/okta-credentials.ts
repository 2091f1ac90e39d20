import type { OktaClient } from '../okta/client.js';
import { all } from '../okta/collect.js';
import { oktaCall, oktaFind } from '../okta/errors.js';
import type { JsonWebKeyLike, OktaClientSecret } from '../okta/types.js';

/**
 * The app credential endpoints a rotation uses: client secrets (listOAuth2ClientSecrets, createOAuth2ClientSecret,
 * deactivateOAuth2ClientSecret, deleteOAuth2ClientSecret) and the app JWKS (listJwk, addJwk, deactivate, deletejwk).
 * Lifecycle calls may be repeated; a 404 on deactivate or delete means the credential is gone already.
 */
export interface OktaJwk extends JsonWebKeyLike {
  id?: string;
  status?: string;
  created?: string;
}

const app = (appId: string) => `/api/v1/apps/${encodeURIComponent(appId)}/credentials`;

export function listSecrets(client: OktaClient, appId: string): Promise<OktaClientSecret[]> {
  return oktaCall("list the app's client secrets", 'GET', () =>
    all(client.list<OktaClientSecret>(`${app(appId)}/secrets`)),
  );
}

/** Okta takes a secret the caller brings: the value is in the keychain before Okta has it. */
export function createSecret(client: OktaClient, appId: string, value: string): Promise<OktaClientSecret> {
  return oktaCall('create a client secret', 'POST', () =>
    client.call<OktaClientSecret>('POST', `${app(appId)}/secrets`, {
      body: { client_secret: value, status: 'ACTIVE' },
    }),
  );
}

export function listKeys(client: OktaClient, appId: string): Promise<OktaJwk[]> {
  return oktaCall("list the app's JSON Web Keys", 'GET', () => all(client.list<OktaJwk>(`${app(appId)}/jwks`)));
}

export function addKey(client: OktaClient, appId: string, jwk: JsonWebKeyLike): Promise<OktaJwk> {
  return oktaCall('add a JSON Web Key to the app', 'POST', () =>
    client.call<OktaJwk>('POST', `${app(appId)}/jwks`, { body: { ...jwk, status: 'ACTIVE' } }),
  );
}

/** Deactivates, then deletes: true when it was there, false when it was gone already. */
export async function retire(
  client: OktaClient,
  appId: string,
  kind: 'secrets' | 'jwks',
  id: string,
): Promise<boolean> {
  const path = `${app(appId)}/${kind}/${encodeURIComponent(id)}`;
  const what = kind === 'secrets' ? 'the old client secret' : 'the old JSON Web Key';
  const deactivated = await oktaFind(`deactivate ${what}`, () =>
    client.call('POST', `${path}/lifecycle/deactivate`, { idempotent: true }).then(() => true),
  );
  if (!deactivated) return false;
  return Boolean(await oktaFind(`delete ${what}`, () => client.call('DELETE', path).then(() => true)));
}
