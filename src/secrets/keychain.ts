import type { SecretBackend } from './store.js';
import { createRequire } from 'node:module';
import type * as Keyring from '@napi-rs/keyring';
import { KEYCHAIN_SERVICE } from './refs.js';

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux) via @napi-rs/keyring.
 * On Linux the entry is pinned to the Secret Service: the library would otherwise fall back to the kernel
 * keyring, which forgets everything at logout, so a missing Secret Service must be an error, not a lost secret.
 */
export function keychainBackend(service: string = KEYCHAIN_SERVICE): SecretBackend {
  const entry = async (account: string) => {
    const { AsyncEntry } = keyringModule();
    return new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  };
  return {
    get: (account) => onceMore(async () => (await (await entry(account)).getPassword()) ?? undefined),
    set: (account, value) => onceMore(async () => (await entry(account)).setPassword(value)),
    delete: (account) => onceMore(async () => (await entry(account)).deleteCredential()),
  };
}

/**
 * A second try after a failed keychain call. A Secret Service daemon that exits mid-call fails that call ("Message
 * recipient disconnected from message bus without replying"), and D-Bus starts a new one for the next. Each call is
 * safe to repeat: a read, a write of the same value, a delete (which answers false if the first try had deleted).
 */
async function onceMore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch {
    return operation();
  }
}

type KeyringModule = typeof Keyring;
let keyring: KeyringModule | undefined;

/**
 * The native library, loaded on first use with require: it is CommonJS, and import() of it went through the ES module
 * loader's CommonJS translation, three to four times the cost of the load itself (about 15 ms against 4).
 */
function keyringModule(): KeyringModule {
  keyring ??= createRequire(import.meta.url)('@napi-rs/keyring') as KeyringModule;
  return keyring;
}
