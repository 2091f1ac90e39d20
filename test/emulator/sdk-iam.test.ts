// Okta's own Node SDK (@okta/okta-sdk-nodejs 8.1, the tests' oracle) drives the endpoints added for issue 16 row 10:
// the app JWKS API (ApplicationSSOPublicKeysApi), custom roles (CustomRoleApi), resource sets (ResourceSetApi),
// CUSTOM client role assignments (RoleAssignmentApi) and API tokens (ApiTokenApi). Operation names and shapes are
// those of ../shared/okta/management-minimal.yaml.
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import { api, newRsaKey, serviceApp, useOktaEmulator } from '../support/index.js';

let emulator: EmulatorHandle;

function sswsClient(token = emulator.adminToken): Client {
  return new Client({
    orgUrl: emulator.url,
    token,
    cacheMiddleware: null,
    requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 0 }),
  });
}

async function collect<T>(collection: { each(cb: (item: T) => unknown): Promise<unknown> }): Promise<T[]> {
  const items: T[] = [];
  await collection.each((item) => {
    items.push(item);
  });
  return items;
}

// Not about rate limits: one generous limit on the developer plan, so the rate limit headers are still sent.
useOktaEmulator((started) => (emulator = started), { rateLimits: 'developer', rateLimitPerMinute: 100_000 });

