/**
 * CI without an OS keychain: login takes its secret from the environment and leaves it there; a first init, which
 * would get a new secret it could not keep, refuses before any write; a re-run with the app's secret in the
 * environment needs no keychain. The keychain is taken away per run by pointing D-Bus at nothing.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  describeWithKeychain,
  keychainLookup,
  login,
  orgObjects,
  ownServiceApp,
  writeMethods,
} from '../support/index.js';
import { useSuiteWorkspaces } from '../support/suite-workspaces.js';

const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/okta-m2m-no-bus' };
const INIT = ['init', '--name', 'ledger', '--scope', 'ledger:read', '--yes'];

describeWithKeychain('without a keychain (CI)', () => {
  let emu: EmulatorHandle;
  const { fresh } = useSuiteWorkspaces((started) => (emu = started));

  it('login with OKTA_M2M_API_TOKEN checks the token, saves the profile and does not store the token', async () => {
    const ws = await fresh();
    const result = await ws.run(['login', '--org-url', emu.url], {
      env: { ...NO_KEYCHAIN, OKTA_M2M_API_TOKEN: emu.adminToken },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/not stored: okta-m2m reads it from OKTA_M2M_API_TOKEN/);
    expect(result.stdout).toMatch(/API token \(from \$OKTA_M2M_API_TOKEN\)/);
    const profiles = JSON.parse(await readFile(join(ws.dir, 'config', 'profiles.json'), 'utf8'));
    expect(profiles.profiles[ws.profile]).toEqual({ orgUrl: emu.url, authMode: 'ssws' });
    expect(keychainLookup(`${ws.profile}/okta-api-token`)).toBeUndefined();
    // A bad token is still refused, and nothing is saved.
    const other = await fresh();
    const bad = await other.run(['login', '--org-url', emu.url], {
      env: { ...NO_KEYCHAIN, OKTA_M2M_API_TOKEN: '00notavalidtoken0000000000' },
    });
    expect(bad.code).toBe(1);
    expect(existsSync(join(other.dir, 'config', 'profiles.json'))).toBe(false);
  });

  it('login --oauth with OKTA_M2M_PRIVATE_KEY checks the key, saves the profile and does not store the key', async () => {
    // okta-m2m's own service app as an admin sets it up; this login asks for two of its scopes.
    const { clientId, pem, kid } = await ownServiceApp(emu);

    const ws = await fresh();
    const result = await ws.run(
      [
        'login',
        '--oauth',
        '--org-url',
        emu.url,
        '--client-id',
        clientId,
        '--key-id',
        kid,
        '--scopes',
        'okta.apps.manage okta.authorizationServers.manage',
      ],
      { env: { ...NO_KEYCHAIN, OKTA_M2M_PRIVATE_KEY: pem } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/not stored: okta-m2m reads it from OKTA_M2M_PRIVATE_KEY/);
    const profiles = JSON.parse(await readFile(join(ws.dir, 'config', 'profiles.json'), 'utf8'));
    expect(profiles.profiles[ws.profile]).toMatchObject({
      orgUrl: emu.url,
      authMode: 'private_key_jwt',
      clientId,
      keyId: kid,
    });
    expect(keychainLookup(`${ws.profile}/okta-private-key`)).toBeUndefined();
  });

  it('a first init without a keychain refuses before any write, with or without OKTA_M2M_CLIENT_SECRET', async () => {
    const ws = await fresh();
    expect((await login(ws, emu)).code).toBe(0);
    const appsBefore = (await orgObjects(emu)).apps.length;
    for (const extra of [{}, { OKTA_M2M_CLIENT_SECRET: 'a-secret-of-no-app-0123456789' }]) {
      emu.clearRequestLog();
      const result = await ws.run(INIT, { env: { ...NO_KEYCHAIN, OKTA_M2M_API_TOKEN: emu.adminToken, ...extra } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/init needs the OS keychain to keep the new app's client secret/);
      expect(result.stderr).toMatch(/hint: Run the first init where a keychain is available/);
      expect(result.stderr).not.toMatch(/preflight|or set OKTA_M2M_CLIENT_SECRET instead/);
      expect(writeMethods(emu.requestLog)).toEqual([]);
      expect(existsSync(join(ws.dir, '.okta-m2m', 'state.json'))).toBe(false);
    }
    expect((await orgObjects(emu)).apps.length).toBe(appsBefore);
  });

  it(
    'after a first init with a keychain, init re-runs without one when OKTA_M2M_CLIENT_SECRET holds the secret',
    { timeout: 60_000 },
    async () => {
      const ws = await fresh();
      expect((await login(ws, emu)).code).toBe(0);
      const first = await ws.run(INIT);
      expect(first.code, first.stderr).toBe(0);
      const state = (await ws.state()).profiles[ws.profile].okta;
      const secret = keychainLookup(`${ws.profile}/app:${state.clientId}`);
      expect(secret).toBeTruthy();
      const ci = { ...NO_KEYCHAIN, OKTA_M2M_API_TOKEN: emu.adminToken, OKTA_M2M_CLIENT_SECRET: secret! };
      const changed = await ws.run(['init', '--token-lifetime', '30', '--yes'], { env: ci });
      expect(changed.code, changed.stderr).toBe(0);
      expect(changed.stderr).toMatch(/updated rule/);
      // Without the secret, the app's credential would have to be replaced, which needs a keychain: refused, unwritten.
      emu.clearRequestLog();
      const { OKTA_M2M_CLIENT_SECRET: _, ...noSecret } = ci;
      const refused = await ws.run(['init', '--yes'], { env: noSecret });
      expect(refused.code).toBe(1);
      expect(writeMethods(emu.requestLog)).toEqual([]);
    },
  );

  it('status --no-token --json says the token was not checked', async () => {
    const ws = await fresh();
    expect((await login(ws, emu)).code).toBe(0);
    expect((await ws.run(INIT)).code).toBe(0);
    const result = await ws.run(['status', '--no-token', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.complete).toBe(true);
    expect(status.token).toEqual({ checked: false });
    const text = await ws.run(['status', '--no-token']);
    expect(text.stdout).toMatch(/token:\s+not tried/);
  });
});
