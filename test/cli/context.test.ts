import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { SecretStore } from '../../src/secrets/store.js';
import { runCliInProcess, tempDir, useOktaEmulator } from '../support/index.js';
import { memorySecretBackend } from '../support/memory-secrets.js';

// The context is the one way a command reaches outside the process: a test that hands main() its own keychain
// runs login, status and logout in-process against the emulator, with no terminal, OS keychain or other network.

let emu: EmulatorHandle;
// Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
useOktaEmulator((started) => (emu = started));

describe('a command run with the factories a test chose', () => {
  it('login, status and logout use the keychain they were given', async () => {
    const cwd = await tempDir();
    const keychain = memorySecretBackend();
    const factories = { secrets: (env: NodeJS.ProcessEnv) => new SecretStore(keychain, env) };

    const login = await runCliInProcess(['login', '--org-url', emu.url, '--api-token-stdin'], {
      cwd,
      stdin: emu.adminToken,
      stdinIsTTY: false,
      factories,
    });
    expect(login.code, login.stderr).toBe(0);
    expect([...keychain.entries.keys()]).toEqual(['default/okta-api-token']);
    expect(keychain.entries.get('default/okta-api-token')).toBe(emu.adminToken);
    expect(login.stdout + login.stderr).not.toContain(emu.adminToken);

    const status = await runCliInProcess(['--json', 'status', '--no-token'], { cwd, factories });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      profile: 'default',
      orgUrl: emu.url,
      authMode: 'ssws',
      setup: null,
    });

    const logout = await runCliInProcess(['logout'], { cwd, factories });
    expect(logout.code, logout.stderr).toBe(0);
    expect(keychain.entries.size).toBe(0);
  });

  it('--timeout is seconds above 0; a bad value is a usage error', async () => {
    const bad = await runCliInProcess(['--timeout', '0', 'profiles', 'list']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--timeout <seconds>.*expected a number of seconds/);
    const good = await runCliInProcess(['--timeout', '2.5', 'profiles', 'list']);
    expect(good.code, good.stderr).toBe(0);
  });
});
