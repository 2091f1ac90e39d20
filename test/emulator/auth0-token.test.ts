import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth0Emulator, type Auth0Emulator } from '../../src/emulator/auth0/index.js';
import { managementClient, postToken, tokenSupplier } from '../support/auth0-sdk.js';
import { clientCredentials, managementCredentials } from '../support/auth0-requests.js';

let emu: Auth0Emulator;
beforeAll(async () => {
  emu = await startAuth0Emulator({ seed: 7 });
});
afterAll(async () => {
  await emu.stop();
});

describe('auth0 emulator: /oauth/token', () => {
  it('mints an RS256 token for the Management API that verifies against the JWKS', async () => {
    const { status, body } = await postToken(emu, managementCredentials(emu));
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(86400);
    const token = body.access_token as string;
    const header = decodeProtectedHeader(token);
    expect(header.alg).toBe('RS256');
    expect(header.kid).toBeTruthy();
    const jwks = createRemoteJWKSet(new URL(emu.jwksUri));
    const { payload } = await jwtVerify(token, jwks, { issuer: `${emu.url}/`, audience: emu.managementAudience });
    expect(payload.sub).toBe(`${emu.managementClientId}@clients`);
    expect(payload.azp).toBe(emu.managementClientId);
    expect(payload.gty).toBe('client-credentials');
    expect(typeof payload.scope).toBe('string');
    expect((payload.scope as string).split(' ')).toContain('read:role_members');
    expect(payload.scope).toBe(body.scope);
    expect(payload.exp! - payload.iat!).toBe(86400);
  });

  it('accepts form bodies and client_secret_basic', async () => {
    const form = await postToken(emu, managementCredentials(emu), { form: true });
    expect(form.status).toBe(200);
    const basic = Buffer.from(
      `${encodeURIComponent(emu.managementClientId)}:${encodeURIComponent(emu.managementClientSecret)}`,
    ).toString('base64');
    const viaBasic = await postToken(
      emu,
      { grant_type: 'client_credentials', audience: emu.managementAudience },
      { form: true, headers: { authorization: `Basic ${basic}` } },
    );
    expect(viaBasic.status).toBe(200);
  });

  it('narrows scopes on request and refuses ungranted ones', async () => {
    const base = managementCredentials(emu);
    const narrow = await postToken(emu, { ...base, scope: 'read:users read:roles' });
    expect(narrow.body.scope).toBe('read:users read:roles');
    const denied = await postToken(emu, { ...base, scope: 'read:users delete:users' });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({
      error: 'access_denied',
      error_description: 'Client has not been granted scopes: delete:users',
    });
  });

  it('answers Auth0 errors for bad requests', async () => {
    const id = emu.managementClientId;
    const secret = emu.managementClientSecret;
    const noAudience = await postToken(emu, { grant_type: 'client_credentials', client_id: id, client_secret: secret });
    expect(noAudience.status).toBe(403);
    expect(noAudience.body.error).toBe('access_denied');
    const unknownApi = await postToken(emu, clientCredentials(id, secret, 'https://nope.example/'));
    expect(unknownApi.status).toBe(403);
    expect(unknownApi.body).toEqual({
      error: 'access_denied',
      error_description: 'Service not enabled within domain: https://nope.example/',
    });
    const badSecret = await postToken(emu, clientCredentials(id, 'wrong', emu.managementAudience));
    expect(badSecret.status).toBe(401);
    expect(badSecret.body).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
    const noGrantType = await postToken(emu, { client_id: id, client_secret: secret });
    expect(noGrantType.status).toBe(400);
    expect(noGrantType.body.error).toBe('invalid_request');
    const password = await postToken(emu, { grant_type: 'password', client_id: id, client_secret: secret });
    expect(password.body.error).toBe('unsupported_grant_type');
    // no secret in any error body
    for (const r of [noAudience, unknownApi, badSecret, noGrantType, password])
      expect(JSON.stringify(r.body)).not.toContain(secret);
  });

  it('gives the SDK a management token over HTTP, and a wrong secret gets 401 access_denied', async () => {
    // auth0 v7 has no AuthenticationClient: the token the ManagementClient uses comes over plain HTTP.
    const token = await tokenSupplier(
      emu,
      emu.managementClientId,
      emu.managementClientSecret,
      emu.managementAudience,
    )();
    expect(token.split('.')).toHaveLength(3);
    const clients = await managementClient(emu, { token }).clients.list();
    expect(clients.data.length).toBeGreaterThan(0);
    const bad = await postToken(emu, clientCredentials(emu.managementClientId, 'wrong-secret', emu.managementAudience));
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('access_denied');
  });

  it('issues tokens for a custom API to a granted M2M client, and refuses without a grant', async () => {
    const mgmt = managementClient(emu);
    const api = await mgmt.resourceServers.create({
      name: 'Orders',
      identifier: 'https://orders.example/',
      scopes: [{ value: 'read:orders' }, { value: 'write:orders' }],
      token_lifetime: 600,
    });
    const app = await mgmt.clients.create({ name: 'orders-worker', app_type: 'non_interactive' });
    const secret = app.client_secret!;
    const before = await postToken(emu, clientCredentials(app.client_id!, secret, api.identifier!));
    expect(before.status).toBe(403);
    expect(before.body.error).toBe('access_denied');
    expect(before.body.error_description).toContain('You need to create a "client-grant"');
    await mgmt.clientGrants.create({ client_id: app.client_id!, audience: api.identifier!, scope: ['read:orders'] });
    const after = await postToken(emu, clientCredentials(app.client_id!, secret, api.identifier!));
    expect(after.status).toBe(200);
    expect(after.body.expires_in).toBe(600);
    const { payload } = await jwtVerify(after.body.access_token as string, createRemoteJWKSet(new URL(emu.jwksUri)), {
      issuer: emu.issuer,
      audience: 'https://orders.example/',
    });
    expect(payload.scope).toBe('read:orders');
    // a token for another API is not a Management API token
    const res = await fetch(`${emu.managementBaseUrl}/clients`, {
      headers: { authorization: `Bearer ${String(after.body.access_token)}` },
    });
    expect(res.status).toBe(401);
  });

  it('serves OIDC discovery', async () => {
    const doc = (await (await fetch(`${emu.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(emu.issuer);
    expect(doc.token_endpoint).toBe(emu.tokenUrl);
    expect(doc.jwks_uri).toBe(emu.jwksUri);
    expect(doc.grant_types_supported).toContain('client_credentials');
  });

  it('fails to start on a busy port with the listen error', async () => {
    const port = Number(new URL(emu.url).port);
    await expect(startAuth0Emulator({ port })).rejects.toThrow(/EADDRINUSE/);
  });

  it('honours a configured issuer', async () => {
    const other = await startAuth0Emulator({ issuer: (url) => `${url}/custom/` });
    try {
      const { body } = await postToken(
        other,
        clientCredentials(other.managementClientId, other.managementClientSecret, other.managementAudience),
      );
      expect(other.managementAudience).toBe(`${other.url}/custom/api/v2/`);
      const { payload } = await jwtVerify(body.access_token as string, createRemoteJWKSet(new URL(other.jwksUri)), {
        issuer: `${other.url}/custom/`,
      });
      expect(payload.aud).toBe(other.managementAudience);
      const list = await managementClient(other).clients.list();
      expect(list.data.length).toBeGreaterThan(0);
    } finally {
      await other.stop();
    }
  });
});
