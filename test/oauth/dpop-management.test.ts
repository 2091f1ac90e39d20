/**
 * okta-m2m's management client with a DPoP-bound service app, on the emulator over real HTTP (Okta: "Configure OAuth
 * 2.0 Demonstrating Proof-of-Possession for Okta API", developer.okta.com/docs/guides/dpop/oktaresourceserver/;
 * RFC 9449). Each place Okta's Node SDK broke is tested on its own:
 * - okta-sdk-nodejs #453: the token request's `use_dpop_nonce` answer is retried once with the nonce, and the nonce
 *   is remembered for the next token request of the run;
 * - okta-sdk-nodejs #424: htu without the query, on every page of a Link-paginated list;
 * - okta-sdk-nodejs #521: htu keeps a percent-encoded path as sent.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, exportPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import { HttpStatusError } from '../../src/http/errors.js';
import { createOktaClient, type OktaClient } from '../../src/okta/client.js';
import { all } from '../../src/okta/collect.js';
import { dpopAth, dpopHtu } from '../../src/oauth/dpop.js';
import { dpopKeyFrom, generateDpopPrivateKey, type DpopKey } from '../../src/oauth/dpop-keys.js';
import { api, newRsaKey, serviceApp } from '../support/index.js';

let emulator: EmulatorHandle;
let clientId: string;
let pem: string;
let kid: string;

beforeAll(async () => {
  emulator = await startEmulator({ rateLimits: 'off' });
  const key = await newRsaKey();
  kid = key.kid;
  pem = await exportPKCS8(key.privateKey);
  const body: any = serviceApp(`okta-m2m-${randomUUID().slice(0, 8)}`, 'private_key_jwt', [key.publicJwk]);
  body.settings.oauthClient.dpop_bound_access_tokens = true;
  const app = await api(emulator, 'POST', '/api/v1/apps', body);
  expect(app.status).toBe(200);
  clientId = app.body.credentials.oauthClient.client_id;
  for (const scopeId of ['okta.apps.read', 'okta.groups.read']) {
    expect(
      (await api(emulator, 'POST', `/api/v1/apps/${app.body.id}/grants`, { issuer: emulator.url, scopeId })).status,
    ).toBe(201);
  }
  expect((await api(emulator, 'POST', `/oauth2/v1/clients/${clientId}/roles`, { type: 'SUPER_ADMIN' })).status).toBe(
    200,
  );
  for (let i = 0; i < 5; i += 1)
    expect(
      (await api(emulator, 'POST', '/api/v1/apps', serviceApp(`paged-${i}-${randomUUID().slice(0, 6)}`))).status,
    ).toBe(200);
});
afterAll(async () => {
  await emulator?.stop();
});

async function dpopClient(key: DpopKey): Promise<OktaClient> {
  return createOktaClient(
    {
      orgUrl: emulator.url,
      mode: 'private_key_jwt',
      clientId,
      scopes: ['okta.apps.read', 'okta.groups.read'],
      privateKey: pem,
      keyId: kid,
    },
    { dpop: key.prover },
  );
}

/** A DPoP-bound management token for this key, as the client got it (read from the header it would send). */
async function boundToken(key: DpopKey): Promise<string> {
  const client = await dpopClient(key);
  await client.call('GET', '/api/v1/apps', { query: { limit: 1 } });
  const auth = (
    client as unknown as { auth: { headers(m: string, u: string, n?: string): Promise<Record<string, string>> } }
  ).auth;
  return (await auth.headers('GET', `${emulator.url}/x`, undefined)).authorization!.replace(/^DPoP /, '');
}

const tokenRequests = () => emulator.requestLog.filter((entry) => entry.path === '/oauth2/v1/token');

