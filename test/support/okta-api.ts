/**
 * Talking to the Okta emulator (or any Okta org) over HTTP the way a client would, without our own code: raw
 * management calls, token requests, keys and client assertions, and digests of what the org holds.
 */
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { withMarker } from '../../src/okta/setup/ownership.js';
import { objectNames, type SetupSpec } from '../../src/okta/setup/spec.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Raw management call with the SSWS admin token (or the given Authorization header). */
export async function api<T = any>(
  emulator: EmulatorHandle,
  method: string,
  path: string,
  body?: unknown,
  authorization?: string | null,
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (authorization !== null) headers.Authorization = authorization ?? `SSWS ${emulator.adminToken}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function tokenRequest(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export function basicAuth(clientId: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
}

export interface TestKey {
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
}

export async function newRsaKey(kid: string = randomUUID()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
  return { privateKey, privateJwk, publicJwk, kid };
}

export async function clientAssertion(
  key: TestKey,
  clientId: string,
  audience: string,
  overrides: { iss?: string; sub?: string; jti?: string; expiresInSeconds?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(overrides.iss ?? clientId)
    .setSubject(overrides.sub ?? clientId)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (overrides.expiresInSeconds ?? 300))
    .setJti(overrides.jti ?? randomUUID())
    .sign(key.privateKey);
}

export function expectOktaError(response: ApiResponse, status: number, errorCode: string): void {
  if (response.status !== status || response.body?.errorCode !== errorCode) {
    throw new Error(`expected ${status} ${errorCode}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  const body = response.body;
  for (const field of ['errorSummary', 'errorLink', 'errorId']) {
    if (typeof body[field] !== 'string') throw new Error(`error body lacks ${field}: ${JSON.stringify(body)}`);
  }
  if (!Array.isArray(body.errorCauses)) throw new Error(`error body lacks errorCauses: ${JSON.stringify(body)}`);
}

/** An inline token hook's body (com.okta.oauth2.tokens.transform over HTTP) with this channel config. */
export const tokenHook = (name: string, config: Record<string, unknown>) => ({
  name,
  type: 'com.okta.oauth2.tokens.transform',
  version: '1.0.0',
  channel: { type: 'HTTP', version: '1.0.0', config },
});

export const serviceApp = (label: string, method = 'client_secret_basic', jwks?: JWK[]) => ({
  name: 'oidc_client',
  label,
  signOnMode: 'OPENID_CONNECT',
  credentials: { oauthClient: { token_endpoint_auth_method: method } },
  settings: {
    oauthClient: {
      application_type: 'service',
      grant_types: ['client_credentials'],
      response_types: ['token'],
      ...(jwks ? { jwks: { keys: jwks } } : {}),
    },
  },
});

/** A token inline hook as createInlineHook takes it (HTTP channel, HEADER auth). */
export const tokenHookBody = (name: string, uri: string, secret: string) => ({
  name,
  type: 'com.okta.oauth2.tokens.transform',
  version: '1.0.0',
  channel: {
    type: 'HTTP',
    version: '1.0.0',
    config: { uri, method: 'POST', authScheme: { type: 'HEADER', key: 'Authorization', value: secret } },
  },
});

/**
 * A service app for okta-m2m's own login (private_key_jwt, a registered RSA key, the management scopes granted and
 * SUPER_ADMIN), made through the API: what an admin sets up in the console for "login --oauth".
 */
export async function ownServiceApp(emu: EmulatorHandle) {
  const key = await newRsaKey();
  const kid = await calculateJwkThumbprint(key.publicJwk);
  const created = await api(
    emu,
    'POST',
    '/api/v1/apps',
    serviceApp(`okta-m2m-${Math.random().toString(36).slice(2, 8)}`, 'private_key_jwt', [{ ...key.publicJwk, kid }]),
  );
  expect(created.status).toBeLessThan(300);
  const app = created.body;
  for (const scopeId of [
    'okta.apps.manage',
    'okta.apps.read',
    'okta.authorizationServers.manage',
    'okta.inlineHooks.manage',
    'okta.users.manage',
    'okta.groups.manage',
  ]) {
    expect((await api(emu, 'POST', `/api/v1/apps/${app.id}/grants`, { issuer: emu.url, scopeId })).status).toBeLessThan(
      300,
    );
  }
  const clientId = app.credentials.oauthClient.client_id as string;
  expect((await api(emu, 'POST', `/oauth2/v1/clients/${clientId}/roles`, { type: 'SUPER_ADMIN' })).status).toBeLessThan(
    300,
  );
  return { clientId, pem: await exportPKCS8(key.privateKey), kid };
}

