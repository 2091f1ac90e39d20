/**
 * `okta-m2m token get` (the built CLI) against the Okta emulator, set up the way Okta's management API is used:
 * plain fetch with an SSWS token. Scopes, audience and lifetime must be what the rule says; the usual mistakes
 * (wrong secret, a scope outside the rule, a client the policy does not name) each give their own clear error.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import { decodeJwt } from '../../src/oauth/jwt.js';
import { secretRefs } from '../../src/secrets/refs.js';
import { describeWithKeychain, useTestKeychain } from '../support/index.js';
import { tempDir, tokenGetArgs } from '../support/index.js';
import { filesUnder, requireBuilt, runBuilt, serviceApp as serviceAppBody } from '../support/index.js';

type Json = Record<string, any>;

let emulator: EmulatorHandle;
let issuer: string;
let authServerId: string;
const AUDIENCE = 'api://orders-emulated';
const LIFETIME_MINUTES = 7;
const apps: Record<'basic' | 'post' | 'jwt' | 'stranger', { id: string; clientId: string; clientSecret?: string }> =
  {} as never;
let privateKeyPem: string;

async function admin(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      authorization: `SSWS ${emulator.adminToken}`,
      accept: 'application/json',
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

async function serviceApp(
  label: string,
  method: string,
  jwks?: Json[],
): Promise<{ id: string; clientId: string; clientSecret?: string }> {
  const app = await admin('POST', '/api/v1/apps', serviceAppBody(label, method, jwks));
  return {
    id: app.id,
    clientId: app.credentials.oauthClient.client_id,
    clientSecret: app.credentials.oauthClient.client_secret,
  };
}

beforeAll(async () => {
  requireBuilt();
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  emulator = await startEmulator({ rateLimits: 'off' });
  const server = await admin('POST', '/api/v1/authorizationServers', {
    name: 'orders',
    description: 'token tests',
    audiences: [AUDIENCE],
  });
  authServerId = server.id;
  issuer = server.issuer;
  for (const scope of ['orders:read', 'orders:write', 'orders:admin']) {
    await admin('POST', `/api/v1/authorizationServers/${authServerId}/scopes`, {
      name: scope,
      description: scope,
      metadataPublish: 'ALL_CLIENTS',
    });
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  privateKeyPem = await exportPKCS8(privateKey);
  apps.basic = await serviceApp('basic', 'client_secret_basic');
  apps.post = await serviceApp('post', 'client_secret_post');
  apps.jwt = await serviceApp('jwt', 'private_key_jwt', [
    { ...(await exportJWK(publicKey)), kid: 'emu-key-1', use: 'sig', alg: 'RS256' },
  ]);
  apps.stranger = await serviceApp('stranger', 'client_secret_basic');
  const policy = await admin('POST', `/api/v1/authorizationServers/${authServerId}/policies`, {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    name: 'orders clients',
    description: 'token tests',
    conditions: { clients: { include: [apps.basic.clientId, apps.post.clientId, apps.jwt.clientId] } },
  });
  await admin('POST', `/api/v1/authorizationServers/${authServerId}/policies/${policy.id}/rules`, {
    type: 'RESOURCE_ACCESS',
    name: 'client credentials',
    conditions: {
      grantTypes: { include: ['client_credentials'] },
      scopes: { include: ['orders:read', 'orders:write'] },
      people: { groups: { include: ['EVERYONE'] } },
    },
    actions: { token: { accessTokenLifetimeMinutes: LIFETIME_MINUTES } },
  });
});
afterAll(async () => {
  await emulator?.stop();
});

/** The built CLI, no keychain: --no-cache and the secret on stdin (or none for private_key_jwt). */
async function tokenGet(args: string[], secret?: string, env: Record<string, string> = {}) {
  const dir = await tempDir();
  const result = await runBuilt(
    ['token', 'get', '--issuer', issuer, '--no-cache', ...args, ...(secret ? ['--client-secret-stdin'] : [])],
    {
      cwd: dir,
      env,
      stdin: secret ?? '',
    },
  );
  return { ...result, dir };
}