describe('a DPoP-bound login on the emulator', () => {
  it('#453: the token request answers use_dpop_nonce once, then the nonce is kept for the run', async () => {
    emulator.clearRequestLog();
    const client = await dpopClient(await dpopKeyFrom(generateDpopPrivateKey()));
    await client.call('GET', '/api/v1/apps', { query: { limit: 1 } });
    expect(tokenRequests().map((entry) => entry.status)).toEqual([400, 200]);
    // A rejected token makes the client fetch another: this time the remembered nonce goes in the first proof.
    (client as unknown as { auth: { invalidate(): boolean } }).auth.invalidate();
    await client.call('GET', '/api/v1/apps', { query: { limit: 1 } });
    expect(tokenRequests().map((entry) => entry.status)).toEqual([400, 200, 200]);
  });

  it('#424: every page of a Link-paginated list carries a proof whose htu has no query', async () => {
    const client = await dpopClient(await dpopKeyFrom(generateDpopPrivateKey()));
    emulator.clearRequestLog();
    const apps = await all(client.list<{ id: string }>('/api/v1/apps', { limit: 2 }));
    expect(apps.length).toBeGreaterThanOrEqual(6);
    const pages = emulator.requestLog.filter((entry) => entry.path.startsWith('/api/v1/apps'));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((entry) => entry.status === 200)).toBe(true);
    expect(pages.some((entry) => /after=/.test(entry.path))).toBe(true);
  });

  it('#521: a percent-encoded path is proven as sent (the emulator answers 404 for the unknown id, not 401)', async () => {
    const client = await dpopClient(await dpopKeyFrom(generateDpopPrivateKey()));
    const id = 'no such/group id';
    const path = `/api/v1/groups/${encodeURIComponent(id)}`;
    const error = await client.call('GET', path).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(404);
    expect(dpopHtu(`${emulator.url}${path}?x=1#f`)).toBe(`${emulator.url}/api/v1/groups/no%20such%2Fgroup%20id`);
  });

  it('the DPoP-bound token is refused without a proof, as Bearer, and with a decoded (SDK #521) htu', async () => {
    const key = await dpopKeyFrom(generateDpopPrivateKey());
    const accessToken = await boundToken(key);
    const path = `/api/v1/groups/${encodeURIComponent('a b')}`;
    const url = `${emulator.url}${path}`;
    const call = (authorization: string, dpop?: string) =>
      fetch(url, { headers: { authorization, accept: 'application/json', ...(dpop ? { dpop } : {}) } });
    expect((await call(`Bearer ${accessToken}`)).status).toBe(401);
    expect((await call(`DPoP ${accessToken}`)).status).toBe(401);
    // What the SDK did: the path decoded ("a b"), signed by the right key (our prover would re-encode it).
    const decoded = await new SignJWT({ htm: 'GET', htu: decodeURIComponent(url), ath: dpopAth(accessToken) })
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'dpop+jwt',
        jwk: await exportJWK(key.privateKey).then(({ d: _d, ...pub }) => pub),
      })
      .setJti(randomUUID())
      .setIssuedAt()
      .sign(key.privateKey);
    expect((await call(`DPoP ${accessToken}`, decoded)).status).toBe(401);
    const right = await key.prover.proof({ htm: 'GET', htu: url, accessToken });
    expect((await call(`DPoP ${accessToken}`, right)).status).toBe(404);
    // A proof from another key, with the right ath, does not do either.
    const other = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ htm: 'GET', htu: url, ath: dpopAth(accessToken) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(other.publicKey) })
      .setJti(randomUUID())
      .setIssuedAt()
      .sign(other.privateKey);
    expect((await call(`DPoP ${accessToken}`, foreign)).status).toBe(401);
  });

  it('a proof from the future, an old one, or one that carries the private key is refused (RFC 9449 4.3)', async () => {
    const key = await dpopKeyFrom(generateDpopPrivateKey());
    const accessToken = await boundToken(key);
    const url = `${emulator.url}/api/v1/apps`;
    const privateJwk = await exportJWK(key.privateKey);
    const { d: _d, ...publicJwk } = privateJwk;
    const proof = (jwk: object, iat: number) =>
      new SignJWT({ htm: 'GET', htu: url, ath: dpopAth(accessToken) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setJti(randomUUID())
        .setIssuedAt(iat)
        .sign(key.privateKey);
    const call = async (dpop: string) =>
      (await fetch(url, { headers: { authorization: `DPoP ${accessToken}`, accept: 'application/json', dpop } }))
        .status;
    const now = Math.floor(Date.now() / 1000);
    expect(await call(await proof(publicJwk, now))).toBe(200);
    expect(await call(await proof(publicJwk, now + 600))).toBe(401);
    expect(await call(await proof(publicJwk, now - 600))).toBe(401);
    expect(await call(await proof(privateJwk, now))).toBe(401);
  });
});
