/**
 * The trust boundary, CLI side (issue 15): files (state, key files) and servers (discovery documents, redirects,
 * error texts) are data, never directions. Each test is an attack over real HTTP against the built CLI, with a trap
 * server on loopback and, where a host must LOOK non-loopback (so no plain-http exemption applies), a DNS preload
 * in the child that resolves *.example.test to 127.0.0.1. Each attack worked on main before this change.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey, credentialFingerprint } from '../../src/oauth/token-cache.js';
import { secretRefs } from '../../src/secrets/refs.js';
import type { SecretBackend } from '../../src/secrets/store.js';
import { spawnCli, tempWorkspace, tokenUrlArgs } from '../support/index.js';
import { requireKeychain, testKeychainService } from '../support/index.js';
import { DNS_PRELOAD, sendJson, startTrap, type Trap } from './support/trap.js';

const SECRET = 'trust-canary-client-secret-9f2a7c1e4b6d8a0f3e5c7b9d1f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a';
const CLIENT_ID = '0oaTrustClient';

let trap: Trap;
let workspace: Awaited<ReturnType<typeof tempWorkspace>>;

beforeAll(async () => {
  trap = await startTrap();
});
afterAll(async () => {
  await trap.close();
});
beforeEach(async () => {
  trap.requests.length = 0;
  trap.routes.clear();
  workspace = await tempWorkspace('okta-m2m-trust-');
});
afterEach(async () => {
  await workspace.cleanup();
});

async function writeState(sections: Record<string, unknown>): Promise<void> {
  await mkdir(join(workspace.dir, '.okta-m2m'), { recursive: true });
  await writeFile(
    join(workspace.dir, '.okta-m2m', 'state.json'),
    JSON.stringify({ version: 1, profiles: { default: sections } }),
  );
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  return spawnCli(args, {
    cwd: workspace.dir,
    env: { ...workspace.env, ...env },
    nodeArgs: ['--import', DNS_PRELOAD],
    input,
  });
}

/** `token get` for CLIENT_ID at this token URL, then `flags`. */
const tokenGetAt = (tokenUrl: string, ...flags: string[]) => tokenUrlArgs(tokenUrl, CLIENT_ID, ...flags);

function secretSeen(): boolean {
  const basic = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');
  return trap.requests.some((r) => r.authorization?.includes(basic) || r.body.includes(SECRET));
}

describe('credentials go only where the profile or the typed flags say', () => {
  it('a state file whose tokenEndpoint points elsewhere over http gets no secret: refused with a hint', async () => {
    await writeState({
      okta: {
        orgUrl: 'https://acme.example.test',
        clientId: CLIENT_ID,
        authServerId: 'aus1',
        tokenEndpoint: `http://auth.example.test:${trap.port}/exfil`,
      },
    });
    const result = await cli(['token', 'get', '--no-cache'], { OKTA_M2M_CLIENT_SECRET: SECRET });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /tokenEndpoint http:\/\/auth\.example\.test:\d+\/exfil is not https:\/\/acme\.example\.test\/oauth2\/aus1\/v1\/token/,
    );
    expect(result.stderr).toMatch(/hint: .*data, not a direction/);
    expect(trap.requests).toEqual([]);
  });

  it('--token-url over plain http to a host that is not loopback is refused before anything is sent', async () => {
    const result = await cli(tokenGetAt(`http://auth.example.test:${trap.port}/token`, '--no-cache'), {
      OKTA_M2M_CLIENT_SECRET: SECRET,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/plain http/);
    expect(trap.requests).toEqual([]);
  });
});

