import { UsageError } from '../../errors.js';
import { BridgeTokenError } from '../../scim/bridge-token.js';
import { BridgeUrlError } from '../../scim/bridge-url.js';

/** The bridge codec's errors (bad input) as usage errors with a way forward. */
export function withUsageErrors<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw asUsageError(error);
  }
}

export async function withUsageErrorsAsync<T>(make: () => Promise<T>): Promise<T> {
  try {
    return await make();
  } catch (error) {
    throw asUsageError(error);
  }
}

function asUsageError(error: unknown): unknown {
  if (error instanceof BridgeTokenError) {
    return new UsageError(`Invalid bridge token: ${error.message}.`, {
      hint: 'Make one with "okta-m2m scim-token encode".',
    });
  }
  if (error instanceof BridgeUrlError) {
    return new UsageError(`Invalid bridge URL: ${error.message}.`, {
      hint: 'Give the function URL (https://...lambda-url...on.aws) and the target host only.',
    });
  }
  return error;
}
