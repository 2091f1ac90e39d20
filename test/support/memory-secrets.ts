import type { SecretBackend } from '../../src/secrets/store.js';

/** A SecretBackend in memory, for the in-process suites that are not about the OS keychain; `entries` is its content. */
export function memorySecretBackend(): SecretBackend & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: async (account) => entries.get(account),
    set: async (account, value) => void entries.set(account, value),
    delete: async (account) => entries.delete(account),
  };
}
