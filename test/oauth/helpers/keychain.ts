/**
 * The real OS keychain for tests, under a service name of the test's own so nothing of the user's is touched.
 * On Linux it needs a Secret Service: `npm test` runs vitest inside dbus-run-session with gnome-keyring unlocked.
 */
import { keychainBackend } from '../../../src/secrets/keychain.js';
import type { SecretBackend } from '../../../src/secrets/store.js';

export function testKeychainService(label: string): string {
  return `okta-m2m-test-${label}-${process.pid}-${Date.now().toString(36)}`;
}

/** Fails with a clear message when no keychain is reachable (rather than letting each test fail obscurely). */
export async function requireKeychain(service: string): Promise<SecretBackend> {
  const backend = keychainBackend(service);
  try {
    await backend.set('probe', 'probe-value');
    if ((await backend.get('probe')) !== 'probe-value') throw new Error('read back something else');
    await backend.delete('probe');
  } catch (error) {
    throw new Error(
      "These tests use the real OS keychain and none is reachable. Run them as `npm test` does: dbus-run-session -- bash -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npx vitest run ...'",
      { cause: error },
    );
  }
  return backend;
}
