import { ManagementError } from 'auth0';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth0Emulator, type Auth0Emulator } from '../../src/emulator/auth0/index.js';
import { managementClient, postToken, type LocalManagementClient } from '../support/auth0-sdk.js';
import { frozenDate } from '../support/clock.js';
import { auth0Error, clientCredentials, managementCredentials } from '../support/auth0-requests.js';

let emu: Auth0Emulator;
let mgmt: LocalManagementClient;
beforeAll(async () => {
  emu = await startAuth0Emulator({
    seed: 11,
    seedData: {
      roles: [
        {
          name: 'scim-admins',
          description: 'People who run SCIM',
          users: [{ email: 'ada@example.com', given_name: 'Ada', family_name: 'Lovelace' }],
        },
        { name: 'Readers', users: 3 },
      ],
    },
  });
  mgmt = managementClient(emu);
});
afterAll(async () => {
  await emu.stop();
});

async function failure(p: Promise<unknown>): Promise<ManagementError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ManagementError);
  return err as ManagementError;
}

describe('auth0 emulator: Management API v2 via the auth0 SDK', () => {
  it('creates, reads, lists, updates and deletes resource servers; identifier is unique', async () => {
    const created = await mgmt.resourceServers.create({
      name: 'Inventory API',
      identifier: 'https://inventory.example/',
      scopes: [{ value: 'read:stock', description: 'Read stock' }],
      signing_alg: 'RS256',
      token_lifetime: 3600,
    });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created).toMatchObject({
      name: 'Inventory API',
      identifier: 'https://inventory.example/',
      is_system: false,
      token_lifetime: 3600,
    });
    expect(await mgmt.resourceServers.get(created.id!)).toMatchObject({ identifier: 'https://inventory.example/' });
    // Auth0 also finds a resource server by its (encoded) identifier
    expect((await mgmt.resourceServers.get('https://inventory.example/')).id).toBe(created.id);
    const page = await mgmt.resourceServers.list();
    expect(page.data.map((r) => r.identifier)).toEqual(
      expect.arrayContaining([emu.managementAudience, 'https://inventory.example/']),
    );
    const updated = await mgmt.resourceServers.update(created.id!, {
      scopes: [{ value: 'read:stock' }, { value: 'write:stock' }],
    });
    expect(updated.scopes?.map((s) => s.value)).toEqual(['read:stock', 'write:stock']);

    const dup = await failure(mgmt.resourceServers.create({ name: 'again', identifier: 'https://inventory.example/' }));
    expect(dup.statusCode).toBe(409);
    expect(dup.body).toMatchObject({ statusCode: 409, error: 'Conflict' });

    await mgmt.resourceServers.delete(created.id!);
    const gone = await failure(mgmt.resourceServers.get(created.id!));
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toEqual(auth0Error(404, 'The resource server does not exist', 'inexistent_resource_server'));
  });

  it('creates M2M clients; the secret comes back on create, and on GET only with read:client_keys, like Auth0', async () => {
    const c = await mgmt.clients.create({
      name: 'billing-sync',
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      description: 'made by a test',
    });
    expect(c.client_id).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(c.client_secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(c).toMatchObject({
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const got = await mgmt.clients.get(c.client_id!);
    expect(got).toMatchObject({ client_id: c.client_id, name: 'billing-sync', grant_types: ['client_credentials'] });
    expect(got).not.toHaveProperty('client_secret'); // default management scopes lack read:client_keys
    const keys = await startAuth0Emulator({ managementScopes: ['read:clients', 'read:client_keys', 'create:clients'] });
    try {
      const km = managementClient(keys);
      const made = await km.clients.create({ name: 'with-keys', app_type: 'non_interactive' });
      expect((await km.clients.get(made.client_id!)).client_secret).toBe(made.client_secret);
      expect((await km.clients.list()).data.every((x) => typeof x.client_secret === 'string')).toBe(true);
      // Setting a secret needs update:client_keys, which this management client lacks.
      const denied = await failure(km.clients.update(made.client_id!, { client_secret: 'x'.repeat(64) }));
      expect(denied.statusCode).toBe(403);
    } finally {
      await keys.stop();
    }
    const projected = await mgmt.clients.get(c.client_id!, { fields: 'client_id,name', include_fields: true });
    expect(Object.keys(projected).sort()).toEqual(['client_id', 'name']);
    const listed = await mgmt.clients.list({ app_type: 'non_interactive' });
    expect(listed.data.map((x) => x.client_id)).toEqual(expect.arrayContaining([emu.managementClientId, c.client_id]));
    const renamed = await mgmt.clients.update(c.client_id!, { name: 'billing-sync-2' });
    expect(renamed.name).toBe('billing-sync-2');
    await mgmt.clients.delete(c.client_id!);
    expect((await failure(mgmt.clients.get(c.client_id!))).statusCode).toBe(404);
  });

  it('validates payloads with 400 invalid_body', async () => {
    const err = await failure(mgmt.clients.create({} as never));
    expect(err.statusCode).toBe(400);
    expect(err.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
  });

  it('manages client grants: create, list by audience and client, update, unique client+audience, delete', async () => {
    const api = await mgmt.resourceServers.create({
      name: 'Ledger',
      identifier: 'urn:ledger',
      scopes: [{ value: 'read:ledger' }, { value: 'write:ledger' }],
    });
    const app = await mgmt.clients.create({ name: 'ledger-reader', app_type: 'non_interactive' });
    const g = await mgmt.clientGrants.create({
      client_id: app.client_id!,
      audience: 'urn:ledger',
      scope: ['read:ledger'],
    });
    expect(g.id).toMatch(/^cgr_[A-Za-z0-9]{16}$/);
    expect(g).toMatchObject({ client_id: app.client_id, audience: 'urn:ledger', scope: ['read:ledger'] });

    const byAudience = await mgmt.clientGrants.list({ audience: 'urn:ledger' });
    expect(byAudience.data.map((x) => x.id)).toEqual([g.id]);
    const byClient = await mgmt.clientGrants.list({ client_id: emu.managementClientId });
    expect(byClient.data).toHaveLength(1);
    expect(byClient.data[0]!.audience).toBe(emu.managementAudience);

    const dup = await failure(
      mgmt.clientGrants.create({ client_id: app.client_id!, audience: 'urn:ledger', scope: [] }),
    );
    expect(dup.statusCode).toBe(409);
    const noApi = await failure(
      mgmt.clientGrants.create({ client_id: app.client_id!, audience: 'urn:nothing', scope: [] }),
    );
    expect(noApi.statusCode).toBe(404);

    const widened = await mgmt.clientGrants.update(g.id!, { scope: ['read:ledger', 'write:ledger'] });
    expect(widened.scope).toEqual(['read:ledger', 'write:ledger']);
    const tok = await postToken(emu, clientCredentials(app.client_id!, app.client_secret!, 'urn:ledger'));
    expect(tok.body.scope).toBe('read:ledger write:ledger');

    await mgmt.clientGrants.delete(g.id!);
    expect((await mgmt.clientGrants.list({ audience: 'urn:ledger' })).data).toEqual([]);
    // deleting a resource server or a client takes its grants with it
    await mgmt.clientGrants.create({ client_id: app.client_id!, audience: 'urn:ledger', scope: [] });
    await mgmt.resourceServers.delete(api.id!);
    expect((await mgmt.clientGrants.list({ client_id: app.client_id! })).data).toEqual([]);
  });

  it('lists roles with name_filter and gets one; users carry metadata and names', async () => {
    const all = await mgmt.roles.list();
    expect(all.data.map((r) => r.name)).toEqual(['scim-admins', 'Readers']);
    const filtered = await mgmt.roles.list({ name_filter: 'SCIM' });
    expect(filtered.data).toHaveLength(1);
    const role = filtered.data[0]!;
    expect(await mgmt.roles.get(role.id!)).toEqual({
      id: role.id,
      name: 'scim-admins',
      description: 'People who run SCIM',
    });

    const members = await mgmt.roles.users.list(role.id!);
    expect(members.data).toHaveLength(1);
    const member = members.data[0]!;
    expect(member).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    const user = await mgmt.users.get(member.user_id!);
    expect(user).toMatchObject({
      user_id: member.user_id,
      email: 'ada@example.com',
      given_name: 'Ada',
      family_name: 'Lovelace',
      name: 'Ada Lovelace',
      user_metadata: { firstName: 'Ada', lastName: 'Lovelace' },
    });
    expect(user.user_id).toMatch(/^auth0\|[0-9a-f]{24}$/);
    const generated = await mgmt.users.list({ per_page: 10 });
    expect(generated.data).toHaveLength(4);
    for (const u of generated.data)
      expect(u.user_metadata).toEqual({ firstName: u.given_name, lastName: u.family_name });

    expect((await failure(mgmt.roles.get('rol_doesnotexist0000'))).statusCode).toBe(404);
    expect((await failure(mgmt.users.get('auth0|000000000000000000000000'))).body).toMatchObject({
      statusCode: 404,
      errorCode: 'inexistent_user',
    });
    expect((await failure(mgmt.roles.users.list('rol_nope'))).statusCode).toBe(404);
  });

  it('answers 401 without or with a bad token, and 403 insufficient_scope', async () => {
    const noToken = await fetch(`${emu.managementBaseUrl}/clients`);
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication' });

    const forged = managementClient(emu, { token: 'eyJhbGciOiJIUzI1NiJ9.e30.x' });
    const bad = await failure(forged.clients.list());
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token' });

    const narrow = await postToken(emu, managementCredentials(emu, { scope: 'read:users' }));
    const reader = managementClient(emu, { token: narrow.body.access_token as string });
    expect((await reader.users.list()).data.length).toBeGreaterThan(0);
    const denied = await failure(reader.clients.create({ name: 'nope' }));
    expect(denied.statusCode).toBe(403);
    expect(denied.body).toEqual(
      auth0Error(403, 'Insufficient scope, expected any of: create:clients', 'insufficient_scope'),
    );
  });

  it('answers 401 for expired tokens, a foreign key, a wrong issuer or a wrong audience', async () => {
    const now = Math.floor(Date.now() / 1000);
    const mint = (
      claims: { iss?: string; aud?: string; exp?: number },
      key = emu.tenant.key.privateKey,
      kid = emu.tenant.key.kid,
    ) =>
      new SignJWT({ scope: 'read:clients', gty: 'client-credentials', azp: emu.managementClientId })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(claims.iss ?? emu.issuer)
        .setAudience(claims.aud ?? emu.managementAudience)
        .setSubject(`${emu.managementClientId}@clients`)
        .setIssuedAt(now - 100)
        .setExpirationTime(claims.exp ?? now + 100)
        .sign(key);
    const status = async (token: string) => {
      const err = await failure(managementClient(emu, { token }).clients.list());
      return [err.statusCode, (err.body as { message: string }).message];
    };
    expect((await managementClient(emu, { token: await mint({}) }).clients.list()).data.length).toBeGreaterThan(0);
    expect(await status(await mint({ exp: now - 10 }))).toEqual([
      401,
      'Expired token received for JSON Web Token validation',
    ]);
    const foreign = await generateKeyPair('RS256');
    expect(await status(await mint({}, foreign.privateKey))).toEqual([401, 'Invalid token']);
    expect(await status(await mint({ iss: 'https://other.example/' }))).toEqual([401, 'Invalid token']);
    expect((await status(await mint({ aud: 'urn:other' })))[0]).toBe(401);
  });

  it('a management client limited by managementScopes gets only those', async () => {
    const limited = await startAuth0Emulator({ managementScopes: ['read:clients'] });
    try {
      const m = managementClient(limited);
      expect((await m.clients.list()).data).toHaveLength(1);
      expect((await failure(m.resourceServers.list())).statusCode).toBe(403);
    } finally {
      await limited.stop();
    }
  });

  it('sends Auth0 rate-limit headers on every Management API answer', async () => {
    const clock = frozenDate();
    const { rawResponse } = await mgmt.clients.get(emu.managementClientId).withRawResponse().finally(clock.restore);
    expect(rawResponse.headers.get('x-ratelimit-limit')).toMatch(/^\d+$/);
    expect(rawResponse.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    // Auth0's one-second window: it resets at the next whole second (epoch seconds).
    expect(Number(rawResponse.headers.get('x-ratelimit-reset'))).toBe(clock.now / 1000 + 1);
  });
});
