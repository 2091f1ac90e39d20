// What the bridge key tests need to run hook deploy's domain code against the fake AWS account: a scim-bridge
// request, short waits, and a keychain that holds nothing (the bridge has no shared secret).
import type { AwsTiming } from '../../src/lambda/aws-clients.js';
import type { BuiltZip } from '../../src/lambda/build.js';
import type { DeployRequest } from '../../src/lambda/deploy.js';
import { SecretStore } from '../../src/secrets/store.js';

export const FAST_TIMING: Partial<AwsTiming> = {
  waitMaxSeconds: 5,
  waitMinDelaySeconds: 0.005,
  waitMaxDelaySeconds: 0.01,
  roleRetryDelaysMs: [1],
  sleep: async () => undefined,
};

export const emptyKeychain = () =>
  new SecretStore({ get: async () => undefined, set: async () => undefined, delete: async () => false }, {});

export function scimBridgeRequest(zip: BuiltZip, over: Partial<DeployRequest> = {}): DeployRequest {
  return {
    template: 'scim-bridge',
    profile: 'default',
    region: 'eu-west-1',
    functionName: 'okta-m2m-scim-bridge',
    roleName: 'okta-m2m-scim-bridge-role',
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    memorySize: 256,
    timeout: 30,
    zip,
    options: { allowedHosts: ['scim.example.com'] },
    ...over,
  };
}
