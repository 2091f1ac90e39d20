import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheKey, credentialFingerprint } from '../../src/oauth/token-cache.js';
import { secretRefs } from '../../src/secrets/refs.js';
import { describeWithKeychain, useTestKeychain } from '../support/index.js';
import { startOidcServer, type OidcServer } from '../support/oidc-server.js';
import { tempDir, tokenGetArgs } from '../support/index.js';
import { filesUnder, repoRoot, requireBuilt, runBuilt } from '../support/index.js';

let op: OidcServer;
beforeAll(async () => {
  requireBuilt();
  op = await startOidcServer();
});
afterAll(async () => {
  await op?.close();
});

const PRELOAD = `
import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
const log = process.env.LOAD_LOG;
register('./resolve-hook.mjs', import.meta.url, { data: { log } });
const load = Module._load;
Module._load = function (request, ...rest) {
  appendFileSync(log, 'require ' + request + '\\n');
  return load.call(this, request, ...rest);
};
`;
const RESOLVE_HOOK = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, 'import ' + specifier + ' ' + result.url + '\\n');
  return result;
}
`;
const HEAVY = /@okta\/okta-sdk-nodejs|node_modules\/auth0\/|(^| )auth0( |$)|@aws-sdk\//m;

describe('token get loads no SDK', () => {
  async function withLoadLog(run: (nodeArgs: string[], log: string, dir: string) => Promise<void>) {
    const dir = await tempDir();
    await writeFile(join(dir, 'preload.mjs'), PRELOAD);
    await writeFile(join(dir, 'resolve-hook.mjs'), RESOLVE_HOOK);
    const log = join(dir, 'load.log');
    await writeFile(log, '');
    await run(['--import', join(dir, 'preload.mjs')], log, dir);
  }

  it('the module log of `token get` has jose and the CLI, and no Okta, Auth0 or AWS SDK', async () => {
    await withLoadLog(async (nodeArgs, log, dir) => {
      const result = await runBuilt(
        tokenGetArgs(op.issuer, op.clients.basic.clientId, '--scope', 'orders:read', '--no-cache'),
        {
          cwd: dir,
          nodeArgs,
          env: { OKTA_M2M_CLIENT_SECRET: op.clients.basic.clientSecret, LOAD_LOG: log },
        },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^eyJ/);
      const loaded = await readFile(log, 'utf8');
      // The token path itself was seen (jose, external today; or the chunk, should jose ever be bundled).
      expect(loaded).toMatch(/\/node_modules\/jose\/|\/dist\/chunks\/client-credentials-/);
      expect(loaded).toContain(`${repoRoot}/dist/cli.js`);
      expect(loaded).not.toMatch(HEAVY);
    });
  });

  it('the same log does show an SDK when one is imported (the check can fail)', async () => {
    await withLoadLog(async (nodeArgs, log) => {
      const child = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', "await import('auth0')"], {
        cwd: repoRoot,
        env: { ...process.env, LOAD_LOG: log },
        encoding: 'utf8',
      });
      expect(child.status, child.stderr).toBe(0);
      expect(await readFile(log, 'utf8')).toMatch(HEAVY);
    });
  });
});

describeWithKeychain('token get caches in the real keychain only', () => {
  const keychain = useTestKeychain('cli');

  it('reuses a token within its lifetime, gets a new one after, writes no file and prints no secret', async () => {
    const dir = await tempDir();
    const secret = op.clients.basic.clientSecret;
    const env = { OKTA_M2M_KEYCHAIN_SERVICE: keychain.service };
    const args = tokenGetArgs(
      op.issuer,
      op.clients.basic.clientId,
      '--scope',
      'orders:write',
      '--scope',
      'orders:read',
      '--client-secret-stdin',
    );
    const run = (extra: string[] = []) => runBuilt([...args, ...extra], { cwd: dir, env, stdin: secret });
    const account = secretRefs.tokenCache(
      'default',
      cacheKey({
        tokenEndpoint: op.tokenEndpoint,
        clientId: op.clients.basic.clientId,
        credential: credentialFingerprint({ method: 'client_secret_basic', clientSecret: secret }),
        scopes: ['orders:read', 'orders:write'],
        provider: 'generic',
      }),
    ).account;
    keychain.accounts.push(account);

    op.setAccessTokenTtl(66); // reusable for 6 s (tokens are kept until 60 s before they expire)
    const issuedAt = Date.now();
    const first = await run(['--debug']);
    expect(first.code, first.stderr).toBe(0);
    const token = first.stdout.trim();
    const cached = JSON.parse((await keychain.backend.get(account)) ?? 'null') as {
      access_token: string;
      expires_at: number;
    } | null;
    expect(cached?.access_token).toBe(token);
    expect(cached!.expires_at - Math.floor(issuedAt / 1000)).toBeGreaterThanOrEqual(65);

    const second = await run();
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe(token);

    op.setAccessTokenTtl(300);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, issuedAt + 7500 - Date.now())));
    const later = await run();
    expect(later.code).toBe(0);
    expect(later.stdout.trim()).not.toBe(token);

    const forced = await run(['--force']);
    expect(forced.stdout.trim()).not.toBe(later.stdout.trim());
    const uncached = await run(['--no-cache']);
    expect(uncached.stdout.trim()).not.toBe(forced.stdout.trim());
    expect(JSON.parse((await keychain.backend.get(account)) ?? 'null').access_token).toBe(forced.stdout.trim());
    const afterForce = forced.stdout.trim();

    const outputs = [first, second, forced, uncached, later].flatMap((r) => [r.stdout, r.stderr]);
    for (const output of outputs) expect(output).not.toContain(secret);
    expect(first.stderr).toMatch(/debug: requesting a token/); // --debug did print, and still no secret

    const written = [...(await filesUnder(dir))];
    for (const file of written) {
      expect(file.content, file.path).not.toContain(secret);
      for (const t of [token, afterForce, later.stdout.trim()]) expect(file.content, file.path).not.toContain(t);
    }
    expect(written.map((f) => f.path)).toEqual([]);
  });
});

describe('token get without a keychain (CI)', () => {
  it('works with the secret from the environment, warns once about the cache, writes nothing', async () => {
    const dir = await tempDir();
    const result = await runBuilt(tokenGetArgs(op.issuer, op.clients.basic.clientId, '--scope', 'orders:read'), {
      cwd: dir,
      env: {
        OKTA_M2M_CLIENT_SECRET: op.clients.basic.clientSecret,
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus')}`,
      },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^eyJ/);
    expect(result.stderr).toBe(
      'warning: the token cache is not available (no keychain reachable); --no-cache skips it.\n',
    );
    expect(await filesUnder(dir)).toEqual([]);
  });
});
