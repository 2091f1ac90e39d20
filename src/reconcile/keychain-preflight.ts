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
    await secrets.probe(`${profile}/probe`);
  } catch (error) {
    throw new SecretStoreError(refusal.message, { hint: refusal.hint, cause: error });
  }
}
