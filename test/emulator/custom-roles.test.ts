// Custom admin roles, resource sets and CUSTOM role assignments to a client, as ../shared/okta/management-minimal.yaml
// describes them (tags RoleECustom, RoleECustomPermission, RoleCResourceSet, RoleCResourceSetResource; operations
// assignRoleToClient with CustomRoleAssignmentSchema and retrieveClientRole), and what such a role allows as Okta's
// roles guide says ("Custom vs. standard", "Supported resources", "Permission types"): exactly its permissions over
// the resources of its set.
import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { api, expectOktaError, newRsaKey, serviceApp, useOktaEmulator } from '../support/index.js';
import { asClient, firstCause } from './iam-support.js';
import { authServer, customRole, resourceSet, stagedUser } from '../support/okta-objects.js';

let emulator: EmulatorHandle;

// Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
useOktaEmulator((started) => (emulator = started));

const cause = firstCause;

async function group(name: string) {
  return (await api(emulator, 'POST', '/api/v1/groups', { profile: { name } })).body;
}

describe('custom roles (/api/v1/iam/roles) and their permissions', () => {
  it('creates, lists, reads by id or label, replaces and deletes roles', async () => {
    const created = await api(emulator, 'POST', '/api/v1/iam/roles', {
      label: 'UserCreator',
      description: 'Create users',
      permissions: ['okta.users.create', 'okta.users.read', 'okta.groups.read'],
    });
    expect(created.status).toBe(200);
    const role = created.body;
    expect(role.id).toMatch(/^cr0[A-Za-z0-9]{17}$/);
    expect(role).toMatchObject({
      label: 'UserCreator',
      description: 'Create users',
      _links: {
        self: { href: `${emulator.url}/api/v1/iam/roles/${role.id}` },
        permissions: { href: `${emulator.url}/api/v1/iam/roles/${role.id}/permissions` },
      },
    });
    expect((await api(emulator, 'GET', '/api/v1/iam/roles')).body.roles.map((r: any) => r.id)).toContain(role.id);
    expect((await api(emulator, 'GET', '/api/v1/iam/roles/UserCreator')).body.id).toBe(role.id);
    expect(
      (await api(emulator, 'PUT', `/api/v1/iam/roles/${role.id}`, { label: 'UserMaker', description: 'Makes users' }))
        .body.label,
    ).toBe('UserMaker');
    expectOktaError(
      await api(emulator, 'POST', '/api/v1/iam/roles', {
        label: 'UserMaker',
        description: 'again',
        permissions: ['okta.users.read'],
      }),
      400,
      'E0000001',
    );
    expect((await api(emulator, 'DELETE', `/api/v1/iam/roles/${role.id}`)).status).toBe(204);
    expectOktaError(await api(emulator, 'GET', `/api/v1/iam/roles/${role.id}`), 404, 'E0000007');
  });

  it('manages permissions and refuses unknown ones and conditions it cannot evaluate', async () => {
    const role = await customRole(emulator, 'perm-role', ['okta.groups.read']);
    const base = `/api/v1/iam/roles/${role.id}/permissions`;
    expect((await api(emulator, 'POST', `${base}/okta.groups.members.manage`)).status).toBe(204);
    const listed = (await api(emulator, 'GET', base)).body;
    expect(listed.permissions.map((p: any) => p.label)).toEqual(['okta.groups.read', 'okta.groups.members.manage']);
    expect(listed.permissions[1]._links).toEqual({
      role: { href: `${emulator.url}/api/v1/iam/roles/${role.id}` },
      self: { href: `${emulator.url}${base}/okta.groups.members.manage` },
    });
    expect((await api(emulator, 'GET', `${base}/okta.groups.read`)).body.label).toBe('okta.groups.read');
    expect((await api(emulator, 'DELETE', `${base}/okta.groups.read`)).status).toBe(204);
    expectOktaError(await api(emulator, 'GET', `${base}/okta.groups.read`), 404, 'E0000007');
    expectOktaError(await api(emulator, 'POST', `${base}/okta.everything.manage`), 400, 'E0000001');
    expectOktaError(
      await api(emulator, 'POST', '/api/v1/iam/roles', {
        label: 'bad',
        description: 'd',
        permissions: ['okta.nothing'],
      }),
      400,
      'E0000001',
    );
    expectOktaError(
      await api(emulator, 'POST', '/api/v1/iam/roles', { label: 'none', description: 'd', permissions: [] }),
      400,
      'E0000001',
    );
    const conditional = await api(emulator, 'PUT', `${base}/okta.groups.members.manage`, {
      conditions: { include: { 'okta:ResourceAttribute/User/Profile': ['city'] } },
    });
    expectOktaError(conditional, 400, 'E0000001');
    expect(cause(conditional)).toContain('The emulator cannot evaluate permission conditions');
  });
});

