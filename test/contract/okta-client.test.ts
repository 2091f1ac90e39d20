/**
 * The contract: the same scenarios (create, read, list with pagination, update, delete, for every kind of object
 * the CLI manages) once through the real @okta/okta-sdk-nodejs and once through okta-m2m's own client, against the
 * emulator, with the same results. The SDK is Okta's own reading of its API, so it proves both that the emulator
 * speaks Okta and that our client does.
 */
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import * as apps from '../../src/okta/resources/apps.js';
import * as servers from '../../src/okta/resources/authorization-servers.js';
import { createOktaClient, type OktaClient } from '../../src/okta/client.js';
import { all } from '../../src/okta/collect.js';
import * as groups from '../../src/okta/resources/groups.js';
import * as hooks from '../../src/okta/resources/inline-hooks.js';
import * as policies from '../../src/okta/resources/policies.js';
import * as rules from '../../src/okta/resources/rules.js';
import * as scopes from '../../src/okta/resources/scopes.js';
import * as users from '../../src/okta/resources/users.js';

/** Wire JSON, or undefined where a lookup finds nothing. */
type Json = any;

/** What a scenario needs, with both clients behind it. Every method returns wire JSON. */
interface Driver {
  createApp(app: Json): Promise<Json>;
  getApp(id: string): Promise<Json>;
  listApps(q: string, limit: number): Promise<Json[]>;
  replaceApp(id: string, app: Json): Promise<Json>;
  deleteApp(id: string): Promise<void>;
  listSecrets(appId: string): Promise<Json[]>;
  createSecret(appId: string): Promise<Json>;
  deactivateSecret(appId: string, secretId: string): Promise<void>;
  deleteSecret(appId: string, secretId: string): Promise<void>;
  createServer(server: Json): Promise<Json>;
  getServer(id: string): Promise<Json>;
  listServers(q: string, limit: number): Promise<Json[]>;
  replaceServer(id: string, server: Json): Promise<Json>;
  deleteServer(id: string): Promise<void>;
  createScope(serverId: string, scope: Json): Promise<Json>;
  listScopes(serverId: string): Promise<Json[]>;
  replaceScope(serverId: string, scopeId: string, scope: Json): Promise<Json>;
  deleteScope(serverId: string, scopeId: string): Promise<void>;
  createPolicy(serverId: string, policy: Json): Promise<Json>;
  getPolicy(serverId: string, policyId: string): Promise<Json>;
  listPolicies(serverId: string): Promise<Json[]>;
  replacePolicy(serverId: string, policyId: string, policy: Json): Promise<Json>;
  deletePolicy(serverId: string, policyId: string): Promise<void>;
  createRule(serverId: string, policyId: string, rule: Json): Promise<Json>;
  getRule(serverId: string, policyId: string, ruleId: string): Promise<Json>;
  listRules(serverId: string, policyId: string): Promise<Json[]>;
  replaceRule(serverId: string, policyId: string, ruleId: string, rule: Json): Promise<Json>;
  deleteRule(serverId: string, policyId: string, ruleId: string): Promise<void>;
  createHook(hook: Json): Promise<Json>;
  getHook(id: string): Promise<Json>;
  listHooks(): Promise<Json[]>;
  replaceHook(id: string, hook: Json): Promise<Json>;
  deactivateHook(id: string): Promise<void>;
  deleteHook(id: string): Promise<void>;
  createUser(profile: Json): Promise<Json>;
  getUser(login: string): Promise<Json>;
  createGroup(name: string): Promise<Json>;
  getGroup(id: string): Promise<Json>;
  listGroups(q: string, limit: number): Promise<Json[]>;
  addMember(groupId: string, userId: string): Promise<void>;
  listMembers(groupId: string, limit: number): Promise<Json[]>;
  removeMember(groupId: string, userId: string): Promise<void>;
}

let emu: EmulatorHandle;
beforeAll(async () => {
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  emu = await startEmulator({ port: 0, rateLimits: 'off', seed: 21 });
});
afterAll(async () => emu?.stop());

