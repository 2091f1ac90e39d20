import { AuthError, UsageError } from '../errors.js';
import { requireProfile, type ProfilesDocument, type Profile } from '../config/profiles.js';
import { secretRefs } from '../secrets/refs.js';
import type { SecretStore } from '../secrets/store.js';
import { HttpClient } from '../http/client.js';
import {
  createOktaClient,
  httpOptionsOf,
  type ClientOptions,
  type OktaClient,
  type OktaCredentials,
} from './client.js';
import { oktaCall } from './errors.js';
import { orgTokenEndpoint } from './oauth-login.js';
import { probeToken } from '../oauth/probe.js';
import type { DpopProver } from '../oauth/dpop.js';
import type { JsonWebKey } from 'node:crypto';

/** The okta.* scopes okta-m2m's own service app needs for everything it does. */
export const MANAGEMENT_SCOPES = [
  'okta.apps.manage',
  'okta.authorizationServers.manage',
  'okta.inlineHooks.manage',
  'okta.users.manage',
  'okta.groups.manage',
];

/** The credentials of a profile: the profile file says how, the keychain (or the environment) holds the secret. */
async function credentialsFor(profile: Profile, name: string, secrets: SecretStore): Promise<OktaCredentials> {
  const orgUrl = profile.orgUrl as string;
  const relogin = `Run "okta-m2m login${name === 'default' ? '' : ` --profile ${name}`}" again`;
  if (profile.authMode === 'private_key_jwt') {
    if (!profile.clientId) {
      throw new UsageError(`Profile "${name}" uses OAuth but has no client id.`, {
        hint: `${relogin} with --oauth --client-id.`,
      });
    }
    const privateKey = await secrets.require(
      secretRefs.oktaPrivateKey(name),
      `${relogin}, or set OKTA_M2M_PRIVATE_KEY.`,
    );
    return {
      orgUrl,
      mode: 'private_key_jwt',
      clientId: profile.clientId,
      scopes: profile.scopes?.length ? profile.scopes : MANAGEMENT_SCOPES,
      privateKey,
      ...(profile.keyId ? { keyId: profile.keyId } : {}),
    };
  }
  const token = await secrets.require(secretRefs.oktaApiToken(name), `${relogin}, or set OKTA_M2M_API_TOKEN.`);
  return { orgUrl, mode: 'ssws', token };
}

export async function connect(
  doc: ProfilesDocument,
  name: string,
  secrets: SecretStore,
  options: ClientOptions = {},
): Promise<OktaClient> {
  const profile = requireProfile(doc, name);
  const credentials = await credentialsFor(profile, name, secrets);
  if (profile.dpop && credentials.mode === 'private_key_jwt' && !options.dpop) {
    return createOktaClient(credentials, {
      ...options,
      dpop: await managementDpopProver(secrets, name, credentials.clientId),
    });
  }
  return createOktaClient(credentials, options);
}

/** The DPoP key of okta-m2m's own service app, kept in the keychain like the apps' (made on first use). */
export async function managementDpopProver(
  secrets: SecretStore,
  profile: string,
  clientId: string,
): Promise<DpopProver> {
  const { ensureDpopKey } = await import('../oauth/dpop-keys.js');
  return (await ensureDpopKey(secrets, secretRefs.dpopKey(profile, clientId))).key.prover;
}

/**
 * Checks credentials with cheap reads before they are saved: for OAuth, a token request of our own first (Okta's
 * OAuth errors say what is wrong: unknown client, key not registered, scope not granted), then one page of one
 * item of authorization servers and of apps, which init needs to read.
 */
interface Verified {
  /** For OAuth: requested okta.* scopes Okta did not grant (it drops them silently). */
  missingScopes: string[];
}

/** Without these, init cannot work at all. */
const REQUIRED_FOR_INIT = ['okta.apps.manage', 'okta.authorizationServers.manage'];

export async function verifyCredentials(credentials: OktaCredentials, options: ClientOptions = {}): Promise<Verified> {
  let missingScopes: string[] = [];
  if (credentials.mode === 'private_key_jwt') {
    await toPkcs8(credentials.privateKey);
    const result = await probeToken({
      tokenEndpoint: orgTokenEndpoint(credentials.orgUrl),
      clientId: credentials.clientId,
      authMethod: 'private_key_jwt',
      scopes: credentials.scopes,
      privateKey: credentials.privateKey,
      ...(credentials.keyId ? { keyId: credentials.keyId } : {}),
      http: new HttpClient(httpOptionsOf(options)),
      ...(options.dpop ? { dpop: options.dpop } : {}),
    });
    if (!result.ok) {
      const scopeProblem = /invalid_scope|scope/i.test(result.error);
      const dpopProblem = /dpop/i.test(result.error);
      throw new AuthError(`Okta did not give okta-m2m's service app a token: ${result.error}.`, {
        hint:
          dpopProblem && !options.dpop
            ? 'The service app requires DPoP ("Require Demonstrating Proof of Possession"): log in again with --dpop.'
            : scopeProblem
              ? `Grant the scopes (${credentials.scopes.join(' ')}) to the app under "Okta API Scopes", or pass --scopes with the ones granted.`
              : 'Check the client id, that the app uses "Public key / Private key" client authentication, and that its public key (kid) is registered on the app.',
      });
    }
    if (result.scope !== undefined) {
      const granted = new Set(result.scope.split(' ').filter(Boolean));
      missingScopes = credentials.scopes.filter((s) => !granted.has(s));
      const blocking = missingScopes.filter((s) => REQUIRED_FOR_INIT.includes(s));
      if (blocking.length) {
        throw new AuthError(
          `okta-m2m's service app was not granted ${blocking.join(' and ')} (Okta left ${blocking.length > 1 ? 'them' : 'it'} out of the token).`,
          {
            hint: `Grant ${missingScopes.join(' ')} to the app under "Okta API Scopes" in the Okta Admin Console, then log in again.`,
          },
        );
      }
    }
  }
  const client = await createOktaClient(credentials, options);
  await oktaCall('list authorization servers', 'GET', () =>
    client.call('GET', '/api/v1/authorizationServers', { query: { limit: 1 } }),
  );
  await oktaCall('list apps', 'GET', () => client.call('GET', '/api/v1/apps', { query: { limit: 1 } }));
  return { missingScopes };
}

/** A private key as PKCS#8 PEM, from PEM (PKCS#1 or #8) or a private JWK as JSON. */
export async function toPkcs8(privateKey: string): Promise<string> {
  const { createPrivateKey } = await import('node:crypto');
  const trimmed = privateKey.trim();
  try {
    const key = trimmed.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' })
      : createPrivateKey(trimmed);
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') throw new Error('not an RSA or EC key');
    return key.export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch (error) {
    throw new UsageError('The private key is not a PEM or JWK private key okta-m2m can read.', {
      hint: 'Give an RSA private key as PEM (BEGIN PRIVATE KEY / BEGIN RSA PRIVATE KEY) or as a JWK with "d".',
      cause: error,
    });
  }
}
