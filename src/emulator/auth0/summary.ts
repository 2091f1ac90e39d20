import type { Auth0Emulator } from './index.js';

/** What `okta-m2m emulator start --auth0` shows (and tests pass around): everything but the secret. */
export type Auth0EmulatorSummary = Pick<
  Auth0Emulator,
  | 'url'
  | 'domain'
  | 'issuer'
  | 'managementAudience'
  | 'managementBaseUrl'
  | 'tokenUrl'
  | 'jwksUri'
  | 'managementClientId'
  | 'caCertPath'
>;

export function auth0EmulatorSummary(emu: Auth0Emulator): Auth0EmulatorSummary {
  return {
    url: emu.url,
    domain: emu.domain,
    issuer: emu.issuer,
    managementAudience: emu.managementAudience,
    managementBaseUrl: emu.managementBaseUrl,
    tokenUrl: emu.tokenUrl,
    jwksUri: emu.jwksUri,
    managementClientId: emu.managementClientId,
    ...(emu.caCertPath ? { caCertPath: emu.caCertPath } : {}),
  };
}