const wire = (value: unknown): Json => {
  const json = JSON.parse(JSON.stringify(value ?? null));
  // The SDK's OAuth2Scope model spells Okta's "default" as "_default" (a reserved word for its generator).
  if (json && typeof json === 'object' && '_default' in json) {
    json.default = json._default;
    delete json._default;
  }
  return json;
};

async function collectSdk(collection: { each(cb: (item: unknown) => unknown): Promise<unknown> }): Promise<Json[]> {
  const items: Json[] = [];
  await collection.each((item) => void items.push(wire(item)));
  return items;
}

async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

function sdkDriver(): Driver {
  const c = new Client({
    orgUrl: emu.url,
    token: emu.adminToken,
    cacheMiddleware: null,
    requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 0 }),
  });
  const as = c.authorizationServerApi;
  return {
    createApp: async (application) => wire(await c.applicationApi.createApplication({ application, activate: true })),
    getApp: async (appId) => wire(await orUndefined(c.applicationApi.getApplication({ appId }))) ?? undefined,
    listApps: async (q, limit) => collectSdk(await c.applicationApi.listApplications({ q, limit })),
    replaceApp: async (appId, application) => wire(await c.applicationApi.replaceApplication({ appId, application })),
    deleteApp: async (appId) => {
      await c.applicationApi.deactivateApplication({ appId });
      await c.applicationApi.deleteApplication({ appId });
    },
    listSecrets: async (appId) => collectSdk(await c.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId })),
    createSecret: async (appId) =>
      wire(
        await c.applicationSSOPublicKeysApi.createOAuth2ClientSecret({
          appId,
          oAuth2ClientSecretRequestBody: { status: 'ACTIVE' } as any,
        }),
      ),
    deactivateSecret: async (appId, secretId) =>
      void (await c.applicationSSOPublicKeysApi.deactivateOAuth2ClientSecret({ appId, secretId })),
    deleteSecret: async (appId, secretId) =>
      void (await c.applicationSSOPublicKeysApi.deleteOAuth2ClientSecret({ appId, secretId })),
    createServer: async (authorizationServer) => wire(await as.createAuthorizationServer({ authorizationServer })),
    getServer: async (authServerId) =>
      wire(await orUndefined(as.getAuthorizationServer({ authServerId }))) ?? undefined,
    listServers: async (q, limit) => collectSdk(await as.listAuthorizationServers({ q, limit })),
    replaceServer: async (authServerId, authorizationServer) =>
      wire(await as.replaceAuthorizationServer({ authServerId, authorizationServer })),
    deleteServer: async (authServerId) => {
      await as.deactivateAuthorizationServer({ authServerId });
      await as.deleteAuthorizationServer({ authServerId });
    },
    createScope: async (authServerId, scope) => {
      const { default: isDefault, ...rest } = scope;
      return wire(await as.createOAuth2Scope({ authServerId, oAuth2Scope: { ...rest, _default: isDefault } }));
    },
    listScopes: async (authServerId) => collectSdk(await as.listOAuth2Scopes({ authServerId, limit: 200 })),
    replaceScope: async (authServerId, scopeId, scope) => {
      const { default: isDefault, ...rest } = scope;
      return wire(
        await as.replaceOAuth2Scope({ authServerId, scopeId, oAuth2Scope: { ...rest, _default: isDefault } }),
      );
    },
    deleteScope: async (authServerId, scopeId) => void (await as.deleteOAuth2Scope({ authServerId, scopeId })),
    createPolicy: async (authServerId, policy) =>
      wire(await as.createAuthorizationServerPolicy({ authServerId, policy })),
    getPolicy: async (authServerId, policyId) =>
      wire(await orUndefined(as.getAuthorizationServerPolicy({ authServerId, policyId }))) ?? undefined,
    listPolicies: async (authServerId) => collectSdk(await as.listAuthorizationServerPolicies({ authServerId })),
    replacePolicy: async (authServerId, policyId, policy) =>
      wire(await as.replaceAuthorizationServerPolicy({ authServerId, policyId, policy })),
    deletePolicy: async (authServerId, policyId) =>
      void (await as.deleteAuthorizationServerPolicy({ authServerId, policyId })),
    createRule: async (authServerId, policyId, policyRule) =>
      wire(await as.createAuthorizationServerPolicyRule({ authServerId, policyId, policyRule })),
    getRule: async (authServerId, policyId, ruleId) =>
      wire(await orUndefined(as.getAuthorizationServerPolicyRule({ authServerId, policyId, ruleId }))) ?? undefined,
    listRules: async (authServerId, policyId) =>
      collectSdk(await as.listAuthorizationServerPolicyRules({ authServerId, policyId })),
    replaceRule: async (authServerId, policyId, ruleId, policyRule) =>
      wire(await as.replaceAuthorizationServerPolicyRule({ authServerId, policyId, ruleId, policyRule })),
    deleteRule: async (authServerId, policyId, ruleId) =>
      void (await as.deleteAuthorizationServerPolicyRule({ authServerId, policyId, ruleId })),
    createHook: async (inlineHook) => wire(await c.inlineHookApi.createInlineHook({ inlineHook })),
    getHook: async (inlineHookId) =>
      wire(await orUndefined(c.inlineHookApi.getInlineHook({ inlineHookId }))) ?? undefined,
    listHooks: async () => collectSdk(await c.inlineHookApi.listInlineHooks({ type: hooks.TOKEN_HOOK_TYPE })),
    replaceHook: async (inlineHookId, inlineHook) =>
      wire(await c.inlineHookApi.replaceInlineHook({ inlineHookId, inlineHook })),
    deactivateHook: async (inlineHookId) => void (await c.inlineHookApi.deactivateInlineHook({ inlineHookId })),
    deleteHook: async (inlineHookId) => void (await c.inlineHookApi.deleteInlineHook({ inlineHookId })),
    createUser: async (profile) => wire(await c.userApi.createUser({ body: { profile }, activate: false })),
    getUser: async (login) => wire(await orUndefined(c.userApi.getUser({ userId: login }))) ?? undefined,
    createGroup: async (name) => wire(await c.groupApi.createGroup({ group: { profile: { name } } })),
    getGroup: async (groupId) => wire(await orUndefined(c.groupApi.getGroup({ groupId }))) ?? undefined,
    listGroups: async (q, limit) => collectSdk(await c.groupApi.listGroups({ q, limit })),
    addMember: async (groupId, userId) => void (await c.groupApi.assignUserToGroup({ groupId, userId })),
    listMembers: async (groupId, limit) => collectSdk(await c.groupApi.listGroupUsers({ groupId, limit })),
    removeMember: async (groupId, userId) => void (await c.groupApi.unassignUserFromGroup({ groupId, userId })),
  };
}

