/**
 * The real OS keychain in tests. The suites that need one are declared with describeWithKeychain/itWithKeychain:
 * where no keychain answers they fail, saying how to get one, unless OKTA_M2M_SKIP_KEYCHAIN_TESTS=1 asks to skip
 * them (then they show as skipped, with the reason in their name). On Linux `npm test` (scripts/test.js) runs
 * vitest inside a private D-Bus session with a throwaway gnome-keyring.
 */
import { execFile, spawnSync } from 'node:child_process';
import { Entry } from '@napi-rs/keyring';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { keychainBackend } from '../../src/secrets/keychain.js';
import type { SecretBackend } from '../../src/secrets/store.js';

const HOW =
  'These tests use the real OS keychain and none answers here. Run them as `npm test` does (node scripts/test.js, ' +
  'which on Linux needs dbus, gnome-keyring and libsecret-tools: sudo apt-get install -y dbus gnome-keyring ' +
  'libsecret-tools), or set OKTA_M2M_SKIP_KEYCHAIN_TESTS=1 to skip them.';

const skipKeychainRequested = process.env.OKTA_M2M_SKIP_KEYCHAIN_TESTS === '1';

let probed: { ok: true } | { ok: false; reason: string } | undefined;

/** Whether the OS keychain answers: one write, read and delete through @napi-rs/keyring, in this process, once. */
function keychainProbe(): { ok: true } | { ok: false; reason: string } {
  if (probed) return probed;
  if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS) {
    return (probed = { ok: false, reason: 'no D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset)' });
  }
  try {
    const entry = new Entry('okta-m2m-test-probe', `probe-${process.pid}`, { linux: { store: 'secret-service' } });
    entry.setPassword('probe-value');
    const back = entry.getPassword();
    entry.deleteCredential();
    probed = back === 'probe-value' ? { ok: true } : { ok: false, reason: 'the keychain read back something else' };
  } catch (error) {
    probed = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  return probed;
}

/** describe() for a suite that needs the OS keychain: runs, fails saying why, or (when asked) skips visibly. */
export function describeWithKeychain(
  name: string,
  ...rest: [fn: () => void] | [options: object, fn: () => void]
): void {
  const fn = rest.length === 1 ? rest[0] : rest[1];
  const options = rest.length === 1 ? {} : rest[0];
  const probe = keychainProbe();
  if (probe.ok) {
    describe(name, options, fn);
  } else if (skipKeychainRequested) {
    describe.skip(`${name} [skipped by OKTA_M2M_SKIP_KEYCHAIN_TESTS=1: ${probe.reason}]`, options, fn);
  } else {
    describe(name, () => {
      it('needs an OS keychain', () => {
        throw new Error(`${HOW} (${probe.reason})`);
      });
    });
  }
}

/** it() for one test that needs the OS keychain, with describeWithKeychain's rules. */
export function itWithKeychain(name: string, fn: () => Promise<void> | void, timeout?: number): void {
  const probe = keychainProbe();
  if (probe.ok) it(name, fn, timeout);
  else if (skipKeychainRequested) it.skip(`${name} [skipped by OKTA_M2M_SKIP_KEYCHAIN_TESTS=1: ${probe.reason}]`, fn);
  else
    it(name, () => {
      throw new Error(`${HOW} (${probe.reason})`);
    });
}

/** A keychain service name of the test's own, so nothing of the user's is touched. */
export function testKeychainService(label: string): string {
  return `okta-m2m-test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The keychain backend for a service, after checking it answers; fails with the message above when it does not. */
export async function requireKeychain(service: string): Promise<SecretBackend> {
  const backend = keychainBackend(service);
  try {
    await backend.set('probe', 'probe-value');
    if ((await backend.get('probe')) !== 'probe-value') throw new Error('read back something else');
    await backend.delete('probe');
  } catch (error) {
    throw new Error(HOW, { cause: error });
  }
  return backend;
}

interface TestKeychain {
  service: string;
  /** Checked in beforeAll. */
  backend: SecretBackend;
  /** Accounts a test stored: deleted after the suite. */
  accounts: string[];
}

/** For a describe: a keychain service of its own, checked before the tests; what they list in accounts goes after. */
export function useTestKeychain(label: string): TestKeychain {
  const keychain = { service: testKeychainService(label), accounts: [] as string[] } as TestKeychain;
  beforeAll(async () => {
    keychain.backend = await requireKeychain(keychain.service);
  });
  afterAll(async () => {
    const backend = keychain.backend as SecretBackend | undefined;
    for (const account of keychain.accounts) await backend?.delete(account).catch(() => false);
  });
  return keychain;
}

/** Deletes a profile's entries under service okta-m2m, in process; fine if there are none. */
export async function clearKeychainAccounts(accounts: string[]): Promise<void> {
  const backend = keychainBackend();
  for (const account of accounts) await backend.delete(account).catch(() => false);
}

// The system's own tool (not our code), to check what the keychain really holds. @napi-rs/keyring (keyring-rs)
// stores the account as the Secret Service attribute "username".

/** What the OS keychain holds for an okta-m2m account, read with secret-tool. */
export async function secretToolLookup(account: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('secret-tool', ['lookup', 'service', 'okta-m2m', 'username', account], (error, stdout) =>
      resolve(error || stdout === '' ? undefined : stdout),
    );
  });
}

/** Stores with secret-tool; `env` names another session bus. */
export async function secretToolStore(account: string, value: string, env?: NodeJS.ProcessEnv): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      'secret-tool',
      ['store', '--label', `test ${account}`, 'service', 'okta-m2m', 'username', account],
      { env },
      (error) =>
        error
          ? reject(error instanceof Error ? error : new Error('secret-tool store failed', { cause: error }))
          : resolve(),
    );
    child.stdin?.end(value);
  });
}

/** The same lookup, synchronously. */
export function keychainLookup(account: string): string | undefined {
  const result = spawnSync('secret-tool', ['lookup', 'service', 'okta-m2m', 'username', account], { encoding: 'utf8' });
  return result.status === 0 && result.stdout ? result.stdout : undefined;
}

/** Accounts stored under service okta-m2m. */
export function keychainAccounts(): string[] {
  const result = spawnSync('secret-tool', ['search', '--all', 'service', 'okta-m2m'], { encoding: 'utf8' });
  return [...`${result.stdout ?? ''}\n${result.stderr ?? ''}`.matchAll(/^attribute\.username = (.+)$/gm)].map((m) =>
    m[1]!.trim(),
  );
}