describe('resource sets (/api/v1/iam/resource-sets) and their resources', () => {
  it('takes REST URLs and ORNs of this org and lists each resource with its ORN and REST URL', async () => {
    const g = await group('rs-group');
    const created = await api(emulator, 'POST', '/api/v1/iam/resource-sets', {
      label: 'rs-one',
      description: 'one group and all users',
      resources: [`${emulator.url}/api/v1/groups/${g.id}`, `${emulator.url}/api/v1/users`],
    });
    expect(created.status).toBe(200);
    const set = created.body;
    expect(set.id).toMatch(/^iam/);
    expect(Object.keys(set._links).sort()).toEqual(['bindings', 'resources', 'self']);
    const listed = (await api(emulator, 'GET', `/api/v1/iam/resource-sets/${set.id}/resources`)).body;
    const orgId = (
      (await fetch(`${emulator.url}/.well-known/okta-organization`).then((r) => r.json())) as { id: string }
    ).id;
    expect(listed.resources.map((r: any) => r.orn)).toEqual([
      `orn:okta:directory:${orgId}:groups:${g.id}`,
      `orn:okta:directory:${orgId}:users`,
    ]);
    expect(listed.resources[0]._links.self.href).toBe(`${emulator.url}/api/v1/groups/${g.id}`);
    expect(listed._links['resource-set'].href).toBe(`${emulator.url}/api/v1/iam/resource-sets/${set.id}`);

    const patched = await api(emulator, 'PATCH', `/api/v1/iam/resource-sets/${set.id}/resources`, {
      additions: [`orn:okta:idp:${orgId}:apps`],
    });
    expect(patched.status).toBe(200);
    const added = await api(emulator, 'POST', `/api/v1/iam/resource-sets/${set.id}/resources`, {
      resourceOrnOrUrl: `${emulator.url}/api/v1/authorizationServers`,
      conditions: {},
    });
    expect(added.body.orn).toBe(`orn:okta:idp:${orgId}:authorization_servers`);
    expect((await api(emulator, 'GET', `/api/v1/iam/resource-sets/${set.id}/resources/${added.body.id}`)).body.id).toBe(
      added.body.id,
    );
    expect(
      (await api(emulator, 'DELETE', `/api/v1/iam/resource-sets/${set.id}/resources/${added.body.id}`)).status,
    ).toBe(204);
    expect((await api(emulator, 'GET', `/api/v1/iam/resource-sets/${set.id}/resources`)).body.resources).toHaveLength(
      3,
    );
    expect(
      (await api(emulator, 'GET', '/api/v1/iam/resource-sets')).body['resource-sets'].map((s: any) => s.label),
    ).toContain('rs-one');
    expect((await api(emulator, 'GET', '/api/v1/iam/resource-sets/rs-one')).body.id).toBe(set.id);
    expect(
      (await api(emulator, 'PUT', `/api/v1/iam/resource-sets/${set.id}`, { label: 'rs-renamed', description: 'd' }))
        .body.label,
    ).toBe('rs-renamed');
  });

  it("refuses resources of other orgs, objects that don't exist and resource types the emulator lacks, saying so", async () => {
    const make = (resources: unknown[]) =>
      api(emulator, 'POST', '/api/v1/iam/resource-sets', { label: `rs-${Math.random()}`, description: 'd', resources });
    expectOktaError(await make([`${emulator.url}/api/v1/groups/00gnosuchgroup000000`]), 400, 'E0000001');
    expectOktaError(await make(['https://other.okta.com/api/v1/users']), 400, 'E0000001');
    expectOktaError(await make(['orn:okta:directory:00oanotherorg0000000:users']), 400, 'E0000001');
    const realms = await make([`${emulator.url}/api/v1/realms`]);
    expect(cause(realms)).toContain('is not a resource the emulator can put in a resource set');
    expectOktaError(await make([]), 400, 'E0000001');
    const set = (await make([`${emulator.url}/api/v1/users`])).body;
    const withConditions = await api(emulator, 'POST', `/api/v1/iam/resource-sets/${set.id}/resources`, {
      resourceOrnOrUrl: `${emulator.url}/api/v1/apps`,
      conditions: { Exclude: { 'okta:ORN': ['x'] } },
    });
    expect(cause(withConditions)).toContain('The emulator cannot evaluate resource conditions');
  });
});

