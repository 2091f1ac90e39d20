/**
 * For a test file of the built scim-bridge against a real authorization server: the Okta emulator (per-plan limits
 * off: these suites are not about rate limits), a client-credentials fixture whose tokens live 5 minutes (so a run
 * needs one token request), a SCIM server on loopback and a temp folder, all made before the file's tests and gone
 * after them. Read the fields inside tests and hooks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  provisionClientCredentials,
  startEmulator,
  type ClientCredentialsFixture,
  type EmulatorHandle,
} from '../../src/emulator/okta/index.js';
import { startScimServer, type ScimServer } from './templates.js';

interface BridgeBackends {
  emulator: EmulatorHandle;
  fixture: ClientCredentialsFixture;
  scim: ScimServer;
  dir: string;
  /** The SCIM server as the bridge's allowlist and URLs name it: localhost:<port>. */
  scimHost: () => string;
  /** The fixture's client as a bridge token carries it. */
  credentials: () => { tokenUrl: string; clientId: string; clientSecret: string; scope: string };
}

export function useBridgeBackends(label: string): BridgeBackends {
  const backends = {
    scimHost: () => `localhost:${new URL(backends.scim.url).port}`,
    credentials: () => ({
      tokenUrl: backends.fixture.tokenUrl,
      clientId: backends.fixture.clientId,
      clientSecret: backends.fixture.clientSecret!,
      scope: backends.fixture.scope,
    }),
  } as BridgeBackends;
  beforeAll(async () => {
    backends.dir = await mkdtemp(join(tmpdir(), `okta-m2m-${label}-`));
    backends.emulator = await startEmulator({ port: 0, rateLimits: 'off' });
    backends.scim = await startScimServer();
    backends.fixture = await provisionClientCredentials(backends.emulator.url, backends.emulator.adminToken, {
      accessTokenLifetimeMinutes: 5,
    });
  });
  afterAll(async () => {
    // Set in beforeAll, unless it failed before.
    await (backends.scim as ScimServer | undefined)?.close();
    await (backends.emulator as EmulatorHandle | undefined)?.stop();
    if (backends.dir) await rm(backends.dir, { recursive: true, force: true });
  });
  return backends;
}