/** GET on the management API as the admin. */
export async function adminGet(emu: EmulatorHandle, path: string): Promise<any[]> {
  const res = await fetch(`${emu.url}${path}`, {
    headers: { Authorization: `SSWS ${emu.adminToken}`, Accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return (await res.json()) as any[];
}

/**
 * What the org holds, by kind and name, with counts: {"app:orders-api": 1, "scope:orders-api/orders:read": 1, ...}.
 * A duplicate shows as a count of 2; a leftover as a key a clean org does not have. Also the settings that matter.
 */
export async function orgInventory(emu: EmulatorHandle): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const add = (key: string) => (out[key] = ((out[key] as number | undefined) ?? 0) + 1);
  for (const app of await adminGet(emu, '/api/v1/apps?limit=200')) {
    add(`app:${app.label}`);
    out[`app:${app.label}#settings`] = `${app.status}|${app.credentials?.oauthClient?.token_endpoint_auth_method}`;
  }
  for (const server of await adminGet(emu, '/api/v1/authorizationServers?limit=200')) {
    add(`authServer:${server.name}`);
    out[`authServer:${server.name}#settings`] = `${server.status}|${(server.audiences ?? []).join(',')}`;
    for (const scope of await adminGet(emu, `/api/v1/authorizationServers/${server.id}/scopes`)) {
      if (!scope.system) add(`scope:${server.name}/${scope.name}|default=${scope.default}`);
    }
    for (const policy of await adminGet(emu, `/api/v1/authorizationServers/${server.id}/policies`)) {
      add(`policy:${server.name}/${policy.name}|${policy.status}`);
      for (const rule of await adminGet(emu, `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules`)) {
        const scopes = [...(rule.conditions?.scopes?.include ?? [])].sort().join(',');
        add(
          `rule:${server.name}/${policy.name}/${rule.name}|${rule.status}|${scopes}|${rule.actions?.token?.accessTokenLifetimeMinutes}`,
        );
      }
    }
  }
  return out;
}

/** Objects of the org, through the management API (as an admin would see them). */
export async function orgObjects(emu: EmulatorHandle) {
  const apps = await adminGet(emu, '/api/v1/apps?limit=200');
  const servers = await adminGet(emu, '/api/v1/authorizationServers?limit=200');
  const details = [];
  for (const server of servers) {
    const scopes = (await adminGet(emu, `/api/v1/authorizationServers/${server.id}/scopes`)).filter((s) => !s.system);
    const policies = await adminGet(emu, `/api/v1/authorizationServers/${server.id}/policies`);
    const rules = [];
    for (const policy of policies)
      rules.push(...(await adminGet(emu, `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules`)));
    details.push({ server, scopes, policies, rules });
  }
  return { apps, servers, details };
}

/** A comparable digest of what exists: names and settings, not ids. */
export async function orgDigest(emu: EmulatorHandle) {
  const { apps, details } = await orgObjects(emu);
  return {
    apps: apps.map((a) => `${a.label}|${a.status}|${a.credentials?.oauthClient?.token_endpoint_auth_method}`).sort(),
    servers: details
      .map((d) => ({
        name: d.server.name,
        status: d.server.status,
        audiences: d.server.audiences,
        scopes: d.scopes.map((s: any) => `${s.name}|${s.default}`).sort(),
        policies: d.policies.map((p: any) => `${p.name}|${p.status}|${p.conditions?.clients?.include?.length}`).sort(),
        rules: d.rules
          .map(
            (r: any) =>
              `${r.name}|${r.status}|${[...(r.conditions?.scopes?.include ?? [])].sort().join(',')}|${r.actions?.token?.accessTokenLifetimeMinutes}`,
          )
          .sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

type LogEntry = { method: string; path: string };

/** Management writes (not GET, not the OAuth endpoints, not the control API) in a request log. */
export function managementWrites(log: LogEntry[]): LogEntry[] {
  return managementRequests(log).filter((e) => e.method !== 'GET' && e.method !== 'HEAD');
}

export function managementRequests(log: LogEntry[]): LogEntry[] {
  return log.filter((e) => e.path.startsWith('/api/') || e.path.startsWith('/oauth2/v1/clients/'));
}

/** Writes in a request log other than the OAuth endpoints and the emulator's control API. */
export const writeMethods = (log: LogEntry[]) =>
  log.filter((e) => e.method !== 'GET' && !e.path.startsWith('/oauth2/') && !e.path.startsWith('/__emulator'));

/** A client credentials token with client_secret_basic, by hand. */
export async function mintWithSecret(tokenEndpoint: string, clientId: string, secret: string, scope?: string) {
  const res = await tokenRequest(
    tokenEndpoint,
    { grant_type: 'client_credentials', ...(scope ? { scope } : {}) },
    { Authorization: basicAuth(clientId, secret) },
  );
  return { status: res.status, body: res.body as Record<string, any> };
}

/** A JWT's claims, unverified. */
export function decodeJwt(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/**
 * Gives a `provisionClientCredentials` fixture the names and marks `okta-m2m init` gives its objects (the
 * authorization server named `name`, the access policy and rule named as init names them, okta-m2m's marker on the
 * server and the policy), so code that acts only on a setup's own objects accepts it. Returns the spec to record.
 */
export async function asInitSetup(
  emulator: EmulatorHandle,
  fixture: { authServerId: string; policyId: string; ruleId: string; audience: string; scope: string },
  name: string,
): Promise<SetupSpec> {
  const names = objectNames({ name });
  const server = `/api/v1/authorizationServers/${fixture.authServerId}`;
  const policy = `${server}/policies/${fixture.policyId}`;
  const rule = `${policy}/rules/${fixture.ruleId}`;
  const renamed = async (path: string, changes: Record<string, string>) => {
    const current = (await api(emulator, 'GET', path)).body;
    for (const readOnly of ['_links', 'created', 'lastUpdated']) delete current[readOnly];
    const res = await api(emulator, 'PUT', path, { ...current, ...changes });
    if (res.status !== 200) throw new Error(`PUT ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await renamed(server, { name: names.authServer, description: withMarker('made by a test') });
  await renamed(policy, { name: names.policy, description: withMarker('made by a test') });
  await renamed(rule, { name: names.rule });
  return {
    name,
    audience: fixture.audience,
    description: 'made by a test',
    scopes: [{ name: fixture.scope, description: fixture.scope, default: false }],
    authMethod: 'client_secret_basic',
    tokenLifetimeMinutes: 60,
    allClients: false,
  };
}
