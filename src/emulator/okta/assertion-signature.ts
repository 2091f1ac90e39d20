import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { activeClientKeys } from './app-jwks.js';
import { activeSecrets } from './apps.js';
import type { EmulatorState, Stored } from './state.js';

const KEY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];
const SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

/**
 * Checks a client assertion's signature the way Okta does for each method: `private_key_jwt` against the app's
 * ACTIVE JSON Web Keys only (an INACTIVE key no longer authenticates), `client_secret_jwt` (HMAC) against the
 * app's ACTIVE client secrets. Throws jose's errors (their `code` says why); returns the verified claims.
 */
export async function verifyAssertionSignature(
  state: EmulatorState,
  app: Stored,
  method: 'private_key_jwt' | 'client_secret_jwt',
  assertion: string,
): Promise<JWTPayload> {
  if (method === 'private_key_jwt') {
    return (
      await jwtVerify(assertion, createLocalJWKSet({ keys: activeClientKeys(app) }), { algorithms: KEY_ALGORITHMS })
    ).payload;
  }
  let failure: unknown = Object.assign(new Error('no active client secret'), {
    code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  });
  for (const secret of activeSecrets(state, app.id)) {
    try {
      return (await jwtVerify(assertion, new TextEncoder().encode(secret.secret), { algorithms: SECRET_ALGORITHMS }))
        .payload;
    } catch (err) {
      // A claim failure (expired, ...) means the signature matched this secret: report it, not a signature error.
      if ((err as { code?: string }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw err;
      failure = err;
    }
  }
  throw failure;
}
