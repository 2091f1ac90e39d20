/** Shapes of the tenant's objects, as the Management API v2 returns them. */

export interface ResourceServerScope {
  value: string;
  description?: string;
}

export interface ResourceServer {
  id: string;
  name: string;
  identifier: string;
  is_system: boolean;
  scopes: ResourceServerScope[];
  signing_alg: string;
  allow_offline_access: boolean;
  skip_consent_for_verifiable_first_party_clients: boolean;
  token_lifetime: number;
  token_lifetime_for_web: number;
  token_dialect?: string;
  enforce_policies?: boolean;
}

export interface Client {
  client_id: string;
  client_secret: string;
  name: string;
  description?: string;
  app_type: string;
  grant_types: string[];
  token_endpoint_auth_method: string;
  is_first_party: boolean;
  oidc_conformant: boolean;
  callbacks: string[];
  allowed_origins: string[];
  web_origins: string[];
  allowed_logout_urls: string[];
  client_metadata: Record<string, string>;
  jwt_configuration: { alg: string; lifetime_in_seconds: number; secret_encoded: boolean };
  tenant: string;
  global: boolean;
  [extra: string]: unknown;
}

export interface ClientGrant {
  id: string;
  client_id: string;
  audience: string;
  scope: string[];
  subject_type?: string;
}

export interface Role {
  id: string;
  name: string;
  description: string;
}

export interface User {
  user_id: string;
  email: string;
  email_verified: boolean;
  name: string;
  given_name?: string;
  family_name?: string;
  nickname: string;
  picture: string;
  user_metadata: Record<string, unknown>;
  app_metadata: Record<string, unknown>;
  identities: { connection: string; user_id: string; provider: string; isSocial: boolean }[];
  created_at: string;
  updated_at: string;
}

/** The scopes of the Management API that the CLI uses; the default grant of the management client. */
export const DEFAULT_MANAGEMENT_SCOPES = [
  'read:users',
  'read:roles',
  'create:clients',
  'read:clients',
  'update:clients',
  'delete:clients',
  'update:client_keys',
  'create:resource_servers',
  'read:resource_servers',
  'update:resource_servers',
  'delete:resource_servers',
  'create:client_grants',
  'read:client_grants',
  'update:client_grants',
  'delete:client_grants',
  'read:role_members',
] as const;

/** Every scope the emulated Management API knows (what its resource server lists). */
export const ALL_MANAGEMENT_SCOPES = [
  ...DEFAULT_MANAGEMENT_SCOPES,
  'create:users',
  'update:users',
  'delete:users',
  'create:roles',
  'update:roles',
  'delete:roles',
  'create:role_members',
  'delete:role_members',
  'read:client_keys',
  'update:client_keys',
];