function ourDriver(client: OktaClient): Driver {
  return {
    createApp: (app) => apps.createApp(client, app),
    getApp: (id) => apps.getApp(client, id),
    listApps: (q, limit) => all(client.list('/api/v1/apps', { q, limit })),
    replaceApp: (id, app) => apps.replaceApp(client, id, app),
    deleteApp: async (id) => void (await apps.deleteApp(client, id)),
    listSecrets: (appId) => apps.listClientSecrets(client, appId),
    createSecret: (appId) =>
      client.call('POST', `/api/v1/apps/${appId}/credentials/secrets`, { body: { status: 'ACTIVE' } }),
    deactivateSecret: async (appId, secretId) =>
      void (await client.call('POST', `/api/v1/apps/${appId}/credentials/secrets/${secretId}/lifecycle/deactivate`)),
    deleteSecret: async (appId, secretId) =>
      void (await client.call('DELETE', `/api/v1/apps/${appId}/credentials/secrets/${secretId}`)),
    createServer: (server) => servers.createAuthServer(client, server),
    getServer: (id) => servers.getAuthServer(client, id),
    listServers: (q, limit) => all(client.list('/api/v1/authorizationServers', { q, limit })),
    replaceServer: (id, server) => servers.replaceAuthServer(client, id, server),
    deleteServer: async (id) => void (await servers.deleteAuthServer(client, id)),
    createScope: (serverId, scope) => scopes.createScope(client, serverId, scope),
    listScopes: (serverId) => scopes.listScopes(client, serverId),
    replaceScope: (serverId, scopeId, scope) => scopes.replaceScope(client, serverId, scopeId, scope),
    deleteScope: async (serverId, scopeId) => void (await scopes.deleteScope(client, serverId, scopeId)),
    createPolicy: (serverId, policy) => policies.createPolicy(client, serverId, policy),
    getPolicy: (serverId, policyId) => policies.getPolicy(client, serverId, policyId),
    listPolicies: (serverId) => policies.listPolicies(client, serverId),
    replacePolicy: (serverId, policyId, policy) => policies.replacePolicy(client, serverId, policyId, policy),
    deletePolicy: async (serverId, policyId) => void (await policies.deletePolicy(client, serverId, policyId)),
    createRule: (serverId, policyId, rule) => rules.createRule(client, serverId, policyId, rule),
    getRule: (serverId, policyId, ruleId) => rules.getRule(client, serverId, policyId, ruleId),
    listRules: (serverId, policyId) => rules.listRules(client, serverId, policyId),
    replaceRule: (serverId, policyId, ruleId, rule) => rules.replaceRule(client, serverId, policyId, ruleId, rule),
    deleteRule: async (serverId, policyId, ruleId) => void (await rules.deleteRule(client, serverId, policyId, ruleId)),
    createHook: (hook) => client.call('POST', '/api/v1/inlineHooks', { body: hook }),
    getHook: async (id) =>
      (await hooks.getInlineHook(client, id)) ? client.call('GET', `/api/v1/inlineHooks/${id}`) : undefined,
    listHooks: () => all(client.list('/api/v1/inlineHooks', { type: hooks.TOKEN_HOOK_TYPE })),
    replaceHook: (id, hook) => client.call('PUT', `/api/v1/inlineHooks/${id}`, { body: hook }),
    deactivateHook: async (id) => void (await client.call('POST', `/api/v1/inlineHooks/${id}/lifecycle/deactivate`)),
    deleteHook: async (id) => void (await hooks.deleteInlineHook(client, id)),
    createUser: async (profile) =>
      client.call('GET', `/api/v1/users/${(await users.createOrFindUser(client, profile, false)).user.id}`),
    getUser: async (login) => {
      const found = await users.findUserByLogin(client, login);
      return found ? client.call('GET', `/api/v1/users/${found.id}`) : undefined;
    },
    createGroup: async (name) => client.call('GET', `/api/v1/groups/${(await groups.createGroup(client, name)).id}`),
    getGroup: async (id) => {
      const found = await groups.findGroup(client, id);
      return found ? client.call('GET', `/api/v1/groups/${found.id}`) : undefined;
    },
    listGroups: (q, limit) => all(client.list('/api/v1/groups', { q, limit })),
    addMember: (groupId, userId) => groups.addToGroup(client, groupId, userId),
    listMembers: async (groupId, limit) => {
      const members = await all(groups.groupMembers(client, groupId, limit));
      return Promise.all(members.map((m) => client.call('GET', `/api/v1/users/${m.id}`)));
    },
    removeMember: async (groupId, userId) => void (await groups.removeFromGroup(client, groupId, userId)),
  };
}

