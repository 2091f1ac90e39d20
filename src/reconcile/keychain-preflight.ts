import { SecretStoreError } from '../errors.js';
import type { SecretStore } from '../secrets/store.js';

/**
 * A new client secret or private key must be kept where the user can get it: the keychain. Checked with a real
 * write (and delete) before anything is written to the remote or the state.
 */
export async function keychainPreflight(
  secrets: SecretStore,
  profile: string,
  refusal: { message: string; hint: string },
): Promise<void> {
  try {
    await secrets.probe(probeAccount(profile));
  } catch (error) {
    throw new SecretStoreError(refusal.message, { hint: refusal.hint, cause: error });
  }
}

/**
 * Starts the check before it is needed (a first init, while its reads are on the wire): the keychain's answer, a
 * D-Bus round trip or two, is then ready when keychainPreflight asks. A failure waits for keychainPreflight to report.
 */
export function startKeychainPreflight(secrets: SecretStore, profile: string): void {
  secrets.probe(probeAccount(profile)).catch(() => undefined);
}

function probeAccount(profile: string): string {
  return `${profile}/probe`;
}
