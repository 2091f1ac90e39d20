import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  provisionClientCredentials,
  startEmulator,
  type ClientCredentialsFixture,
  type EmulatorHandle,
} from '../../src/emulator/okta/index.js';
import { buildTemplate } from '../../src/lambda/build.js';
import { serveHandler, type ServeHandle } from '../../src/lambda/serve.js';
import { encodeBridgeToken } from '../../src/scim/bridge-token.js';
import { startScimServer, type ScimServer } from '../support/templates.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The built scim-bridge zip, served as a function URL, against a real authorization server (the Okta emulator)
 * and a SCIM server: many SCIM calls, one token request per token lifetime.
 */
let emulator: EmulatorHandle;
let scim: ScimServer;
let bridge: ServeHandle;
let fixture: ClientCredentialsFixture;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-m2m-bridge-emu-'));
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  emulator = await startEmulator({ port: 0, rateLimits: 'off' });
  scim = await startScimServer();
  fixture = await provisionClientCredentials(emulator.url, emulator.adminToken, { accessTokenLifetimeMinutes: 5 });
  const built = await buildTemplate('scim-bridge', { outDir: dir });
  bridge = await serveHandler(built.zipPath, {
    env: {
      ALLOWED_HOSTS: `localhost:${new URL(scim.url).port}`,
      ALLOWED_TOKEN_HOSTS: new URL(emulator.url).host,
      ALLOW_INSECURE_LOOPBACK: '1',
    },
  });
}, 60_000);

afterAll(async () => {
  await bridge?.stop();
  await scim?.close();
  await emulator?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the built scim-bridge with tokens from the emulator', () => {
  it('proxies 50 SCIM calls with one token request, and the SCIM server sees the emulator-signed token', async () => {
    const token = encodeBridgeToken({
      tokenUrl: fixture.tokenUrl,
      clientId: fixture.clientId,
      clientSecret: fixture.clientSecret!,
      scope: fixture.scope,
    });
    emulator.clearRequestLog();
    const base = `${bridge.url}/localhost:${new URL(scim.url).port}/scim/v2`;
    for (let call = 0; call < 50; call += 1) {
      const res = await fetch(`${base}/Users?startIndex=${call}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const tokenRequests = emulator.requestLog.filter((entry) => entry.path.endsWith('/v1/token'));
    expect(tokenRequests).toHaveLength(1);
    const seen = scim.requests.slice(-50).map((r) => String(r.headers.authorization).replace(/^Bearer /, ''));
    expect(new Set(seen).size).toBe(1);
    expect(decodeJwt(seen[0]!)).toMatchObject({ iss: fixture.issuer, cid: fixture.clientId, scp: [fixture.scope] });
    expect(scim.requests.at(-1)?.url).toBe('/scim/v2/Users?startIndex=49');
  });

  it('refuses a bridge token for a client the emulator does not know, as a SCIM error', async () => {
    const token = encodeBridgeToken({
      tokenUrl: fixture.tokenUrl,
      clientId: '0oaUnknownClient00000',
      clientSecret: 'nope-nope-nope',
    });
    const res = await fetch(`${bridge.url}/localhost:${new URL(scim.url).port}/scim/v2/Users`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect([401, 502]).toContain(res.status);
    expect(await res.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
  });
});