/** Results without what differs between two runs: ids, times, links, secrets, and the run's own prefix. */
function comparable(value: unknown, prefix: string): unknown {
  const text = JSON.stringify(value ?? null)
    .replace(/\b(0oa|aus|00p|0pr|scp|ocl|cal|00u|00g|ocs)[A-Za-z0-9]{10,}\b/g, '<id>')
    .split(prefix)
    .join('<run>');
  return strip(JSON.parse(text));
}

const VOLATILE = new Set([
  'created',
  'lastUpdated',
  'lastRotated',
  'nextRotation',
  'expiresAt',
  'activated',
  'statusChanged',
  'lastMembershipUpdated',
  'passwordChanged',
  'lastLogin',
  '_links',
  'client_secret',
  'secret_hash',
  'client_id',
  'client_id_issued_at',
  'kid',
  'keys',
  'transitioningToStatus',
  'credentials_credentials',
]);
function strip(value: any): any {
  if (Array.isArray(value)) return value.map(strip);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !VOLATILE.has(k))
      .map(([k, v]) => [k, strip(v)]),
  );
}

/** The service app as init asks for it: what both clients are driven with. */
const serviceApp = (label: string) => apps.desiredApp(label, 'client_secret_basic');
const tokenHook = (name: string, uri: string) => ({
  name,
  type: hooks.TOKEN_HOOK_TYPE,
  version: '1.0.0',
  channel: {
    type: 'HTTP',
    version: '1.0.0',
    config: {
      uri,
      method: 'POST',
      headers: [],
      authScheme: { type: 'HEADER', key: 'Authorization', value: 'hook-secret-value' },
    },
  },
});

