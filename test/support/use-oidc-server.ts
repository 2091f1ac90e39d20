import { afterAll, beforeAll } from 'vitest';
import { startOidcServer, type OidcServer } from './oidc-server.js';

/**
 * For a file or a describe: a standard OpenID provider (oidc-provider) started before its tests and closed after
 * them. `set` receives it, for the suite's own variable (as useOktaEmulator does).
 */
export function useOidcServer(set: (server: OidcServer) => void): void {
  let started: OidcServer | undefined;
  beforeAll(async () => {
    started = await startOidcServer();
    set(started);
  });
  afterAll(async () => {
    await started?.close();
  });
}
