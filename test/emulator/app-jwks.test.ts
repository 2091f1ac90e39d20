// The app JWKS API and key validation as Okta's management API describes them (../shared/okta/management-minimal.yaml,
// tag ApplicationSSOPublicKeys: listJwk, addJwk, getJwk, deletejwk, activateOAuth2ClientJsonWebKey,
// deactivateOAuth2ClientJsonWebKey, and the error examples ErrorClientJsonWebKey*, ErrorDeleteActiveJsonWebKey,
// ErrorDeactivateTheOnlyKeyWithPrivateKeyJwtAuthMethod).
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { api, expectOktaError, newRsaKey, serviceApp, type TestKey, useOktaEmulator } from '../support/index.js';
import { orgServerToken } from './iam-support.js';

let emulator: EmulatorHandle;

// Not about rate limits: one generous limit on the developer plan, so the rate limit headers are still sent.
useOktaEmulator((started) => (emulator = started), { rateLimits: 'developer', rateLimitPerMinute: 100_000 });

const orgToken = (clientId: string, key: TestKey) => orgServerToken(emulator, clientId, key, 'okta.apps.read');

async function keyApp(label: string, keys: TestKey[]) {
  const app = (
    await api(
      emulator,
      'POST',
      '/api/v1/apps',
      serviceApp(
        label,
        'private_key_jwt',
        keys.map((k) => k.publicJwk),
      ),
    )
  ).body;
  expect(
    (await api(emulator, 'POST', `/api/v1/apps/${app.id}/grants`, { issuer: emulator.url, scopeId: 'okta.apps.read' }))
      .status,
  ).toBe(201);
  return app;
}

function rsaJwk(bits: number, kid: string) {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}

