/**
 * Issue 19.11: `profiles status` shows how old the profile's key is. login --oauth (a generated or a registered key),
 * bootstrap and rotate key --login record when the key was made (in the profile: a time, not a secret); a profile
 * from before says "not recorded". The CLI runs in this process under a frozen clock (test/support/clock.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  describeWithKeychain,
  oktaEmulator,
  frozenDate,
  orgWorkspace,
  oauthLoginArgs,
  ownServiceApp,
  type OrgWorkspace,
} from '../support/index.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T09:00:00.000Z');

describeWithKeychain('profiles status: key age', () => {
  let emu: EmulatorHandle;
  const workspaces: OrgWorkspace[] = [];
  let clock: { restore: () => void } | undefined;

  beforeAll(async () => {
    emu = await oktaEmulator({ rateLimits: 'off' });
  });
  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });
  afterAll(async () => {
    for (const ws of workspaces) await ws.cleanup();
    await emu?.stop();
  });

  const at = (ms: number) => {
    clock?.restore();
    clock = frozenDate(ms);
  };
  const profileOf = async (ws: OrgWorkspace) =>
    JSON.parse(await readFile(join(ws.configDir, 'profiles.json'), 'utf8')).profiles[ws.profile];

  it(
    'bootstrap records when the key was made, status shows its age, rotate key --login renews it',
    { timeout: 120_000 },
    async () => {
      const ws = await orgWorkspace('key-age');
      workspaces.push(ws);
      const sswsLogin = await ws.run(['login', '--org-url', emu.url, '--api-token-stdin'], emu.adminToken);
      expect(sswsLogin.code, sswsLogin.stderr).toBe(0);

      at(T0);
      const bootstrap = await ws.run(['login', '--oauth', '--bootstrap', '--no-dpop', '--yes']);
      expect(bootstrap.code, bootstrap.stderr).toBe(0);
      expect((await profileOf(ws)).keyCreatedAt).toBe(new Date(T0).toISOString());

      at(T0 + 12 * DAY + 5 * 3_600_000);
      const status = await ws.run(['profiles', 'status']);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^key age: +12 days \(since 2026-03-01T09:00:00\.000Z\)$/m);
      const json = await ws.run(['profiles', 'status', '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({
        authMode: 'private_key_jwt',
        keyCreatedAt: '2026-03-01T09:00:00.000Z',
        keyAgeDays: 12,
        canAuthenticate: true,
      });

      // A re-run of bootstrap keeps the same key: its time stays.
      const again = await ws.run(
        ['login', '--oauth', '--bootstrap', '--no-dpop', '--api-token-stdin', '--yes'],
        emu.adminToken,
      );
      expect(again.code, again.stderr).toBe(0);
      expect((await profileOf(ws)).keyCreatedAt).toBe('2026-03-01T09:00:00.000Z');

      const rotatedAt = T0 + 40 * DAY;
      at(rotatedAt);
      const rotated = await ws.run(['rotate', 'key', '--login', '--finish', '--yes']);
      expect(rotated.code, rotated.stderr).toBe(0);
      expect((await profileOf(ws)).keyCreatedAt).toBe(new Date(rotatedAt).toISOString());
      at(rotatedAt + DAY);
      const after = await ws.run(['profiles', 'status', '--json']);
      expect(JSON.parse(after.stdout)).toMatchObject({ keyAgeDays: 1, canAuthenticate: true });
      expect((await ws.run(['profiles', 'status'])).stdout).toMatch(/^key age: +1 day \(since /m);
    },
  );

  it('login --oauth with a registered key records when it was registered; the same key again keeps it', async () => {
    const ws = await orgWorkspace('key-age-reg');
    workspaces.push(ws);
    const { clientId, pem, kid } = await ownServiceApp(emu);
    await writeFile(join(ws.dir, 'key.pem'), pem, { mode: 0o600 });
    const loginWithKey = () => ws.run(oauthLoginArgs(emu.url, clientId, 'key.pem', '--key-id', kid));
    at(T0);
    const first = await loginWithKey();
    expect(first.code, first.stderr).toBe(0);
    expect((await profileOf(ws)).keyCreatedAt).toBe('2026-03-01T09:00:00.000Z');
    at(T0 + 5 * DAY);
    const again = await loginWithKey();
    expect(again.code, again.stderr).toBe(0);
    expect((await profileOf(ws)).keyCreatedAt).toBe('2026-03-01T09:00:00.000Z');
    expect(JSON.parse((await ws.run(['profiles', 'status', '--json'])).stdout)).toMatchObject({
      keyAgeDays: 5,
      canAuthenticate: true,
    });
  });

  it('login --oauth --generate-key records the time; a profile from before says "not recorded"', async () => {
    const ws = await orgWorkspace('key-age-gen');
    workspaces.push(ws);
    at(T0);
    const generated = await ws.run(['login', '--oauth', '--generate-key', '--org-url', emu.url]);
    expect(generated.code, generated.stderr).toBe(0);
    const profile = await profileOf(ws);
    expect(profile.keyCreatedAt).toBe('2026-03-01T09:00:00.000Z');

    // A profile written before okta-m2m recorded key times.
    const file = join(ws.configDir, 'profiles.json');
    const doc = JSON.parse(await readFile(file, 'utf8'));
    delete doc.profiles[ws.profile].keyCreatedAt;
    await writeFile(file, JSON.stringify(doc), { mode: 0o600 });
    at(T0 + 3 * DAY);
    const status = await ws.run(['profiles', 'status', '--json']);
    // The app is not set up in Okta yet: no token, but the key age is still reported.
    expect(JSON.parse(status.stdout)).toMatchObject({ keyCreatedAt: null, keyAgeDays: null });
    expect((await ws.run(['profiles', 'status'])).stdout).toMatch(/^key age: +not recorded$/m);
  });
});
