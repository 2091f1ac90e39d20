import { AuthError, UsageError } from '../errors.js';
import { auth0Call, tokenEndpointOf, type Auth0Management } from '../auth0/client.js';
import type { Auth0State } from '../auth0/setup/state.js';
import { requestToken } from '../oauth/client-credentials.js';
import { secretRefs } from '../secrets/refs.js';
import type { SecretStore } from '../secrets/store.js';

/**
 * Auth0 keeps one client secret per application: rotate-secret (POST /api/v2/clients/{id}/rotate-secret) replaces
 * it at once, so consumers using the old one fail until they get the new one. There is nothing to overlap, nothing
 * to finish and nothing to resume; the caller warns and asks first.
 */
export async function rotateAuth0Secret(
  mgmt: Auth0Management,
  secrets: SecretStore,
  profile: string,
  setup: Auth0State,
): Promise<string> {
  const clientId = setup.clientId;
  if (!clientId)
    throw new UsageError('auth0 init has made no application here.', { hint: 'Run "okta-m2m auth0 init" first.' });
  const rotated = (await auth0Call('rotate the client secret', () => mgmt.sdk.clients.rotateSecret(clientId))) as {
    client_secret?: string;
  };
  const secret = rotated.client_secret;
  if (!secret)
    throw new AuthError('Auth0 rotated the secret but did not return the new one.', {
      hint: 'Run "okta-m2m auth0 init" to rotate and store it again.',
    });
  await secrets.set(secretRefs.auth0ClientSecret(profile, clientId), secret);
  await requestToken({
    tokenEndpoint: tokenEndpointOf(mgmt.target),
    clientId,
    auth: { method: 'client_secret_post', clientSecret: secret },
    scopes: setup.scopes ?? [],
    audience: setup.audience,
    provider: 'auth0',
  });
  return secret;
}
