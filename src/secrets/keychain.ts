import type { SecretBackend } from './store.js';
import { KEYCHAIN_SERVICE } from './refs.js';

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux) via @napi-rs/keyring.
 * On Linux the entry is pinned to the Secret Service: the library would otherwise fall back to the kernel
 * keyring, which forgets everything at logout, so a missing Secret Service must be an error, not a lost secret.
 */
export function keychainBackend(service: string = KEYCHAIN_SERVICE): SecretBackend {
  const entry = async (account: string) => {
    const { AsyncEntry } = await import('@napi-rs/keyring');
    return new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  };
  return {
    async get(account) {
      return (await (await entry(account)).getPassword()) ?? undefined;
    },
    async set(account, value) {
      await (await entry(account)).setPassword(value);
    },
    async delete(account) {
      return (await entry(account)).deleteCredential();
    },
  };
}