/** Every scenario, as a log of results: the two runs must write the same log. */
async function scenarios(d: Driver, p: string): Promise<Record<string, unknown>> {
  const log: Record<string, unknown> = {};

  // Apps: create, read, list with pagination (limit 1 follows Link: rel="next"), update, delete.
  const app = await d.createApp(serviceApp(`${p}-app`));
  for (let i = 0; i < 3; i += 1) await d.createApp(serviceApp(`${p}-page-${i}`));
  log.appCreated = app;
  log.appRead = await d.getApp(app.id);
  log.appsPaged = (await d.listApps(`${p}-page`, 1)).map((a) => a.label);
  const { id: _id, created: _c, lastUpdated: _u, _links: _l, _embedded: _e, ...writable } = log.appRead as Json;
  log.appReplaced = await d.replaceApp(app.id, { ...writable, label: `${p}-app-2` });
  // App secrets: the create answer carries one; add, list, deactivate, delete.
  const secret = await d.createSecret(app.id);
  log.secretCreated = { status: secret.status, hasSecret: typeof secret.client_secret === 'string' };
  log.secretsListed = (await d.listSecrets(app.id)).map((s) => s.status);
  await d.deactivateSecret(app.id, secret.id);
  await d.deleteSecret(app.id, secret.id);
  log.secretsAfter = (await d.listSecrets(app.id)).map((s) => s.status);

  // Authorization server with scopes, a policy and a rule.
  const server = await d.createServer({ name: `${p}-as`, description: 'contract', audiences: [`api://${p}`] });
  await d.createServer({ name: `${p}-as-b`, description: 'second', audiences: [`api://${p}-b`] });
  log.serverCreated = server;
  log.serverRead = await d.getServer(server.id);
  log.serversPaged = (await d.listServers(`${p}-as`, 1)).map((s) => s.name);
  log.serverReplaced = await d.replaceServer(server.id, {
    name: `${p}-as`,
    description: 'changed',
    audiences: [`api://${p}`],
  });

  const scope = await d.createScope(server.id, {
    name: `${p}:read`,
    description: 'read',
    consent: 'IMPLICIT',
    default: false,
    metadataPublish: 'NO_CLIENTS',
  });
  log.scopeCreated = scope;
  log.scopeReplaced = await d.replaceScope(server.id, scope.id, {
    name: `${p}:read`,
    description: 'read more',
    consent: 'IMPLICIT',
    default: true,
    metadataPublish: 'NO_CLIENTS',
  });
  log.scopesListed = (await d.listScopes(server.id)).filter((s) => !s.system);

  const policy = await d.createPolicy(server.id, {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    name: `${p}-policy`,
    description: 'contract',
    priority: 1,
    status: 'ACTIVE',
    conditions: { clients: { include: ['ALL_CLIENTS'] } },
  });
  log.policyCreated = policy;
  log.policyRead = await d.getPolicy(server.id, policy.id);
  log.policiesListed = await d.listPolicies(server.id);
  log.policyReplaced = await d.replacePolicy(server.id, policy.id, {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    name: `${p}-policy`,
    description: 'changed',
    priority: 1,
    status: 'ACTIVE',
    conditions: { clients: { include: [app.id] } },
  });

  const ruleBody = (minutes: number) => ({
    type: 'RESOURCE_ACCESS',
    name: `${p}-rule`,
    priority: 1,
    status: 'ACTIVE',
    conditions: {
      people: { groups: { include: ['EVERYONE'] } },
      grantTypes: { include: ['client_credentials'] },
      scopes: { include: [`${p}:read`] },
    },
    actions: {
      token: { accessTokenLifetimeMinutes: minutes, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 },
    },
  });
  const rule = await d.createRule(server.id, policy.id, ruleBody(60));
  log.ruleCreated = rule;
  log.ruleRead = await d.getRule(server.id, policy.id, rule.id);
  log.rulesListed = await d.listRules(server.id, policy.id);
  log.ruleReplaced = await d.replaceRule(server.id, policy.id, rule.id, ruleBody(30));

  // Inline hooks.
  const hook = await d.createHook(tokenHook(`${p}-hook`, 'https://hook.example.com/one'));
  log.hookCreated = hook;
  log.hookRead = await d.getHook(hook.id);
  log.hooksListed = (await d.listHooks()).filter((h) => h.name.startsWith(p));
  log.hookReplaced = await d.replaceHook(hook.id, tokenHook(`${p}-hook`, 'https://hook.example.com/two'));
  await d.deactivateHook(hook.id);
  await d.deleteHook(hook.id);
  log.hookGone = await d.getHook(hook.id);

  // Users, groups and group members (paged one at a time).
  const alice = await d.createUser({
    login: `alice@${p}.example.com`,
    email: `alice@${p}.example.com`,
    firstName: 'Alice',
    lastName: 'A',
  });
  const bob = await d.createUser({
    login: `bob@${p}.example.com`,
    email: `bob@${p}.example.com`,
    firstName: 'Bob',
    lastName: 'B',
  });
  log.userCreated = alice;
  log.userRead = await d.getUser(`bob@${p}.example.com`);
  const group = await d.createGroup(`${p}-group`);
  await d.createGroup(`${p}-group-b`);
  log.groupCreated = group;
  log.groupRead = await d.getGroup(group.id);
  log.groupsPaged = (await d.listGroups(`${p}-group`, 1)).map((g) => g.profile.name);
  await d.addMember(group.id, alice.id);
  await d.addMember(group.id, bob.id);
  log.membersPaged = (await d.listMembers(group.id, 1)).map((u) => u.profile.login).sort();
  await d.removeMember(group.id, alice.id);
  log.membersAfter = (await d.listMembers(group.id, 1)).map((u) => u.profile.login);

  // Deletes, and reads after them.
  await d.deleteRule(server.id, policy.id, rule.id);
  log.ruleGone = await d.getRule(server.id, policy.id, rule.id);
  await d.deletePolicy(server.id, policy.id);
  log.policyGone = await d.getPolicy(server.id, policy.id);
  await d.deleteScope(server.id, scope.id);
  log.scopesAfter = (await d.listScopes(server.id)).filter((s) => !s.system).map((s) => s.name);
  await d.deleteServer(server.id);
  log.serverGone = await d.getServer(server.id);
  await d.deleteApp(app.id);
  log.appGone = await d.getApp(app.id);
  return log;
}

