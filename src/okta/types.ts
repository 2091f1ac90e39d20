/**
 * The parts of Okta's objects okta-m2m reads and writes, as plain data. The SDK's generated models carry more;
 * what we do not manage is kept as it is (updates start from the object Okta returned).
 */
export type Status = 'ACTIVE' | 'INACTIVE' | string;

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
  created?: string | Date;
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
    oauthClient?: {
      application_type?: string;
      grant_types?: string[];
      response_types?: string[];
      redirect_uris?: string[];
      jwks?: { keys?: JsonWebKeyLike[] };
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
  created?: string | Date;
  [key: string]: unknown;
}

/** Plain data from an SDK model instance (drops prototype and undefined fields). */
export function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value ?? null)) as T;
}