describe('CUSTOM role assignment to a client and what it allows', () => {
  it('assigns a custom role over a resource set, reads the assignment back, and allows exactly its permissions on exactly its resources', async () => {
    const mine = await group('custom-mine');
    const other = await group('custom-other');
    const user = await stagedUser(emulator, 'C', 'R', 'cr@example.com');
    const role = await customRole(emulator, 'members-of-mine', ['okta.groups.read', 'okta.groups.members.manage']);
    const set = await resourceSet(emulator, 'only-mine', [`${emulator.url}/api/v1/groups/${mine.id}`]);

    const key = await newRsaKey();
    const app = (
      await api(emulator, 'POST', '/api/v1/apps', serviceApp('custom-role-app', 'private_key_jwt', [key.publicJwk]))
    ).body;
    const clientId = app.credentials.oauthClient.client_id;
    for (const scopeId of [
      'okta.groups.manage',
      'okta.users.read',
      'okta.apps.read',
      'okta.inlineHooks.read',
      'okta.roles.read',
    ])
      await api(emulator, 'POST', `/api/v1/apps/${app.id}/grants`, { issuer: emulator.url, scopeId });

    const assigned = await api(emulator, 'POST', `/oauth2/v1/clients/${clientId}/roles`, {
      type: 'CUSTOM',
      role: role.id,
      'resource-set': set.id,
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      type: 'CUSTOM',
      status: 'ACTIVE',
      assignmentType: 'CLIENT',
      label: 'members-of-mine',
      role: role.id,
      'resource-set': set.id,
    });
    expect(assigned.body._links).toMatchObject({
      role: { href: `${emulator.url}/api/v1/iam/roles/${role.id}` },
      'resource-set': { href: `${emulator.url}/api/v1/iam/resource-sets/${set.id}` },
    });
    const one = await api(emulator, 'GET', `/oauth2/v1/clients/${clientId}/roles/${assigned.body.id}`);
    expect(one.body).toEqual(assigned.body);
    expect((await api(emulator, 'GET', `/oauth2/v1/clients/${clientId}/roles`)).body.map((r: any) => r.type)).toEqual([
      'CUSTOM',
    ]);
    expectOktaError(
      await api(emulator, 'POST', `/oauth2/v1/clients/${clientId}/roles`, {
        type: 'CUSTOM',
        role: role.id,
        'resource-set': set.id,
      }),
      400,
      'E0000001',
    );
    expectOktaError(
      await api(emulator, 'POST', `/oauth2/v1/clients/${clientId}/roles`, {
        type: 'CUSTOM',
        role: 'cr0nosuchrole00000000',
        'resource-set': set.id,
      }),
      400,
      'E0000001',
    );
    expectOktaError(
      await api(emulator, 'GET', `/oauth2/v1/clients/${clientId}/roles/irbnosuchassignment00`),
      404,
      'E0000007',
    );

    const { issued, call } = await asClient(
      emulator,
      clientId,
      key,
      'okta.groups.manage okta.users.read okta.apps.read okta.inlineHooks.read okta.roles.read',
    );
    expect(issued.status).toBe(200);

    expect((await call('GET', `/api/v1/groups/${mine.id}`)).status).toBe(200);
    expect((await call('PUT', `/api/v1/groups/${mine.id}/users/${user.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/groups/${mine.id}/users`)).body.map((u: any) => u.id)).toEqual([user.id]);
    // Outside its resources, outside its permissions, and on resource types it has no permission for: 403.
    expectOktaError(await call('GET', `/api/v1/groups/${other.id}`), 403, 'E0000006');
    expectOktaError(await call('PUT', `/api/v1/groups/${other.id}/users/${user.id}`), 403, 'E0000006');
    expectOktaError(await call('PUT', `/api/v1/groups/${mine.id}`, { profile: { name: 'renamed' } }), 403, 'E0000006');
    expectOktaError(await call('POST', '/api/v1/groups', { profile: { name: 'new-group' } }), 403, 'E0000006');
    expectOktaError(await call('GET', `/api/v1/users/${user.id}`), 403, 'E0000006');
    expectOktaError(await call('GET', '/api/v1/apps'), 403, 'E0000006');
    // Inline hooks need okta.inlinehooks.read or .manage, which this role lacks.
    expectOktaError(await call('GET', '/api/v1/inlineHooks'), 403, 'E0000006');
    const roles = await call('GET', '/api/v1/iam/roles');
    expectOktaError(roles, 403, 'E0000006');
    expect(cause(roles)).toContain(
      'The emulator evaluates custom roles only for users, groups, apps, authorization servers and inline hooks',
    );

    // Deleting the resource set takes the assignment with it.
    expect((await api(emulator, 'DELETE', `/api/v1/iam/resource-sets/${set.id}`)).status).toBe(204);
    expect((await api(emulator, 'GET', `/oauth2/v1/clients/${clientId}/roles`)).body).toEqual([]);
    expectOktaError(await call('GET', `/api/v1/groups/${mine.id}`), 403, 'E0000006');
  });

  it('scopes app and authorization server permissions to the apps and servers in the set, users of a group to its members', async () => {
    const server = await authServer(emulator, 'custom-as', 'api://custom');
    const otherServer = await authServer(emulator, 'custom-as-2', 'api://custom2');
    const team = await group('custom-team');
    const member = await stagedUser(emulator, 'M', 'M', 'member@example.com');
    const outsider = await stagedUser(emulator, 'O', 'O', 'outsider@example.com');
    await api(emulator, 'PUT', `/api/v1/groups/${team.id}/users/${member.id}`);

    const key = await newRsaKey();
    const app = (
      await api(emulator, 'POST', '/api/v1/apps', serviceApp('custom-scoped-app', 'private_key_jwt', [key.publicJwk]))
    ).body;
    const clientId = app.credentials.oauthClient.client_id;
    for (const scopeId of ['okta.authorizationServers.manage', 'okta.apps.manage', 'okta.users.read'])
      await api(emulator, 'POST', `/api/v1/apps/${app.id}/grants`, { issuer: emulator.url, scopeId });
    const role = await customRole(emulator, 'scoped', [
      'okta.authzServers.manage',
      'okta.apps.read',
      'okta.users.read',
    ]);
    const set = await resourceSet(emulator, 'scoped-set', [
      `${emulator.url}/api/v1/authorizationServers/${server.id}`,
      `${emulator.url}/api/v1/apps/${app.id}`,
      `${emulator.url}/api/v1/groups/${team.id}/users`,
    ]);
    await api(emulator, 'POST', `/oauth2/v1/clients/${clientId}/roles`, {
      type: 'CUSTOM',
      role: role.id,
      'resource-set': set.id,
    });
    const { call } = await asClient(
      emulator,
      clientId,
      key,
      'okta.authorizationServers.manage okta.apps.manage okta.users.read',
    );

    expect(
      (await call('POST', `/api/v1/authorizationServers/${server.id}/scopes`, { name: 'custom.read' })).status,
    ).toBe(201);
    expectOktaError(
      await call('POST', `/api/v1/authorizationServers/${otherServer.id}/scopes`, { name: 'custom.read' }),
      403,
      'E0000006',
    );
    expectOktaError(
      await call('POST', '/api/v1/authorizationServers', { name: 'custom-as-3', audiences: ['api://c3'] }),
      403,
      'E0000006',
    );
    expect((await call('GET', `/api/v1/apps/${app.id}`)).status).toBe(200);
    expectOktaError(await call('PUT', `/api/v1/apps/${app.id}`, app), 403, 'E0000006');
    expect((await call('GET', `/api/v1/users/${member.id}`)).status).toBe(200);
    expectOktaError(await call('GET', `/api/v1/users/${outsider.id}`), 403, 'E0000006');
    expectOktaError(await call('GET', '/api/v1/users'), 403, 'E0000006');
  });

  // Hooks best practices guide ("Hook admin roles", developer.okta.com/docs/guides/hooks-best-practices): custom
  // roles may hold okta.inlinehooks.read and okta.inlinehooks.manage (GA in production, release notes 2026.04.0),
  // spelled in lower case unlike the OAuth scopes okta.inlineHooks.*. Their resource is not among the resource types
  // a resource set lists, so the emulator applies them to the org's inline hooks whatever the set holds.
  it('okta.inlinehooks.manage lets a custom role manage inline hooks; okta.inlinehooks.read only reads them', async () => {
    const key = await newRsaKey();
    const app = (
      await api(emulator, 'POST', '/api/v1/apps', serviceApp('custom-hooks-app', 'private_key_jwt', [key.publicJwk]))
    ).body;
    const clientId = app.credentials.oauthClient.client_id;
    for (const scopeId of ['okta.inlineHooks.manage', 'okta.authorizationServers.read'])
      await api(emulator, 'POST', `/api/v1/apps/${app.id}/grants`, { issuer: emulator.url, scopeId });
    const set = await resourceSet(emulator, 'hooks-set', [`${emulator.url}/api/v1/authorizationServers`]);
    const reader = await customRole(emulator, 'hook-reader', ['okta.inlinehooks.read']);
    const reading = (
      await api(emulator, 'POST', `/oauth2/v1/clients/${clientId}/roles`, {
        type: 'CUSTOM',
        role: reader.id,
        'resource-set': set.id,
      })
    ).body;
    const { issued, call } = await asClient(
      emulator,
      clientId,
      key,
      'okta.inlineHooks.manage okta.authorizationServers.read',
    );
    expect(issued.status).toBe(200);
    const hook = {
      name: 'custom-role-hook',
      type: 'com.okta.oauth2.tokens.transform',
      version: '1.0.0',
      channel: {
        type: 'HTTP',
        version: '1.0.0',
        config: { uri: 'https://hooks.example.com/token', method: 'POST' },
      },
    };
    expect((await call('GET', '/api/v1/inlineHooks')).status).toBe(200);
    expectOktaError(await call('POST', '/api/v1/inlineHooks', hook), 403, 'E0000006');

    const manager = await customRole(emulator, 'hook-manager', ['okta.inlinehooks.manage']);
    await api(emulator, 'DELETE', `/oauth2/v1/clients/${clientId}/roles/${reading.id}`);
    await api(emulator, 'POST', `/oauth2/v1/clients/${clientId}/roles`, {
      type: 'CUSTOM',
      role: manager.id,
      'resource-set': set.id,
    });
    const made = await call('POST', '/api/v1/inlineHooks', hook);
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect((await call('POST', `/api/v1/inlineHooks/${made.body.id}/lifecycle/deactivate`)).status).toBe(200);
    expect((await call('DELETE', `/api/v1/inlineHooks/${made.body.id}`)).status).toBe(204);
    // The hook permission reaches inline hooks only: the authorization servers in the set stay out of reach.
    expectOktaError(await call('GET', '/api/v1/authorizationServers'), 403, 'E0000006');
  });
});
