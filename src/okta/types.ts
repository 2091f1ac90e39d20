/**
 * The wire types: the JSON the management API sends and takes, for the parts okta-m2m reads and writes, named as
 * in Okta's OpenAPI description (management-minimal.yaml, 2026.06.3: Application / OpenIdConnectApplication,
 * AuthorizationServer, OAuth2Scope, AuthorizationServerPolicy, AuthorizationServerPolicyRule, OAuth2ClientSecret).
 * Dates are ISO 8601 strings. Fields we do not manage are kept as Okta sent them (updates start from the object Okta
 * returned), hence the index signatures.
 */
/** ACTIVE or INACTIVE, as far as okta-m2m reads it; Okta may add others. */
export type Status = string;

export interface JsonWebKeyLike {
  kty?: string;
  kid?: string;
  e?: string;
  n?: string;
  use?: string;
  alg?: string;
  [key: string]: unknown;
}

export interface OktaApp {
  id?: string;
  name?: string;
  label?: string;
  status?: Status;
  signOnMode?: string;
  created?: string;
  credentials?: {
    oauthClient?: {
      client_id?: string;
      client_secret?: string;
      token_endpoint_auth_method?: string;
      autoKeyRotation?: boolean;
    };
    [key: string]: unknown;
  };
  settings?: {
    /** Admin notes: where okta-m2m marks the apps it made (Application.settings.notes). */
    notes?: { admin?: string | null; enduser?: string | null };
    oauthClient?: {
      application_type?: string;
      grant_types?: string[];
      response_types?: string[];
      redirect_uris?: string[];
      jwks?: { keys?: JsonWebKeyLike[] };
      /** Require DPoP-bound access tokens (Okta's "Require Demonstrating Proof of Possession (DPoP) header"). */
      dpop_bound_access_tokens?: boolean;
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface OktaAuthServer {
  id?: string;
  name?: string;
  description?: string;
  audiences?: string[];
  issuer?: string;
  issuerMode?: string;
  status?: Status;
  [key: string]: unknown;
}

export interface OktaScope {
  id?: string;
  name?: string;
  description?: string;
  displayName?: string;
  consent?: string;
  default?: boolean;
  system?: boolean;
  metadataPublish?: string;
  [key: string]: unknown;
}

export interface OktaPolicy {
  id?: string;
  type?: string;
  name?: string;
  description?: string;
  status?: Status;
  priority?: number;
  system?: boolean;
  conditions?: { clients?: { include?: string[] }; [key: string]: unknown };
  [key: string]: unknown;
}

export interface OktaRule {
  id?: string;
  type?: string;
  name?: string;
  status?: Status;
  priority?: number;
  system?: boolean;
  conditions?: {
    people?: { groups?: { include?: string[] }; users?: { include?: string[] } };
    grantTypes?: { include?: string[] };
    scopes?: { include?: string[] };
    [key: string]: unknown;
  };
  actions?: {
    token?: {
      accessTokenLifetimeMinutes?: number;
      refreshTokenLifetimeMinutes?: number;
      refreshTokenWindowMinutes?: number;
      inlineHook?: { id?: string };
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface OktaClientSecret {
  id?: string;
  client_secret?: string;
  status?: Status;
  created?: string;
  [key: string]: unknown;
}
