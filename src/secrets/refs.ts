/**
 * Where each kind of secret lives: a keychain account `<profile>/<purpose>` under service `okta-m2m`, and the
 * environment variable that overrides it (for CI, where there is no keychain).
 */
export const KEYCHAIN_SERVICE = 'okta-m2m';

export interface SecretRef {
  /** Keychain account, `<profile>/<purpose>`. */
  account: string;
  /** Environment variable that, when set, is used instead of the keychain. */
  envVar: string | undefined;
  /** What the secret is, for messages: "the Okta API token". */
  label: string;
}

export const secretRefs = {
  oktaApiToken: (profile: string): SecretRef => ({
    account: `${profile}/okta-api-token`,
    envVar: 'OKTA_M2M_API_TOKEN',
    label: 'the Okta API token',
  }),
  oktaPrivateKey: (profile: string): SecretRef => ({
    account: `${profile}/okta-private-key`,
    envVar: 'OKTA_M2M_PRIVATE_KEY',
    label: "the private key of okta-m2m's own Okta service app",
  }),
  clientSecret: (profile: string, clientId: string): SecretRef => ({
    account: `${profile}/app:${clientId}`,
    envVar: 'OKTA_M2M_CLIENT_SECRET',
    label: `the client secret of ${clientId}`,
  }),
  clientPrivateKey: (profile: string, clientId: string): SecretRef => ({
    account: `${profile}/app-key:${clientId}`,
    envVar: 'OKTA_M2M_CLIENT_PRIVATE_KEY',
    label: `the private key of ${clientId}`,
  }),
  /** The DPoP key pair (EC P-256, a private JWK) a client's DPoP-bound tokens are bound to. */
  dpopKey: (profile: string, clientId: string): SecretRef => ({
    account: `${profile}/dpop-key:${clientId}`,
    envVar: 'OKTA_M2M_DPOP_KEY',
    label: `the DPoP key of ${clientId}`,
  }),
  auth0ClientSecret: (profile: string, clientId: string): SecretRef => ({
    account: `${profile}/auth0-app:${clientId}`,
    envVar: 'OKTA_M2M_AUTH0_CLIENT_SECRET',
    label: `the Auth0 client secret of ${clientId}`,
  }),
  auth0ManagementSecret: (profile: string): SecretRef => ({
    account: `${profile}/auth0-management-secret`,
    envVar: 'OKTA_M2M_AUTH0_MANAGEMENT_SECRET',
    label: 'the client secret of the Auth0 management app',
  }),
  hookSecret: (profile: string, name: string): SecretRef => ({
    account: `${profile}/hook-secret:${name}`,
    envVar: 'OKTA_M2M_HOOK_SECRET',
    label: `the shared secret of the ${name} hook`,
  }),
  tokenCache: (profile: string, key: string): SecretRef => ({
    account: `${profile}/token-cache:${key}`,
    envVar: undefined,
    label: 'a cached access token',
  }),
  /** The keys of a profile's cached tokens, so that logout and destroy can remove them all. */
  tokenCacheIndex: (profile: string): SecretRef => ({
    account: `${profile}/token-cache-index`,
    envVar: undefined,
    label: 'the index of cached access tokens',
  }),
};
