/** A token from the Auth0 emulator, asked for as any Auth0 client asks (no code of ours in the way). */
import type { Auth0Emulator } from '../../src/emulator/auth0/index.js';

/** The client-credentials token request to the tenant's token endpoint, for `audience`. */
export function auth0TokenRequest(
  auth0: Auth0Emulator,
  clientId: string,
  clientSecret: string | undefined,
  audience: string,
): Promise<Response> {
  return fetch(auth0.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      audience,
    }),
  });
}
