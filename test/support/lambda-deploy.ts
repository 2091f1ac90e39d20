/**
 * For the suites that call src/lambda/deploy.ts directly (test/hooks/deploy*.test.ts): AWS waits and retries cut to
 * milliseconds, a SecretStore over an in-memory map, and the token hook's function as `hook deploy` names it.
 */
import type { AwsTiming } from '../../src/lambda/aws-clients.js';
import type { DeployRequest, planRemove } from '../../src/lambda/deploy.js';
import { SecretStore } from '../../src/secrets/store.js';

/** Waits of milliseconds and no real sleep; an IAM role is retried after each of `roleRetryDelaysMs`. */
export function fastAwsTiming(roleRetryDelaysMs: number[]): Partial<AwsTiming> {
  return {
    waitMaxSeconds: 5,
    waitMinDelaySeconds: 0.005,
    waitMaxDelaySeconds: 0.01,
    roleRetryDelaysMs,
    sleep: async () => undefined,
  };
}

/** A SecretStore whose keychain is `keychain`, with no environment to read secrets from. */
export function mapSecretStore(keychain: Map<string, string>): SecretStore {
  return new SecretStore(
    {
      get: async (account) => keychain.get(account),
      set: async (account, value) => void keychain.set(account, value),
      delete: async (account) => keychain.delete(account),
    },
    {},
  );
}

/** The token hook of the default profile in eu-west-1, by the names `hook deploy` gives it: what planRemove takes. */
export const tokenHookFunction = {
  template: 'token-hook',
  profile: 'default',
  region: 'eu-west-1',
  functionName: 'okta-m2m-token-hook',
  roleName: 'okta-m2m-token-hook-role',
} as const satisfies Parameters<typeof planRemove>[0];

/** The token hook's function settings as `hook deploy` defaults them. */
export const tokenHookDefaults = {
  ...tokenHookFunction,
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  memorySize: 256,
  timeout: 5,
} as const satisfies Partial<DeployRequest>;
