import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Raw management call with the SSWS admin token (or the given Authorization header). */
export async function api<T = any>(emulator: EmulatorHandle, method: string, path: string, body?: unknown, authorization?: string | null): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (authorization !== null) headers.Authorization = authorization ?? `SSWS ${emulator.adminToken}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${emulator.url}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function tokenRequest(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<ApiResponse> {
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

export const serviceApp = (label: string, method = 'client_secret_basic', jwks?: JWK[]) => ({
  name: 'oidc_client',
  label,
  signOnMode: 'OPENID_CONNECT',
  credentials: { oauthClient: { token_endpoint_auth_method: method } },
  settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'], ...(jwks ? { jwks: { keys: jwks } } : {}) } },
});
