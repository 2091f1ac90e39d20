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
  // One entry per account for the run: opening one connects to the Secret Service (several milliseconds), and a
  // command may use an account more than once (the keychain check writes and deletes its entry).
  const entries = new Map<string, Promise<Keyring.AsyncEntry>>();
  const open = async (account: string) => {
    // Opening blocks this thread: the requests a command has just started go out first, so that time overlaps their
    // round trip instead of delaying it.
    await new Promise((resolve) => setImmediate(resolve));
    const { AsyncEntry } = keyringModule();
    return new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  };
  const entry = (account: string) => {
    let opened = entries.get(account);
    if (!opened) entries.set(account, (opened = open(account)));
    return opened;
  };
  /**
   * A second try, on a new connection, after a failed keychain call. A Secret Service daemon that exits mid-call fails
   * that call ("Message recipient disconnected from message bus without replying"), and D-Bus starts a new one for
   * the next. Each call is safe to repeat: a read, a write of the same value, a delete (which answers false if the
   * first try had deleted).
   */
  const call = async <T>(account: string, operation: (entry: Keyring.AsyncEntry) => Promise<T>): Promise<T> => {
    try {
      return await operation(await entry(account));
    } catch {
      entries.delete(account);
      return operation(await entry(account));
    }
  };
  return {
    get: (account) => call(account, async (opened) => (await opened.getPassword()) ?? undefined),
    set: (account, value) => call(account, (opened) => opened.setPassword(value)),
    delete: (account) => call(account, (opened) => opened.deleteCredential()),
  };
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