describe('our Okta client and @okta/okta-sdk-nodejs agree, against the emulator', () => {
  it('create, read, list with pagination, update and delete for every kind of object the CLI uses', async () => {
    const ours = ourDriver(await createOktaClient({ orgUrl: emu.url, mode: 'ssws', token: emu.adminToken }));
    const viaSdk = comparable(await scenarios(sdkDriver(), 'ksdk'), 'ksdk') as Record<string, unknown>;
    const viaOurs = comparable(await scenarios(ours, 'kours'), 'kours') as Record<string, unknown>;
    // The scenarios did what they say (so agreeing is not agreeing on nothing).
    expect(viaOurs.appsPaged).toEqual(['<run>-page-0', '<run>-page-1', '<run>-page-2']);
    expect(viaOurs.membersPaged).toEqual(['alice@<run>.example.com', 'bob@<run>.example.com']);
    expect(viaOurs.appGone).toBeUndefined();
    // The SDK's models drop fields they do not know (settings.app, say): everything the SDK read, ours read alike.
    for (const key of Object.keys(viaSdk)) {
      const sdkValue = viaSdk[key];
      if (sdkValue && typeof sdkValue === 'object') expect({ [key]: viaOurs[key] }).toMatchObject({ [key]: sdkValue });
      else expect({ [key]: viaOurs[key] }).toEqual({ [key]: sdkValue });
    }
    expect(Object.keys(viaOurs).sort()).toEqual(Object.keys(viaSdk).sort());
    // Two full scenarios over HTTP, one of them through the SDK: more than the default 30 s on a loaded 2-core machine.
  }, 120_000);
});
