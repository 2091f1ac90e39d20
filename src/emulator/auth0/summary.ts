import type { Auth0Emulator } from './index.js';

/** What `okta-m2m emulator start --auth0` shows (and tests pass around): everything but the secret. */
export interface Auth0EmulatorSummary {
  url: string;
  domain: string;
  issuer: string;
  managementAudience: string;
  managementBaseUrl: string;
  tokenUrl: string;
  jwksUri: string;
  managementClientId: string;
  /** With tls: the certificate file a client process trusts via NODE_EXTRA_CA_CERTS. */
  caCertPath?: string;
}

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