describe('discovery documents and redirects are data', () => {
  let issuerServer: Trap;
  beforeAll(async () => {
    issuerServer = await startTrap();
  });
  afterAll(async () => {
    await issuerServer.close();
  });
  beforeEach(() => {
    issuerServer.requests.length = 0;
    issuerServer.routes.clear();
  });

  it('a token_endpoint on another origin gets no secret (unless --allow-cross-origin says so)', async () => {
    const issuer = `${issuerServer.url}/oauth2/aus1`;
    issuerServer.routes.set('/oauth2/aus1/.well-known/oauth-authorization-server', (_req, res) =>
      sendJson(res, 200, { issuer, token_endpoint: `${trap.url}/token`, jwks_uri: `${issuer}/v1/keys` }),
    );
    const result = await cli(['token', 'get', '--no-cache', '--issuer', issuer, '--client-id', CLIENT_ID], {
      OKTA_M2M_CLIENT_SECRET: SECRET,
    });
    expect(result.code, result.stderr).not.toBe(0);
    expect(result.stderr).toMatch(/token_endpoint" on another origin/);
    expect(result.stderr).toMatch(/--allow-cross-origin/);
    expect(trap.requests).toEqual([]);
  });

  it('a cross-origin redirect of the well-known URL is not followed', async () => {
    const issuer = `${issuerServer.url}/oauth2/aus2`;
    trap.routes.set('/evil-metadata', (_req, res) =>
      sendJson(res, 200, { issuer, token_endpoint: `${trap.url}/token` }),
    );
    for (const path of [
      '/.well-known/oauth-authorization-server/oauth2/aus2',
      '/oauth2/aus2/.well-known/oauth-authorization-server',
      '/oauth2/aus2/.well-known/openid-configuration',
    ]) {
      issuerServer.routes.set(path, (_req, res) => {
        res.writeHead(302, { location: `${trap.url}/evil-metadata` });
        res.end();
      });
    }
    const result = await cli(['token', 'get', '--no-cache', '--issuer', issuer, '--client-id', CLIENT_ID], {
      OKTA_M2M_CLIENT_SECRET: SECRET,
    });
    expect(result.code, result.stderr).not.toBe(0);
    expect(result.stderr).toMatch(/redirected \(HTTP 302\) to another origin/);
    expect(trap.requests).toEqual([]);
    expect(secretSeen()).toBe(false);
  });

  it('token verify does not call a token valid that is signed by keys from another origin', async () => {
    const issuer = `${issuerServer.url}/oauth2/aus3`;
    const attacker = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(attacker.publicKey)), kid: 'evil', alg: 'RS256', use: 'sig' };
    trap.routes.set('/keys', (_req, res) => sendJson(res, 200, { keys: [jwk] }));
    trap.routes.set('/evil-metadata', (_req, res) =>
      sendJson(res, 200, { issuer, token_endpoint: `${issuer}/v1/token`, jwks_uri: `${trap.url}/keys` }),
    );
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ scp: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'evil' })
      .setIssuer(issuer)
      .setSubject('forged')
      .setAudience('api://x')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(attacker.privateKey);
    // Both ways an attacker gets its keys named: the document says so, or the well-known URL redirects to its own.
    issuerServer.routes.set('/oauth2/aus3/.well-known/oauth-authorization-server', (_req, res) =>
      sendJson(res, 200, { issuer, token_endpoint: `${issuer}/v1/token`, jwks_uri: `${trap.url}/keys` }),
    );
    const direct = await cli(['token', 'verify', '--issuer', issuer, token]);
    expect(direct.code, direct.stderr).not.toBe(0);
    expect(direct.stdout).not.toMatch(/^valid/m);
    expect(direct.stderr).toMatch(/jwks_uri" on another origin/);

    issuerServer.routes.set('/oauth2/aus3/.well-known/oauth-authorization-server', (_req, res) => {
      res.writeHead(302, { location: `${trap.url}/evil-metadata` });
      res.end();
    });
    const redirected = await cli(['token', 'verify', '--issuer', issuer, token]);
    expect(redirected.code, redirected.stderr).not.toBe(0);
    expect(redirected.stdout).not.toMatch(/^valid/m);
    expect(trap.requests).toEqual([]);
  });
});

describe('remote text never writes to the terminal', () => {
  it("the token endpoint's error text reaches stderr with its control characters neutralised", async () => {
    const escapes =
      '\u001b]52;c;b3duZWQ=\u0007\u001b[2J\u001b[1A\u001b[2K\u009b31m\u001b]8;;https://evil.example/\u001b\\click';
    trap.routes.set('/token', (_req, res) =>
      sendJson(res, 400, { error: 'invalid_client', error_description: `bad client ${escapes}` }),
    );
    const result = await cli(tokenGetAt(`${trap.url}/token`, '--no-cache'), { OKTA_M2M_CLIENT_SECRET: SECRET });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad client');
    // eslint-disable-next-line no-control-regex -- asserts that no control character (terminal escape) got through
    expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(result.stderr).toContain('\\u001b]52;c;');
  });
});

describe('partial leaks', () => {
  it('an error text that echoes the secret is redacted before it is cut: no part of the secret prints', async () => {
    // The secret straddles the 300-character cut of an error description.
    trap.routes.set('/token', (_req, res) =>
      sendJson(res, 400, {
        error: 'invalid_client',
        error_description: `${'x'.repeat(270)} you sent ${SECRET} and that is wrong`,
      }),
    );
    const result = await cli(tokenGetAt(`${trap.url}/token`, '--no-cache'), { OKTA_M2M_CLIENT_SECRET: SECRET });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('you sent');
    expect(result.stderr + result.stdout).not.toContain(SECRET.slice(0, 16));
  });

  it('scim-token decode of a damaged token never echoes its secret', async () => {
    // Fields swapped by hand: the secret sits where the token URL should be.
    const token = Buffer.from(JSON.stringify({ v: 1, tokenUrl: SECRET, clientId: 'c', clientSecret: SECRET })).toString(
      'base64',
    );
    const result = await cli(['scim-token', 'decode', token]);
    expect(result.stderr + result.stdout).not.toContain(SECRET.slice(0, 16));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/token URL is not a URL/);
  });

  it('token get --curl puts an on-behalf-of assertion in a shell variable, as it does the secret', async () => {
    const assertion =
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYWxsZXIiLCJzZWNyZXQiOiJvbi1iZWhhbGYifQ.c2lnbmF0dXJlLW9mLXRoZS1hc3NlcnRpb24';
    const result = await cli(
      tokenGetAt(`https://acme.example.test/oauth2/aus1/v1/token?assertion=${assertion}`, '--curl'),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(assertion);
    expect(result.stdout).toContain('assertion=\'"$ASSERTION"');
    expect(trap.requests).toEqual([]);
  });
});

