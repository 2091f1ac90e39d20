// Smaller behaviours of an Okta org the emulator now follows, each with its source:
// - the NEXT signing key: ../shared/okta/management-minimal.yaml, AuthorizationServerJsonWebKey `status`
//   (ACTIVE, NEXT, EXPIRED) and rotateAuthorizationServerKeys;
// - custom claim expressions: Okta Expression Language (developer.okta.com/docs/reference/okta-expression-language),
//   which the emulator evaluates only for literals and app.clientId, saying so for the rest;
// - the built-in Everyone group: GroupType BUILT_IN ("memberships are managed by Okta and can't be modified");
// - inline hook limits: createInlineHook ("limited to 50") and TokenHookResponse ("must be less than 256 KB").
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionClientCredentials, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import { api, basicAuth, expectOktaError, tokenHook, tokenRequest, useOktaEmulator } from '../support/index.js';
import { stagedUser } from '../support/okta-objects.js';

let emulator: EmulatorHandle;

// Not about rate limits: one generous limit on the developer plan, so the rate limit headers are still sent.
useOktaEmulator((started) => (emulator = started), { rateLimits: 'developer', rateLimitPerMinute: 100_000 });

describe('authorization server signing keys', () => {
  it('publishes a NEXT key before a rotation, promotes it on rotation and keeps the old key as EXPIRED', async () => {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken);
    const base = `/api/v1/authorizationServers/${f.authServerId}/credentials`;
    const before = (await api(emulator, 'GET', `${base}/keys`)).body;
    expect(before.map((k: any) => k.status)).toEqual(['ACTIVE', 'NEXT']);
    const published = (await fetch(`${f.issuer}/v1/keys`).then((r) => r.json())) as { keys: { kid: string }[] };
    expect(published.keys.map((k) => k.kid)).toEqual(before.map((k: any) => k.kid));
    // A resource server that cached the JWKS before the rotation verifies tokens signed after it.
    const cached = createLocalJWKSet(published);
    const rotated = (await api(emulator, 'POST', `${base}/lifecycle/keyRotate`, { use: 'sig' })).body;
    expect(rotated.map((k: any) => [k.kid, k.status])).toEqual([
      [before[1].kid, 'ACTIVE'],
      [expect.any(String), 'NEXT'],
      [before[0].kid, 'EXPIRED'],
    ]);
    const token = (
      await tokenRequest(
        f.tokenUrl,
        { grant_type: 'client_credentials', scope: f.scope },
        { Authorization: basicAuth(f.clientId, f.clientSecret!) },
      )
    ).body.access_token;
    const { protectedHeader } = await jwtVerify(token, cached, { issuer: f.issuer });
    expect(protectedHeader.kid).toBe(before[1].kid);
    expect(
      (await api(emulator, 'GET', `/api/v1/authorizationServers/${f.authServerId}`)).body.credentials.signing.kid,
    ).toBe(before[1].kid);
  });
});

describe('custom claims', () => {
  it('puts literal and app.clientId claims in the token and refuses, with an error saying so, an expression it cannot evaluate', async () => {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken);
    const claims = `/api/v1/authorizationServers/${f.authServerId}/claims`;
    await api(emulator, 'POST', claims, {
      name: 'tenant',
      claimType: 'RESOURCE',
      valueType: 'EXPRESSION',
      value: '"acme"',
    });
    await api(emulator, 'POST', claims, {
      name: 'client',
      claimType: 'RESOURCE',
      valueType: 'EXPRESSION',
      value: 'app.clientId',
    });
    const auth = { Authorization: basicAuth(f.clientId, f.clientSecret!) };
    const ok = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: f.scope }, auth);
    const payload = JSON.parse(Buffer.from(ok.body.access_token.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ tenant: 'acme', client: f.clientId });
    const created = await api(emulator, 'POST', claims, {
      name: 'upper',
      claimType: 'RESOURCE',
      valueType: 'EXPRESSION',
      value: 'String.toUpperCase(app.clientId)',
    });
    expect(created.status).toBe(201);
    const refused = await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: f.scope }, auth);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_request');
    expect(refused.body.error_description).toContain(
      "The emulator can't evaluate the expression of custom claim 'upper'",
    );
    // An inactive claim is not evaluated, so the token is issued again.
    await api(emulator, 'PUT', `${claims}/${created.body.id}`, {
      name: 'upper',
      claimType: 'RESOURCE',
      valueType: 'EXPRESSION',
      value: 'String.toUpperCase(app.clientId)',
      status: 'INACTIVE',
    });
    expect((await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: f.scope }, auth)).status).toBe(
      200,
    );
  });
});

describe('the built-in Everyone group', () => {
  it('exists, lists every user as a member, and cannot be changed', async () => {
    const found = (await api(emulator, 'GET', '/api/v1/groups?q=Everyone')).body;
    expect(found).toHaveLength(1);
    const everyone = found[0];
    expect(everyone).toMatchObject({ type: 'BUILT_IN', profile: { name: 'Everyone' } });
    const user = await stagedUser(emulator, 'E', 'V', 'ev@example.com');
    expect((await api(emulator, 'GET', `/api/v1/groups/${everyone.id}/users`)).body.map((u: any) => u.id)).toContain(
      user.id,
    );
    expectOktaError(await api(emulator, 'DELETE', `/api/v1/groups/${everyone.id}`), 403, 'E0000006');
    expectOktaError(
      await api(emulator, 'PUT', `/api/v1/groups/${everyone.id}`, { profile: { name: 'Everybody' } }),
      403,
      'E0000006',
    );
    expectOktaError(await api(emulator, 'DELETE', `/api/v1/groups/${everyone.id}/users/${user.id}`), 403, 'E0000006');
  });
});

describe('inline hook limits', () => {
  let hookServer: Server;
  let hookUrl = '';
  beforeAll(async () => {
    // Answers with a patch that would add a claim, padded past 256 KB.
    hookServer = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          commands: [
            {
              type: 'com.okta.access.patch',
              value: [{ op: 'add', path: '/claims/big', value: 'x'.repeat(300 * 1024) }],
            },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', () => resolve()));
    hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => hookServer.close(() => resolve()));
  });

  const hook = (name: string) => tokenHook(name, { uri: hookUrl, method: 'POST' });

  it('ignores a hook answer of 256 KB or more and issues the token unmodified', async () => {
    const created = (await api(emulator, 'POST', '/api/v1/inlineHooks', hook('too-big'))).body;
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken, { inlineHookId: created.id });
    const res = await tokenRequest(
      f.tokenUrl,
      { grant_type: 'client_credentials', scope: f.scope },
      { Authorization: basicAuth(f.clientId, f.clientSecret!) },
    );
    expect(res.status).toBe(200);
    const payload = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString());
    expect(payload.big).toBeUndefined();
  });

  it('allows at most 50 inline hooks in an org', async () => {
    const existing = (await api(emulator, 'GET', '/api/v1/inlineHooks')).body.length;
    for (let i = existing; i < 50; i++)
      expect((await api(emulator, 'POST', '/api/v1/inlineHooks', hook(`hook-${i}`))).status).toBe(200);
    const refused = await api(emulator, 'POST', '/api/v1/inlineHooks', hook('hook-51'));
    expectOktaError(refused, 400, 'E0000001');
    expect(refused.body.errorCauses[0].errorSummary).toContain('50 inline hooks');
  });
});
