/**
 * DPoP end to end with the built CLI, on the Okta (and, for sync, Auth0) emulator over real HTTP, the real keychain:
 * okta-m2m's own DPoP-bound login runs init, status, sync (group members read over Link pages) and destroy;
 * `init --dpop` makes a DPoP-bound app whose token, from `token get` without a flag, is bound to the key in the
 * keychain; the management API refuses a DPoP-bound token without a proof and takes it with `token proof`'s.
 * Okta: developer.okta.com/docs/guides/dpop/ (and /oktaresourceserver/); RFC 9449.
 */
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  api,
  decodeJwt,
  describeWithKeychain,
  newRsaKey,
  serviceApp,
  keychainLookup,
  type Emulators,
  type Workspace,
} from '../support/index.js';
import { runJson } from '../support/run-ok.js';
import { useEmulatorsWorkspace } from '../support/suite-workspaces.js';

const SCOPES = [
  'okta.apps.manage',
  'okta.authorizationServers.manage',
  'okta.inlineHooks.manage',
  'okta.users.manage',
  'okta.groups.manage',
];
/** More members than one page of /groups/{id}/users (1000), so the second sync reads them over a Link page. */
const MEMBERS = 1003;

/** An admin (SSWS) call that must succeed; its JSON body. */
async function admin(emu: EmulatorHandle, method: string, path: string, body?: unknown) {
  const response = await api(emu, method, path, body);
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

describeWithKeychain('DPoP (built CLI, emulators, keychain)', () => {
  let emus: Emulators;
  let ws: Workspace;
  let serviceClientId: string;
  let kid: string;
  let pem: string;

  useEmulatorsWorkspace((made) => ({ emus, ws } = made), {
    seed: 11,
    seedData: { roles: [{ name: 'staff', users: MEMBERS }] },
  });
  beforeAll(async () => {
    // okta-m2m's own service app as Okta makes a new API Services app: "Require DPoP" on.
    const key = await newRsaKey('k1');
    kid = key.kid;
    const body: any = serviceApp('okta-m2m-dpop', 'private_key_jwt', [key.publicJwk]);
    body.settings.oauthClient.dpop_bound_access_tokens = true;
    const app = await admin(emus.okta, 'POST', '/api/v1/apps', body);
    for (const scopeId of SCOPES)
      await admin(emus.okta, 'POST', `/api/v1/apps/${app.id}/grants`, { issuer: emus.okta.url, scopeId });
    serviceClientId = app.credentials.oauthClient.client_id;
    await admin(emus.okta, 'POST', `/oauth2/v1/clients/${serviceClientId}/roles`, { type: 'SUPER_ADMIN' });
    pem = await exportPKCS8(key.privateKey);
    await writeFile(join(ws.dir, 'key.pem'), pem, { mode: 0o600 });
  }, 60_000);
  afterAll(async () => {
    await ws?.run(['logout', '--yes']).catch(() => undefined);
  });

  const loginArgs = () => [
    'login',
    '--oauth',
    '--org-url',
    emus.okta.url,
    '--client-id',
    serviceClientId,
    '--private-key-file',
    'key.pem',
    '--key-id',
    kid,
  ];

  it('login without --dpop is refused by a DPoP-required app and says to add --dpop; with it, the profile records dpop', async () => {
    const refused = await ws.run(loginArgs());
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--dpop/);
    const login = await ws.run([...loginArgs(), '--dpop', '--json']);
    expect(login.code, login.stderr).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({
      authMode: 'private_key_jwt',
      clientId: serviceClientId,
      dpop: true,
    });
    const profiles = JSON.parse(await readFile(join(ws.dir, 'config', 'profiles.json'), 'utf8'));
    expect(profiles.profiles[ws.profile]).toMatchObject({ dpop: true });
    expect(keychainLookup(`${ws.profile}/dpop-key:${serviceClientId}`)).toMatch(/"crv":"P-256"/);
  });

  it(
    'init --dpop makes a DPoP-bound app; status shows it; token get (no flag) gets a DPoP token bound to the keychain key',
    { timeout: 90_000 },
    async () => {
      const init = await ws.run(['init', '--name', 'ledger', '--scope', 'ledger:read', '--dpop', '--yes', '--json']);
      expect(init.code, init.stderr).toBe(0);
      const state = (await ws.state()).profiles[ws.profile].okta;
      expect(state).toMatchObject({ dpop: true, spec: { dpop: true } });
      const app = await admin(emus.okta, 'GET', `/api/v1/apps/${state.appId}`);
      expect(app.settings.oauthClient.dpop_bound_access_tokens).toBe(true);

      // Again: the DPoP setting matches, so nothing is written.
      emus.okta.clearRequestLog();
      const again = await ws.run(['init', '--yes', '--json']);
      expect(again.code, again.stderr).toBe(0);
      expect(emus.okta.requestLog.filter((e) => e.method !== 'GET' && e.path.startsWith('/api/'))).toEqual([]);

      const status = await ws.run(['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        setup: { dpop: true },
        drift: false,
        token: { ok: true, tokenType: 'DPoP' },
      });
      const human = await ws.run(['status']);
      expect(human.stdout).toMatch(/DPoP:\s+required/);

      const got = await ws.run(['token', 'get', '--json']);
      expect(got.code, got.stderr).toBe(0);
      const token = JSON.parse(got.stdout);
      expect(token.token_type).toBe('DPoP');
      const stored = JSON.parse(keychainLookup(`${ws.profile}/dpop-key:${state.clientId}`) ?? '{}');
      const { d: _d, ...publicJwk } = stored;
      const jkt = await calculateJwkThumbprint(publicJwk);
      expect(decodeJwt(token.access_token).cnf).toEqual({ jkt });

      // Piped: the token alone on stdout, token_type and cnf.jkt on stderr; the second one comes from the cache.
      const piped = await ws.run(['token', 'get']);
      expect(piped.code, piped.stderr).toBe(0);
      expect(piped.stdout.trim()).toBe(token.access_token);
      expect(piped.stderr).toContain(`token_type: DPoP, cnf.jkt: ${jkt}`);

      // Without the cache, a new token, bound to the same stored key.
      const fresh = await ws.run(['token', 'get', '--json', '--no-cache']);
      expect(fresh.code, fresh.stderr).toBe(0);
      expect(decodeJwt(JSON.parse(fresh.stdout).access_token).cnf).toEqual({ jkt });

      const verified = await ws.run(['token', 'verify', token.access_token, '--json']);
      expect(verified.code, verified.stderr).toBe(0);
      const otherKey = await generateKeyPair('ES256', { extractable: true });
      await writeFile(join(ws.dir, 'other.jwk'), JSON.stringify(await exportJWK(otherKey.publicKey)));
      const wrongKey = await ws.run(['token', 'verify', token.access_token, '--dpop-key', 'other.jwk']);
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.stderr).toMatch(/cnf\.jkt/);

      const curl = await ws.run(['token', 'get', '--curl']);
      expect(curl.code, curl.stderr).toBe(0);
      expect(curl.stdout).toContain(`'DPoP: '"$DPOP_PROOF"`);
      expect(curl.stderr).toMatch(/token proof --client-id \S+ --htm POST --htu/);
    },
  );

  it(
    'the management API refuses a DPoP-bound token without a proof and takes it with token proof',
    { timeout: 60_000 },
    async () => {
      const token = await runJson(ws, [
        'token',
        'get',
        '--token-url',
        `${emus.okta.url}/oauth2/v1/token`,
        '--client-id',
        serviceClientId,
        '--auth-method',
        'private_key_jwt',
        '--private-key-file',
        'key.pem',
        '--key-id',
        kid,
        '--scope',
        'okta.apps.manage',
        '--dpop',
        '--json',
        '--no-cache',
      ]);
      expect(token.token_type).toBe('DPoP');
      const url = `${emus.okta.url}/api/v1/apps?limit=1`;
      const call = (headers: Record<string, string>) =>
        fetch(url, { headers: { accept: 'application/json', ...headers } });
      expect((await call({ authorization: `Bearer ${token.access_token}` })).status).toBe(401);
      expect((await call({ authorization: `DPoP ${token.access_token}` })).status).toBe(401);
      const proof = await ws.run([
        'token',
        'proof',
        '--client-id',
        serviceClientId,
        '--htm',
        'GET',
        '--htu',
        url,
        '--token',
        token.access_token,
      ]);
      expect(proof.code, proof.stderr).toBe(0);
      const claims = decodeJwt(proof.stdout.trim());
      expect(claims).toMatchObject({
        htm: 'GET',
        htu: `${emus.okta.url}/api/v1/apps`,
        ath: expect.any(String),
        jti: expect.any(String),
        iat: expect.any(Number),
      });
      const withProof = await call({ authorization: `DPoP ${token.access_token}`, dpop: proof.stdout.trim() });
      expect(withProof.status).toBe(200);
      // A proof is single-use.
      expect((await call({ authorization: `DPoP ${token.access_token}`, dpop: proof.stdout.trim() })).status).toBe(401);
    },
  );

  it(
    'sync reads the group members over Link pages with proofs; destroy removes the setup',
    { timeout: 170_000 },
    async () => {
      const profilesPath = join(ws.dir, 'config', 'profiles.json');
      const profiles = JSON.parse(await readFile(profilesPath, 'utf8'));
      profiles.profiles[ws.profile].auth0 = {
        domain: emus.auth0.domain,
        clientId: emus.auth0.managementClientId,
        baseUrl: emus.auth0.url,
      };
      await writeFile(profilesPath, JSON.stringify(profiles), { mode: 0o600 });
      const env = { OKTA_M2M_AUTH0_MANAGEMENT_SECRET: emus.auth0.managementClientSecret };

      const first = await ws.run(
        [
          '--json',
          '--yes',
          'sync',
          'auth0-role',
          '--role',
          'staff',
          '--group',
          'Staff',
          '--create-group',
          '--concurrency',
          '16',
        ],
        { env, timeoutMs: 160_000 },
      );
      expect(first.code, first.stderr).toBe(0);
      emus.okta.clearRequestLog();
      const second = await ws.run(['--json', '--yes', 'sync', 'auth0-role', '--role', 'staff', '--group', 'Staff'], {
        env,
      });
      expect(second.code, second.stderr).toBe(0);
      const memberPages = emus.okta.requestLog.filter((e) => /^\/api\/v1\/groups\/[^/]+\/users/.test(e.path));
      expect(memberPages.length).toBeGreaterThanOrEqual(2);
      expect(memberPages.some((e) => /after=/.test(e.path))).toBe(true);
      expect(memberPages.every((e) => e.status === 200)).toBe(true);
      expect(emus.okta.requestLog.filter((e) => e.method !== 'GET' && e.path.startsWith('/api/'))).toEqual([]);

      const state = (await ws.state()).profiles[ws.profile].okta;
      const destroy = await ws.run(['destroy', '--yes', '--json']);
      expect(destroy.code, destroy.stderr).toBe(0);
      const apps = await admin(emus.okta, 'GET', '/api/v1/apps?limit=200');
      expect(apps.map((a: { id: string }) => a.id)).not.toContain(state.appId);
      expect(keychainLookup(`${ws.profile}/dpop-key:${state.clientId}`)).toBeUndefined();

      // No private key (the service app's, or a DPoP key's "d") reached any output.
      const pemLine = pem.split('\n')[1]!;
      const dpopD = JSON.parse(keychainLookup(`${ws.profile}/dpop-key:${serviceClientId}`) ?? '{}').d as string;
      expect(dpopD).toEqual(expect.any(String));
      for (const output of ws.outputs) {
        expect(output).not.toContain(pemLine);
        expect(output).not.toContain(dpopD);
      }
    },
  );
});