describe('app JWKS API (ApplicationSSOPublicKeys)', () => {
  it('lists, adds, gets, deactivates, activates and deletes keys, with Okta ids, statuses and _links', async () => {
    const first = await newRsaKey('first');
    const app = await keyApp('jwks-lifecycle', [first]);
    const listed = await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/jwks`);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({
      kid: 'first',
      kty: 'RSA',
      status: 'ACTIVE',
      _links: { deactivate: { hints: { allow: ['POST'] } } },
    });
    expect(listed.body[0].id).toMatch(/^pks[A-Za-z0-9]{17}$/);

    const second = await newRsaKey('second');
    const added = await api(emulator, 'POST', `/api/v1/apps/${app.id}/credentials/jwks`, {
      ...second.publicJwk,
      status: 'INACTIVE',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      kid: 'second',
      status: 'INACTIVE',
      created: expect.any(String),
      lastUpdated: expect.any(String),
    });
    expect(Object.keys(added.body._links).sort()).toEqual(['activate', 'delete']);
    const keyId = added.body.id;
    expect((await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/jwks/${keyId}`)).body.kid).toBe('second');
    // The app object shows the same keys in settings.oauthClient.jwks (OpenIdConnectApplicationSettingsClientKeys).
    const appKeys = (await api(emulator, 'GET', `/api/v1/apps/${app.id}`)).body.settings.oauthClient.jwks.keys;
    expect(appKeys.map((k: any) => [k.kid, k.status])).toEqual([
      ['first', 'ACTIVE'],
      ['second', 'INACTIVE'],
    ]);

    expect(
      (await api(emulator, 'POST', `/api/v1/apps/${app.id}/credentials/jwks/${keyId}/lifecycle/activate`)).body.status,
    ).toBe('ACTIVE');
    expectOktaError(await api(emulator, 'DELETE', `/api/v1/apps/${app.id}/credentials/jwks/${keyId}`), 400, 'E0000001');
    const deactivated = await api(
      emulator,
      'POST',
      `/api/v1/apps/${app.id}/credentials/jwks/${keyId}/lifecycle/deactivate`,
    );
    expect(deactivated.body.status).toBe('INACTIVE');
    expect((await api(emulator, 'DELETE', `/api/v1/apps/${app.id}/credentials/jwks/${keyId}`)).status).toBe(204);
    expectOktaError(await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/jwks/${keyId}`), 404, 'E0000007');
  });

  it("refuses to delete an ACTIVE key and to deactivate a private_key_jwt app's only active key", async () => {
    const only = await newRsaKey('only');
    const app = await keyApp('jwks-only', [only]);
    const keyId = (await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/jwks`)).body[0].id;
    const deleted = await api(emulator, 'DELETE', `/api/v1/apps/${app.id}/credentials/jwks/${keyId}`);
    expectOktaError(deleted, 400, 'E0000001');
    expect(deleted.body.errorCauses[0].errorSummary).toBe(
      "You can't delete an active JSON Web Key. Deactivate the key before deleting it.",
    );
    const deactivated = await api(
      emulator,
      'POST',
      `/api/v1/apps/${app.id}/credentials/jwks/${keyId}/lifecycle/deactivate`,
    );
    expectOktaError(deactivated, 400, 'E0000001');
    expect(deactivated.body.errorCauses[0].errorSummary).toContain("Can't deactivate the only active JSON Web Key");
  });

  it('validates keys as Okta does: RSA of at least 2048 bits, unique kids, kids once there are several keys, at most 50', async () => {
    const app = await keyApp('jwks-validation', [await newRsaKey('v1')]);
    const base = `/api/v1/apps/${app.id}/credentials/jwks`;
    const short = await api(emulator, 'POST', base, rsaJwk(1024, 'short'));
    expectOktaError(short, 400, 'E0000001');
    expect(short.body.errorSummary).toBe('Api validation failed: JsonWebKey');
    expect(short.body.errorCauses[0].errorSummary).toBe(
      "RSA key length in the 'jwks' is less than '2,048' bits for the given key.",
    );
    const duplicate = await api(emulator, 'POST', base, (await newRsaKey('v1')).publicJwk);
    expect(duplicate.body.errorCauses[0].errorSummary).toBe("All keys in the 'jwks' must have a unique `kid`.");
    const { kid: _kid, ...withoutKid } = (await newRsaKey('x')).publicJwk;
    expect((await api(emulator, 'POST', base, withoutKid)).body.errorCauses[0].errorSummary).toContain(
      'Each key should have a unique kid when adding multiple keys',
    );
    expectOktaError(
      await api(emulator, 'POST', base, { ...(await newRsaKey('priv')).privateJwk, kty: 'RSA' }),
      400,
      'E0000001',
    );

    const full = await keyApp('jwks-fifty', [await newRsaKey('k0')]);
    const template = (await newRsaKey('template')).publicJwk;
    for (let i = 1; i < 50; i++)
      expect(
        (await api(emulator, 'POST', `/api/v1/apps/${full.id}/credentials/jwks`, { ...template, kid: `k${i}` })).status,
      ).toBe(201);
    const tooMany = await api(emulator, 'POST', `/api/v1/apps/${full.id}/credentials/jwks`, {
      ...template,
      kid: 'k50',
    });
    expect(tooMany.body.errorCauses[0].errorSummary).toContain('the maximum number of keys allowed (50)');
  });

  it('applies the same key rules to the jwks of an app create or replace', async () => {
    const weak = await api(
      emulator,
      'POST',
      '/api/v1/apps',
      serviceApp('jwks-weak', 'private_key_jwt', [rsaJwk(1024, 'weak') as any]),
    );
    expectOktaError(weak, 400, 'E0000001');
    expect(weak.body.errorCauses[0].errorSummary).toContain("less than '2,048' bits");
    const key = await newRsaKey('same');
    const twice = await api(
      emulator,
      'POST',
      '/api/v1/apps',
      serviceApp('jwks-twice', 'private_key_jwt', [key.publicJwk, { ...(await newRsaKey()).publicJwk, kid: 'same' }]),
    );
    expect(twice.body.errorCauses[0].errorSummary).toBe("All keys in the 'jwks' must have a unique `kid`.");
    // A replace that sends back what GET returned keeps each key's id.
    const app = await keyApp('jwks-replace', [key]);
    const before = (await api(emulator, 'GET', `/api/v1/apps/${app.id}`)).body;
    const replaced = await api(emulator, 'PUT', `/api/v1/apps/${app.id}`, before);
    expect(replaced.body.settings.oauthClient.jwks.keys[0].id).toBe(before.settings.oauthClient.jwks.keys[0].id);
  });

  it('verifies client assertions against ACTIVE keys only (zero-downtime key rotation)', async () => {
    const oldKey = await newRsaKey('old');
    const newKey = await newRsaKey('new');
    const app = await keyApp('jwks-rotation', [oldKey]);
    const clientId = app.credentials.oauthClient.client_id;
    const added = (
      await api(emulator, 'POST', `/api/v1/apps/${app.id}/credentials/jwks`, {
        ...newKey.publicJwk,
        status: 'INACTIVE',
      })
    ).body;
    const inactive = await orgToken(clientId, newKey);
    expect([inactive.status, inactive.body.error]).toEqual([401, 'invalid_client']);
    await api(emulator, 'POST', `/api/v1/apps/${app.id}/credentials/jwks/${added.id}/lifecycle/activate`);
    expect((await orgToken(clientId, newKey)).status).toBe(200);
    expect((await orgToken(clientId, oldKey)).status).toBe(200);
    const oldId = (await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/jwks`)).body.find(
      (k: any) => k.kid === 'old',
    ).id;
    await api(emulator, 'POST', `/api/v1/apps/${app.id}/credentials/jwks/${oldId}/lifecycle/deactivate`);
    const retired = await orgToken(clientId, oldKey);
    expect([retired.status, retired.body.error]).toEqual([401, 'invalid_client']);
    expect((await orgToken(clientId, newKey)).status).toBe(200);
  });

  it('answers unknown apps with 404 and says that encryption keys are beyond the emulator', async () => {
    expectOktaError(await api(emulator, 'GET', '/api/v1/apps/0oanothere0000000000/credentials/jwks'), 404, 'E0000007');
    const app = await keyApp('jwks-enc', [await newRsaKey('sig')]);
    const enc = await api(emulator, 'POST', `/api/v1/apps/${app.id}/credentials/jwks`, {
      ...(await newRsaKey('enc')).publicJwk,
      use: 'enc',
    });
    expectOktaError(enc, 400, 'E0000001');
    expect(enc.body.errorCauses[0].errorSummary).toContain('The emulator supports only signing keys');
  });
});