describe('@okta/okta-sdk-nodejs drives the IAM endpoints', () => {
  it('adds, reads, deactivates, activates and deletes app JSON Web Keys (ApplicationSSOPublicKeysApi)', async () => {
    const client = sswsClient();
    const first = await newRsaKey('sdk-first');
    const app = (
      await api(emulator, 'POST', '/api/v1/apps', serviceApp('sdk-jwks', 'private_key_jwt', [first.publicJwk]))
    ).body;
    const keysApi = client.applicationSSOPublicKeysApi;
    const second = await newRsaKey('sdk-second');
    const added: any = await keysApi.addJwk({
      appId: app.id,
      addJwkRequest: { ...second.publicJwk, status: 'INACTIVE' } as any,
    });
    expect(added).toMatchObject({ kid: 'sdk-second', status: 'INACTIVE' });
    expect(added.id).toMatch(/^pks/);
    expect(((await keysApi.getJwk({ appId: app.id, keyId: added.id })) as any).kid).toBe('sdk-second');
    expect(((await keysApi.activateOAuth2ClientJsonWebKey({ appId: app.id, keyId: added.id })) as any).status).toBe(
      'ACTIVE',
    );
    expect(((await keysApi.deactivateOAuth2ClientJsonWebKey({ appId: app.id, keyId: added.id })) as any).status).toBe(
      'INACTIVE',
    );
    await keysApi.deletejwk({ appId: app.id, keyId: added.id });
    const missing: any = await keysApi.getJwk({ appId: app.id, keyId: added.id }).catch((e: unknown) => e);
    expect([missing.status, missing.errorCode]).toEqual([404, 'E0000007']);
    // listJwk: the spec's schema (and so the emulator) answers an array of keys; SDK 8.1 was generated for a
    // description with {keys: [...]} and fails to read the array, so the keys are listed over plain HTTP here.
    await expect(keysApi.listJwk({ appId: app.id })).rejects.toThrow(TypeError);
    expect((await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/jwks`)).body.map((k: any) => k.kid)).toEqual(
      ['sdk-first'],
    );
    const refused: any = await keysApi
      .deletejwk({
        appId: app.id,
        keyId: (await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/jwks`)).body[0].id,
      })
      .catch((e: unknown) => e);
    expect([refused.status, refused.errorCode]).toEqual([400, 'E0000001']);
  });

  it('creates a custom role with permissions and a resource set with resources, and assigns both to a client (CustomRoleApi, ResourceSetApi, RoleAssignmentApi)', async () => {
    const client = sswsClient();
    const role: any = await client.customRoleApi.createRole({
      instance: { label: 'sdk-role', description: 'SDK role', permissions: ['okta.groups.read'] },
    });
    expect(role.id).toMatch(/^cr0/);
    await client.customRoleApi.createRolePermission({
      roleIdOrLabel: role.id,
      permissionType: 'okta.groups.members.manage',
    });
    const permissions: any = await client.customRoleApi.listRolePermissions({ roleIdOrLabel: 'sdk-role' });
    expect(permissions.permissions.map((p: any) => p.label)).toEqual([
      'okta.groups.read',
      'okta.groups.members.manage',
    ]);
    expect(((await client.customRoleApi.getRole({ roleIdOrLabel: role.id })) as any).label).toBe('sdk-role');
    const roles: any = await client.customRoleApi.listRoles();
    expect(roles.roles.map((r: any) => r.id)).toContain(role.id);

    const group = (await api(emulator, 'POST', '/api/v1/groups', { profile: { name: 'sdk-iam-group' } })).body;
    const set: any = await client.resourceSetApi.createResourceSet({
      instance: { label: 'sdk-set', description: 'SDK set', resources: [`${emulator.url}/api/v1/groups/${group.id}`] },
    });
    expect(set.id).toMatch(/^iam/);
    const grown: any = await client.resourceSetApi.addResourceSetResources({
      resourceSetId: set.id,
      instance: { additions: [`${emulator.url}/api/v1/groups/${group.id}/users`] },
    });
    expect(grown.id).toBe(set.id);
    const resources: any = await client.resourceSetApi.listResourceSetResources({ resourceSetId: set.id });
    expect(resources.resources.map((r: any) => r.orn.split(':').slice(-2).join(':'))).toEqual([
      `groups:${group.id}`,
      `${group.id}:contained_resources`,
    ]);
    const sets: any = await client.resourceSetApi.listResourceSets();
    expect(sets.resource_sets.map((s: any) => s.id)).toContain(set.id);

    const key = await newRsaKey();
    const app = (
      await api(emulator, 'POST', '/api/v1/apps', serviceApp('sdk-custom-role', 'private_key_jwt', [key.publicJwk]))
    ).body;
    const clientId = app.credentials.oauthClient.client_id;
    const assigned: any = await client.roleAssignmentApi.assignRoleToClient({
      clientId,
      assignRoleRequest: { type: 'CUSTOM', role: role.id, resource_set: set.id } as any,
    });
    expect(assigned).toMatchObject({ type: 'CUSTOM', role: role.id, status: 'ACTIVE' });
    const read: any = await client.roleAssignmentApi.retrieveClientRole({ clientId, roleAssignmentId: assigned.id });
    expect(read.id).toBe(assigned.id);
    const listed: any[] = await collect(await client.roleAssignmentApi.listRolesForClient({ clientId }));
    expect(listed.map((r) => r.type)).toEqual(['CUSTOM']);
    await client.roleAssignmentApi.deleteRoleFromClient({ clientId, roleAssignmentId: assigned.id });
    await client.resourceSetApi.deleteResourceSetResource({
      resourceSetId: set.id,
      resourceId: resources.resources[1].id,
    });
    await client.resourceSetApi.deleteResourceSet({ resourceSetId: set.id });
    await client.customRoleApi.deleteRole({ roleIdOrLabel: role.id });
    const gone: any = await client.customRoleApi.getRole({ roleIdOrLabel: role.id }).catch((e: unknown) => e);
    expect([gone.status, gone.errorCode]).toEqual([404, 'E0000007']);
  });

  it('lists and reads API token metadata and revokes the current token (ApiTokenApi)', async () => {
    // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
    const own = await startEmulator({ port: 0, rateLimits: 'off' });
    try {
      const client = new Client({
        orgUrl: own.url,
        token: own.adminToken,
        cacheMiddleware: null,
        requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 0 }),
      });
      const tokens: any[] = await collect(await client.apiTokenApi.listApiTokens());
      expect(tokens).toHaveLength(1);
      expect(((await client.apiTokenApi.getApiToken({ apiTokenId: tokens[0].id })) as any).clientName).toBe('Okta API');
      await client.apiTokenApi.revokeCurrentApiToken();
      const after: any = await client.apiTokenApi.getApiToken({ apiTokenId: tokens[0].id }).catch((e: unknown) => e);
      expect([after.status, after.errorCode]).toEqual([401, 'E0000011']);
    } finally {
      await own.stop();
    }
  });
});
