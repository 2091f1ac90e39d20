import { newId } from './ids.js';
import { newGroup } from './groups.js';
import { childCollection, type EmulatorState } from './state.js';
import type { Json } from '../core/http-io.js';

/**
 * Sets up, through the management API, everything a client credentials token needs: an authorization
 * server with a scope, a policy and rule, and a service app. Meant for tests and benchmarks.
 */
export interface ProvisionOptions {
  /** default client_secret_basic */
  authMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** public JWKs for private_key_jwt */
  jwks?: Record<string, unknown>[];
  scope?: string;
  label?: string;
  audience?: string;
  accessTokenLifetimeMinutes?: number;
  inlineHookId?: string;
}

export interface ClientCredentialsFixture {
  authServerId: string;
  issuer: string;
  tokenUrl: string;
  audience: string;
  scope: string;
  appId: string;
  clientId: string;
  /** absent for private_key_jwt */
  clientSecret?: string;
  policyId: string;
  ruleId: string;
}

export async function provisionClientCredentials(
  orgUrl: string,
  adminToken: string,
  options: ProvisionOptions = {},
): Promise<ClientCredentialsFixture> {
  const suffix = Math.random().toString(36).slice(2, 10);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${orgUrl}${path}`, {
      method,
      headers: { Authorization: `SSWS ${adminToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} failed with ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as Json) : {};
  };
  const scope = options.scope ?? 'api.read';
  const audience = options.audience ?? `api://m2m-${suffix}`;
  const method = options.authMethod ?? 'client_secret_basic';
  const server = await call('POST', '/api/v1/authorizationServers', {
    name: `m2m-${suffix}`,
    description: 'emulator fixture',
    audiences: [audience],
  });
  await call('POST', `/api/v1/authorizationServers/${server.id}/scopes`, {
    name: scope,
    description: scope,
    metadataPublish: 'ALL_CLIENTS',
  });
  const app = await call('POST', '/api/v1/apps', {
    name: 'oidc_client',
    label: options.label ?? `m2m-${suffix}`,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: method } },
    settings: {
      oauthClient: {
        application_type: 'service',
        grant_types: ['client_credentials'],
        response_types: ['token'],
        ...(options.jwks ? { jwks: { keys: options.jwks } } : {}),
      },
    },
  });
  const clientId: string = app.credentials.oauthClient.client_id;
  const policy = await call('POST', `/api/v1/authorizationServers/${server.id}/policies`, {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    name: `m2m-${suffix}`,
    description: 'emulator fixture',
    conditions: { clients: { include: [clientId] } },
  });
  const rule = await call('POST', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules`, {
    type: 'RESOURCE_ACCESS',
    name: 'client credentials',
    conditions: {
      grantTypes: { include: ['client_credentials'] },
      scopes: { include: [scope] },
      people: { groups: { include: ['EVERYONE'] } },
    },
    actions: {
      token: {
        accessTokenLifetimeMinutes: options.accessTokenLifetimeMinutes ?? 60,
        ...(options.inlineHookId ? { inlineHook: { id: options.inlineHookId } } : {}),
      },
    },
  });
  return {
    authServerId: server.id,
    issuer: server.issuer,
    tokenUrl: `${server.issuer}/v1/token`,
    audience,
    scope,
    appId: app.id,
    clientId,
    ...(app.credentials.oauthClient.client_secret ? { clientSecret: app.credentials.oauthClient.client_secret } : {}),
    policyId: policy.id,
    ruleId: rule.id,
  };
}

/**
 * Puts users straight into the org, as members of a group (made if missing): what a finished sync of a large
 * role leaves behind, in a fraction of a second instead of minutes of HTTP. For benchmarks and tests only.
 */
export function seedGroupMembers(
  state: EmulatorState,
  groupName: string,
  logins: Iterable<string>,
): { groupId: string; added: number } {
  const now = new Date().toISOString();
  let group = [...state.groups.values()].find((g) => (g.profile as { name?: string } | undefined)?.name === groupName);
  if (!group) {
    group = newGroup({ name: groupName, description: null }, now);
    state.groups.add(group);
  }
  const members = childCollection(state.groupMembers, group.id);
  let added = 0;
  for (const login of logins) {
    const key = login.toLowerCase();
    let id = state.userIdByLogin.get(key);
    if (!id) {
      id = newId('user');
      state.users.add({
        id,
        status: 'STAGED',
        created: now,
        activated: null,
        statusChanged: null,
        lastLogin: null,
        lastUpdated: now,
        passwordChanged: null,
        type: { id: 'otyemulatordefault00' },
        profile: { login, email: login, firstName: 'Seeded', lastName: 'User' },
        credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
      });
      state.userIdByLogin.set(key, id);
    }
    if (!members.get(id)) {
      members.add({ id });
      added += 1;
    }
  }
  return { groupId: group.id, added };
}