describe('files are read bounded', () => {
  it('state.json as a link to /dev/zero or as a folder: a one-line error naming the file, exit 2', async () => {
    await mkdir(join(workspace.dir, '.okta-m2m'), { recursive: true });
    await symlink('/dev/zero', join(workspace.dir, '.okta-m2m', 'state.json'));
    const zero = await spawnCli(tokenGetAt(`${trap.url}/token`), {
      cwd: workspace.dir,
      env: workspace.env,
      timeoutMs: 10_000,
    });
    expect(zero.signal).toBeNull();
    expect(zero.code, zero.stderr).toBe(2);
    expect(zero.stderr).toMatch(/state\.json is a device, not a regular file/);
    expect(zero.stderr.trim().split('\n')).toHaveLength(2);

    const folder = await tempWorkspace('okta-m2m-trust-dir-');
    try {
      await mkdir(join(folder.dir, '.okta-m2m', 'state.json'), { recursive: true });
      const dir = await spawnCli(tokenGetAt(`${trap.url}/token`), {
        cwd: folder.dir,
        env: folder.env,
      });
      expect(dir.code, dir.stderr).toBe(2);
      expect(dir.stderr).toMatch(/state\.json is a folder, not a regular file/);
      expect(dir.stderr).not.toMatch(/EISDIR|\n\s+at /);
    } finally {
      await folder.cleanup();
    }
    expect(trap.requests).toEqual([]);
  });

  it('a key file that is a folder or /dev/zero: a clear error, exit 2', async () => {
    await mkdir(join(workspace.dir, 'keydir'));
    for (const [file, kind] of [
      ['keydir', 'a folder'],
      ['/dev/zero', 'a device'],
    ] as const) {
      const result = await cli(tokenGetAt(`${trap.url}/token`, '--no-cache', '--private-key-file', file));
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`is ${kind}, not a regular file`);
    }
    expect(trap.requests).toEqual([]);
  });
});

describe('the token cache belongs to the credential', () => {
  const service = testKeychainService('trust');
  let backend: SecretBackend;
  const accounts: string[] = [];
  beforeAll(async () => {
    backend = await requireKeychain(service);
  });
  afterAll(async () => {
    for (const account of accounts) await backend.delete(account).catch(() => false);
  });

  it('a wrong secret never gets the cached token, and logout removes the cached tokens', async () => {
    let issued = 0;
    const good = `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`;
    trap.routes.set('/token', (req, res) => {
      if (req.headers.authorization !== good) return sendJson(res, 401, { error: 'invalid_client' });
      issued += 1;
      sendJson(res, 200, {
        access_token: `cached-access-token-${issued}-abcdefgh`,
        token_type: 'Bearer',
        expires_in: 3600,
      });
    });
    const tokenUrl = `${trap.url}/token`;
    const env = { OKTA_M2M_KEYCHAIN_SERVICE: service };
    const key = cacheKey({
      tokenEndpoint: tokenUrl,
      clientId: CLIENT_ID,
      credential: credentialFingerprint({ method: 'client_secret_basic', clientSecret: SECRET }),
      provider: 'generic',
      scopes: [],
    });
    accounts.push(secretRefs.tokenCache('default', key).account, secretRefs.tokenCacheIndex('default').account);

    const first = await cli(['token', 'get', '--client-id', CLIENT_ID, '--token-url', tokenUrl], {
      ...env,
      OKTA_M2M_CLIENT_SECRET: SECRET,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe('cached-access-token-1-abcdefgh');
    expect(await backend.get(secretRefs.tokenCache('default', key).account)).toContain('cached-access-token-1');

    const wrong = await cli(['token', 'get', '--client-id', CLIENT_ID, '--token-url', tokenUrl], {
      ...env,
      OKTA_M2M_CLIENT_SECRET: 'a-wrong-secret-entirely',
    });
    expect(wrong.code, wrong.stdout).toBe(1);
    expect(wrong.stdout).not.toContain('cached-access-token');

    const again = await cli(['token', 'get', '--client-id', CLIENT_ID, '--token-url', tokenUrl], {
      ...env,
      OKTA_M2M_CLIENT_SECRET: SECRET,
    });
    expect(again.stdout.trim()).toBe('cached-access-token-1-abcdefgh');

    const logout = await cli(['logout'], env);
    expect(logout.code, logout.stderr).toBe(0);
    expect(await backend.get(secretRefs.tokenCache('default', key).account)).toBeUndefined();
  });
});
