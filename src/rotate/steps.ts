import { AuthError } from '../errors.js';
import type { RotationEvent, RotationOptions, Verification } from './types.js';

const VERIFY_ATTEMPTS = 5;
const VERIFY_PAUSE_MS = 1000;

/** A token with the new credential, before anything depends on it; Okta may take a moment to accept a new one. */
export async function verifyWithRetries(options: Pick<RotationOptions, 'sleep'>, verify: Verification): Promise<void> {
  let last = '';
  for (let attempt = 1; attempt <= VERIFY_ATTEMPTS; attempt += 1) {
    const result = await verify();
    if (result.ok) return;
    last = result.error;
    if (attempt < VERIFY_ATTEMPTS) await options.sleep(VERIFY_PAUSE_MS * attempt);
  }
  throw new AuthError(`A token request with the new credential failed: ${last}.`, {
    hint: 'Nothing was switched or deleted; the old credential still works. Run the same command again to retry.',
  });
}

export async function waitGrace(options: RotationOptions, report: (event: RotationEvent) => void): Promise<void> {
  if (!options.graceMs) return;
  report({
    step: 'grace',
    message: `waiting ${Math.round(options.graceMs / 1000)} s before retiring the old credential`,
  });
  await options.sleep(options.graceMs);
}
