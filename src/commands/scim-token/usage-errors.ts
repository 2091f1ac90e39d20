import { UsageError } from '../../errors.js';
import { BridgeTokenError } from '../../scim/bridge-token.js';
import { BridgeUrlError } from '../../scim/bridge-url.js';

/** The bridge codec's errors (bad input) as usage errors with a way forward. */
export function withUsageErrors<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof BridgeTokenError) {
      throw new UsageError(`Invalid bridge token: ${error.message}.`, {
        hint: 'Make one with "okta-m2m scim-token encode".',
      });
    }
    if (error instanceof BridgeUrlError) {
      throw new UsageError(`Invalid bridge URL: ${error.message}.`, {
        hint: 'Give the function URL (https://...lambda-url...on.aws) and the target host only.',
      });
    }
    throw error;
  }
}
