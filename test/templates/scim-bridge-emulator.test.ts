import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTemplate } from '../../src/lambda/build.js';
import { serveHandler, type ServeHandle } from '../../src/lambda/serve.js';
import { encodeBridgeToken } from '../../src/scim/bridge-token.js';
import { useBridgeBackends } from '../support/bridge-backends.js';

/**
 * The built scim-bridge zip, served as a function URL, against a real authorization server (the Okta emulator)
 * and a SCIM server: many SCIM calls, one token request per token lifetime.
 */
const b = useBridgeBackends('bridge-emu');
let bridge: ServeHandle;

beforeAll(async () => {
  const built = await buildTemplate('scim-bridge', { outDir: b.dir });
  bridge = await serveHandler(built.zipPath, {
    env: {
      ALLOWED_HOSTS: b.scimHost(),
      ALLOWED_TOKEN_HOSTS: new URL(b.emulator.url).host,
      ALLOW_INSECURE_LOOPBACK: '1',
    },
  });
}, 60_000);

afterAll(async () => {
  await bridge?.stop();
});

describe('the built scim-bridge with tokens from the emulator', () => {
  it('proxies 50 SCIM calls with one token request, and the SCIM server sees the emulator-signed token', async () => {
    const token = encodeBridgeToken(b.credentials());
    b.emulator.clearRequestLog();
    const base = `${bridge.url}/${b.scimHost()}/scim/v2`;
    for (let call = 0; call < 50; call += 1) {
      const res = await fetch(`${base}/Users?startIndex=${call}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const tokenRequests = b.emulator.requestLog.filter((entry) => entry.path.endsWith('/v1/token'));
    expect(tokenRequests).toHaveLength(1);
    const seen = b.scim.requests.slice(-50).map((r) => String(r.headers.authorization).replace(/^Bearer /, ''));
    expect(new Set(seen).size).toBe(1);
    expect(decodeJwt(seen[0]!)).toMatchObject({
      iss: b.fixture.issuer,
      cid: b.fixture.clientId,
      scp: [b.fixture.scope],
    });
    expect(b.scim.requests.at(-1)?.url).toBe('/scim/v2/Users?startIndex=49');
  });

  it('refuses a bridge token for a client the emulator does not know, as a SCIM error', async () => {
    const token = encodeBridgeToken({
      tokenUrl: b.fixture.tokenUrl,
      clientId: '0oaUnknownClient00000',
      clientSecret: 'nope-nope-nope',
    });
    const res = await fetch(`${bridge.url}/${b.scimHost()}/scim/v2/Users`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect([401, 502]).toContain(res.status);
    expect(await res.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
  });
});