function expectOktaToken(stdout: string, clientId: string, scopes: string[]) {
  const claims = decodeJwt(stdout).claims as Json;
  expect(claims.iss).toBe(issuer);
  expect(claims.aud).toBe(AUDIENCE);
  expect(claims.cid).toBe(clientId);
  expect(claims.scp).toEqual(scopes);
  expect(claims.exp - claims.iat).toBe(LIFETIME_MINUTES * 60);
}

describe('token get against the Okta emulator', () => {
  it('client_secret_basic, client_secret_post and private_key_jwt each get a token with the rule’s scopes, audience and lifetime', async () => {
    const basic = await tokenGet(
      ['--client-id', apps.basic.clientId, '--scope', 'orders:read'],
      apps.basic.clientSecret,
    );
    expect(basic.code, basic.stderr).toBe(0);
    expectOktaToken(basic.stdout, apps.basic.clientId, ['orders:read']);

    const post = await tokenGet(
      [
        '--client-id',
        apps.post.clientId,
        '--auth-method',
        'client_secret_post',
        '--scope',
        'orders:read',
        '--scope',
        'orders:write',
      ],
      apps.post.clientSecret,
    );
    expect(post.code, post.stderr).toBe(0);
    expectOktaToken(post.stdout, apps.post.clientId, ['orders:read', 'orders:write']);

    const jwt = await tokenGet(
      [
        '--client-id',
        apps.jwt.clientId,
        '--auth-method',
        'private_key_jwt',
        '--key-id',
        'emu-key-1',
        '--scope',
        'orders:write',
      ],
      undefined,
      {
        OKTA_M2M_CLIENT_PRIVATE_KEY: privateKeyPem,
      },
    );
    expect(jwt.code, jwt.stderr).toBe(0);
    expectOktaToken(jwt.stdout, apps.jwt.clientId, ['orders:write']);

    const json = await runBuilt(
      [
        '--json',
        ...tokenGetArgs(issuer, apps.basic.clientId, '--no-cache', '--scope', 'orders:read', '--client-secret-stdin'),
      ],
      {
        cwd: basic.dir,
        env: {},
        stdin: apps.basic.clientSecret,
      },
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      token_type: 'Bearer',
      expires_in: LIFETIME_MINUTES * 60,
      scope: 'orders:read',
    });

    for (const result of [basic, post, jwt, json]) {
      expect(result.stdout + result.stderr).not.toContain(apps.basic.clientSecret);
      expect(result.stdout + result.stderr).not.toContain(apps.post.clientSecret);
      expect(result.stdout + result.stderr).not.toMatch(/PRIVATE KEY/);
    }
  });

  it('the token verifies against the emulator’s keys', async () => {
    const got = await tokenGet(['--client-id', apps.basic.clientId, '--scope', 'orders:read'], apps.basic.clientSecret);
    const verified = await runBuilt(
      ['token', 'verify', '-', '--issuer', issuer, '--audience', AUDIENCE, '--scope', 'orders:read'],
      { cwd: got.dir, env: {}, stdin: got.stdout },
    );
    expect(verified.code, verified.stderr).toBe(0);
    const missing = await runBuilt(['token', 'verify', '-', '--issuer', issuer, '--scope', 'orders:write'], {
      cwd: got.dir,
      env: {},
      stdin: got.stdout,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/it lacks the scope orders:write/);
  });

  it('a wrong secret: exit 1, invalid_client and the hint; the wrong secret is not echoed', async () => {
    const result = await tokenGet(
      ['--client-id', apps.basic.clientId, '--scope', 'orders:read'],
      'this-is-not-the-secret',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^error: The token request was refused: invalid_client \(The client secret supplied for a confidential client is invalid\.\)\.\nhint: Usually a wrong client secret/,
    );
    expect(result.stderr).not.toContain('this-is-not-the-secret');
  });

  it('the wrong auth method for the app: invalid_client naming both methods', async () => {
    const result = await tokenGet(
      ['--client-id', apps.basic.clientId, '--auth-method', 'client_secret_post', '--scope', 'orders:read'],
      apps.basic.clientSecret,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /invalid_client \(Client authentication failed\. The client is configured to authenticate with 'client_secret_basic'/,
    );
  });

  it.each([
    [
      'a scope the rule does not allow: exit 1, policy evaluation failed and the access-policy hint',
      'basic',
      'orders:admin',
      [
        /access_denied \(Policy evaluation failed/,
        /hint: The authorization server's access policy is not assigned to this client, or its rule does not include the client_credentials grant or these scopes\./,
      ],
    ],
    [
      'a scope the server does not define: exit 1, invalid_scope',
      'basic',
      'orders:delete',
      [
        /invalid_scope \(One or more scopes are not configured/,
        /hint: The scope is not defined on the authorization server/,
      ],
    ],
    [
      'a client the policy does not name: exit 1 with the access-policy hint',
      'stranger',
      'orders:read',
      [/access_denied \(Policy evaluation failed/, /access policy is not assigned to this client/],
    ],
  ] as const)('%s', async (_what, app, scope, messages) => {
    const result = await tokenGet(['--client-id', apps[app].clientId, '--scope', scope], apps[app].clientSecret);
    expect(result.code).toBe(1);
    for (const message of messages) expect(result.stderr).toMatch(message);
  });
});

describeWithKeychain('a bare `token get` after init (state + keychain, as init leaves them)', () => {
  const keychain = useTestKeychain('emulator');

  it('gets a token from the state and the keychain, caches it in the keychain, writes no file with a secret', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '.okta-m2m'));
    const okta = {
      orgUrl: emulator.url,
      appId: apps.post.id,
      clientId: apps.post.clientId,
      authMethod: 'client_secret_post',
      authServerId,
      issuer,
      tokenEndpoint: `${issuer}/v1/token`,
      audience: AUDIENCE,
      scopes: ['orders:read', 'orders:write'],
    };
    await writeFile(
      join(dir, '.okta-m2m', 'state.json'),
      JSON.stringify({ version: 1, profiles: { default: { okta } } }),
    );
    const secretAccount = secretRefs.clientSecret('default', apps.post.clientId).account;
    keychain.accounts.push(secretAccount);
    await keychain.backend.set(secretAccount, apps.post.clientSecret!);

    const env = { OKTA_M2M_KEYCHAIN_SERVICE: keychain.service };
    const first = await runBuilt(['token', 'get'], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    expectOktaToken(first.stdout, apps.post.clientId, ['orders:read', 'orders:write']);
    const second = await runBuilt(['token', 'get'], { cwd: dir, env });
    expect(second.stdout).toBe(first.stdout);

    for (const result of [first, second]) expect(result.stdout + result.stderr).not.toContain(apps.post.clientSecret);
    for (const file of await filesUnder(dir)) {
      expect(file.content, file.path).not.toContain(apps.post.clientSecret);
      expect(file.content, file.path).not.toContain(first.stdout.trim());
    }
    const { cacheKey, credentialFingerprint } = await import('../../src/oauth/token-cache.js');
    const credential = credentialFingerprint({ method: 'client_secret_post', clientSecret: apps.post.clientSecret! });
    const cacheAccount = secretRefs.tokenCache(
      'default',
      cacheKey({
        tokenEndpoint: okta.tokenEndpoint,
        clientId: okta.clientId,
        credential,
        scopes: okta.scopes,
        audience: AUDIENCE,
        provider: 'okta',
      }),
    ).account;
    keychain.accounts.push(cacheAccount);
    expect(JSON.parse((await keychain.backend.get(cacheAccount)) ?? 'null')?.access_token).toBe(first.stdout.trim());
  });
});
