/** `okta-m2m token get --provider auth0` (and from the state `auth0 init` leaves) against the Auth0 emulator. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth0Emulator, type Auth0Emulator } from '../../src/emulator/auth0/index.js';
import { decodeJwt } from '../../src/oauth/jwt.js';
import { runCliInProcess, tempDir } from '../support/index.js';

type Json = Record<string, any>;
const AUDIENCE = 'https://orders.example/api';
let auth0: Auth0Emulator;
let client: { client_id: string; client_secret: string };

async function call(method: string, path: string, token: string | undefined, body: unknown): Promise<Json> {
  const response = await fetch(`${auth0.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as Json;
}

beforeAll(async () => {
  auth0 = await startAuth0Emulator();
  const { access_token: management } = await call('POST', '/oauth/token', undefined, {
    grant_type: 'client_credentials',
    client_id: auth0.managementClientId,
    client_secret: auth0.managementClientSecret,
    audience: auth0.managementAudience,
  });
  await call('POST', '/api/v2/resource-servers', management, {
    identifier: AUDIENCE,
    name: 'orders',
    scopes: [{ value: 'read:orders' }, { value: 'write:orders' }],
    token_lifetime: 900,
  });
  client = (await call('POST', '/api/v2/clients', management, {
    name: 'orders worker',
    app_type: 'non_interactive',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_post',
  })) as typeof client;
  await call('POST', '/api/v2/client-grants', management, {
    client_id: client.client_id,
    audience: AUDIENCE,
    scope: ['read:orders'],
  });
});
afterAll(async () => {
  await auth0?.stop();
});

async function projectWithAuth0State(): Promise<string> {
  const dir = await tempDir();
  await mkdir(join(dir, '.okta-m2m'));
  const section = {
    domain: auth0.domain,
    baseUrl: auth0.url,
    clientId: client.client_id,
    audience: AUDIENCE,
    scopes: ['read:orders'],
  };
  await writeFile(
    join(dir, '.okta-m2m', 'state.json'),
    JSON.stringify({ version: 1, profiles: { default: { auth0: section } } }),
  );
  return dir;
}

describe('token get with Auth0', () => {
  it('a bare `token get` uses the auth0 state: JSON body with the audience; the token verifies', async () => {
    const cwd = await projectWithAuth0State();
    const env = { OKTA_M2M_AUTH0_CLIENT_SECRET: client.client_secret };
    const result = await runCliInProcess(['token', 'get', '--no-cache'], { cwd, env });
    expect(result.code, result.stderr).toBe(0);
    const claims = decodeJwt(result.stdout).claims as Json;
    expect(claims).toMatchObject({
      iss: `${auth0.url}/`,
      aud: AUDIENCE,
      azp: client.client_id,
      scope: 'read:orders',
      gty: 'client-credentials',
    });
    expect(claims.exp - claims.iat).toBe(900);
    const verified = await runCliInProcess(['token', 'verify', '-', '--scope', 'read:orders'], {
      cwd,
      stdin: result.stdout,
    });
    expect(verified.code, verified.stderr).toBe(0);
    expect(result.stdout + result.stderr + verified.stdout + verified.stderr).not.toContain(client.client_secret);
  });

  it('flags alone work too, and Auth0’s errors get hints of their own', async () => {
    const base = [
      'token',
      'get',
      '--provider',
      'auth0',
      '--token-url',
      auth0.tokenUrl,
      '--client-id',
      client.client_id,
      '--no-cache',
    ];
    const ok = await runCliInProcess([...base, '--audience', AUDIENCE, '--auth-method', 'client_secret_basic'], {
      env: { OKTA_M2M_CLIENT_SECRET: client.client_secret },
    });
    expect(ok.code, ok.stderr).toBe(0);

    const cases: Array<[string[], string, RegExp]> = [
      [
        ['--audience', AUDIENCE],
        'wrong-secret-value',
        /access_denied \(Unauthorized\)\.\nhint: Usually a wrong client secret/,
      ],
      [
        ['--audience', AUDIENCE, '--scope', 'write:orders'],
        client.client_secret,
        /not been granted scopes: write:orders\)\.\nhint: Ask only for scopes the client grant includes/,
      ],
      [['--audience', 'https://unknown.example'], client.client_secret, /Service not enabled.*\nhint: Pass --audience/],
      [[], client.client_secret, /No audience parameter.*\nhint: Pass --audience/],
    ];
    for (const [args, secret, message] of cases) {
      const result = await runCliInProcess([...base, ...args], { env: { OKTA_M2M_AUTH0_CLIENT_SECRET: secret } });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain(secret);
    }
  });
});
