import { lifecycleLink, link, type Handler, type RequestContext, type Route } from './context.js';
import { notFound, pathObject, validationError } from './errors.js';
import { isObject, json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { newId, oktaTimestamp } from './ids.js';
import { pageRequest, paginate } from './pagination.js';
import { RESERVED_CLAIMS } from './reserved-claims.js';
import { newServerKeys, rotatedServerKeys, serverKeyStatus } from './signing-key-rotation.js';
import { childCollection, type EmulatorState, type Stored } from './state.js';
import { oneOf, readObjectBody, requireString, requireStringArray } from './validation.js';
import { collectionRoutes } from './resource-routes.js';

const SYSTEM_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'device_sso'];
const KEY_ROTATION_DAYS = 90;

export function authServerIssuer(orgUrl: string, id: string): string {
  return `${orgUrl}/oauth2/${id}`;
}

export function getAuthServer(ctx: RequestContext, id = ctx.params.authServerId!): Stored {
  const server = ctx.state.authServers.get(id);
  if (!server) throw notFound(`${id} (AuthorizationServer)`);
  return server;
}

function renderAuthServer(ctx: RequestContext, server: Stored): Json {
  const base = `${ctx.orgUrl}/api/v1/authorizationServers/${server.id}`;
  const issuer = authServerIssuer(ctx.orgUrl, server.id);
  const activeKey = ctx.state.authServerKeys.get(server.id)?.[0];
  const lastRotated = activeKey?.created ?? server.created;
  return {
    ...structuredClone(server),
    issuer,
    credentials: {
      signing: {
        rotationMode: server.rotationMode ?? 'AUTO',
        lastRotated,
        nextRotation: oktaTimestamp(new Date(Date.parse(lastRotated) + KEY_ROTATION_DAYS * 86_400_000)),
        kid: activeKey?.kid,
        use: 'sig',
      },
    },
    rotationMode: undefined,
    _links: {
      scopes: link(`${base}/scopes`, ['GET']),
      claims: link(`${base}/claims`, ['GET']),
      policies: link(`${base}/policies`, ['GET']),
      self: link(base, ['GET', 'DELETE', 'PUT']),
      metadata: [
        {
          name: 'oauth-authorization-server',
          href: `${issuer}/.well-known/oauth-authorization-server`,
          hints: { allow: ['GET'] },
        },
        { name: 'openid-configuration', href: `${issuer}/.well-known/openid-configuration`, hints: { allow: ['GET'] } },
      ],
      rotateKey: link(`${base}/credentials/lifecycle/keyRotate`, ['POST']),
      ...lifecycleLink(base, server.status === 'ACTIVE'),
    },
  };
}

function validateServer(ctx: RequestContext, body: Json, exceptId?: string): Json {
  const name = requireString(body.name, 'name');
  const audiences = requireStringArray(body.audiences, 'audiences');
  if (ctx.state.authServers.find((s) => s.id !== exceptId && s.name === name)) {
    throw validationError('name', 'name: An object with this field already exists in the current organization');
  }
  const issuerMode = body.issuerMode ?? 'ORG_URL';
  if (!['ORG_URL', 'CUSTOM_URL', 'DYNAMIC'].includes(issuerMode))
    throw validationError('issuerMode', `issuerMode: '${String(issuerMode)}' is not a valid issuer mode.`);
  const rotationMode = oneOf(body.credentials?.signing?.rotationMode, ['AUTO', 'MANUAL'], 'AUTO', 'rotationMode');
  return {
    name,
    description: typeof body.description === 'string' ? body.description : '',
    audiences,
    issuerMode,
    rotationMode,
  };
}

/**
 * Makes the server at once, as Okta does: its signing key is generated first, and only then is the server (with the
 * key and its system scopes) added, in one synchronous step. A server must never be listed, found by name or adopted
 * while its create is still running; `beforeAdd` re-checks what may have changed during the key generation.
 */
async function addAuthServer(state: EmulatorState, id: string, fields: Json, beforeAdd?: () => void): Promise<Stored> {
  const keys = await newServerKeys();
  beforeAdd?.();
  const now = oktaTimestamp();
  const server: Stored = { id, ...fields, status: 'ACTIVE', created: now, lastUpdated: now };
  state.authServers.add(server);
  state.authServerKeys.set(server.id, keys);
  const scopes = childCollection(state.scopes, server.id);
  for (const name of SYSTEM_SCOPES) {
    scopes.add({
      id: newId('scope'),
      name,
      displayName: name,
      description: `Requests access to ${name}`,
      system: true,
      default: false,
      metadataPublish: 'ALL_CLIENTS',
      consent: 'IMPLICIT',
      optional: false,
    });
  }
  return server;
}

async function createAuthServer(ctx: RequestContext): Promise<HandlerResult> {
  const body = readObjectBody(ctx);
  const fields = validateServer(ctx, body);
  // The name must still be free when the server is added (another create may have finished meanwhile).
  const server = await addAuthServer(ctx.state, newId('authServer'), fields, () => validateServer(ctx, body));
  ctx.changed();
  return json(201, renderAuthServer(ctx, server));
}

/**
 * The server orgs with API Access Management come with: id `default`, audience `api://default`, and a
 * default policy for all clients whose rule allows every scope.
 */
export async function seedDefaultAuthServer(state: EmulatorState): Promise<void> {
  if (state.authServers.has('default')) return;
  await addAuthServer(state, 'default', {
    name: 'default',
    description: 'Default Authorization Server for your Applications',
    audiences: ['api://default'],
    issuerMode: 'ORG_URL',
    rotationMode: 'AUTO',
  });
  const now = oktaTimestamp();
  const policy: Stored = {
    id: newId('policy'),
    type: 'OAUTH_AUTHORIZATION_POLICY',
    status: 'ACTIVE',
    name: 'Default Policy',
    description: 'Default policy description',
    priority: 1,
    system: false,
    conditions: { clients: { include: ['ALL_CLIENTS'] } },
    created: now,
    lastUpdated: now,
  };
  childCollection(state.policies, 'default').add(policy);
  childCollection(state.rules, policy.id).add({
    id: newId('rule'),
    type: 'RESOURCE_ACCESS',
    status: 'ACTIVE',
    name: 'Default Policy Rule',
    priority: 1,
    system: false,
    conditions: {
      people: { users: { include: [], exclude: [] }, groups: { include: ['EVERYONE'], exclude: [] } },
      grantTypes: { include: ['implicit', 'client_credentials', 'authorization_code', 'password'] },
      scopes: { include: ['*'] },
    },
    actions: {
      token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 },
    },
    created: now,
    lastUpdated: now,
  });
}

function replaceAuthServer(ctx: RequestContext): HandlerResult {
  const existing = getAuthServer(ctx);
  const fields = validateServer(ctx, readObjectBody(ctx), existing.id);
  const updated: Stored = { ...existing, ...fields, lastUpdated: oktaTimestamp() };
  ctx.state.authServers.replace(updated);
  ctx.changed();
  return json(200, renderAuthServer(ctx, updated));
}

function listAuthServers(ctx: RequestContext): HandlerResult {
  const q = ctx.query.get('q')?.toLowerCase();
  const predicate = q
    ? (s: Stored) =>
        String(s.name).toLowerCase().startsWith(q) ||
        (s.audiences as string[]).some((a) => a.toLowerCase().startsWith(q))
    : undefined;
  const page = paginate(ctx.state.authServers, ctx.url, pageRequest(ctx.query, 200, 200), predicate);
  return json(
    200,
    page.items.map((s) => renderAuthServer(ctx, s)),
    { Link: page.links },
  );
}

function deleteAuthServerState(state: EmulatorState, id: string): void {
  state.authServers.delete(id);
  state.authServerKeys.delete(id);
  state.scopes.delete(id);
  state.claims.delete(id);
  for (const policy of state.policies.get(id)?.values() ?? []) state.rules.delete(policy.id);
  state.policies.delete(id);
}

function deleteAuthServer(ctx: RequestContext): HandlerResult {
  const server = getAuthServer(ctx);
  deleteAuthServerState(ctx.state, server.id);
  ctx.changed();
  return noContent();
}

function setAuthServerStatus(status: 'ACTIVE' | 'INACTIVE') {
  return (ctx: RequestContext): HandlerResult => {
    const server = getAuthServer(ctx);
    if (server.status !== status) {
      ctx.state.authServers.replace({ ...server, status, lastUpdated: oktaTimestamp() });
      ctx.changed();
    }
    return noContent();
  };
}

// --- signing keys ---------------------------------------------------------------------------------------

function renderKeys(ctx: RequestContext, serverId: string): Json[] {
  const keys = ctx.state.authServerKeys.get(serverId) ?? [];
  return keys.map((key, index) => ({
    ...key.publicJwk,
    status: serverKeyStatus(index),
    _links: {
      self: link(`${ctx.orgUrl}/api/v1/authorizationServers/${serverId}/credentials/keys/${key.kid}`, ['GET']),
    },
  }));
}

async function rotateKey(ctx: RequestContext): Promise<HandlerResult> {
  const server = getAuthServer(ctx);
  const body = isObject(ctx.body) ? ctx.body : {};
  if (body.use !== undefined && body.use !== 'sig') throw validationError('use', "use: 'use' must be 'sig'.");
  const keys = ctx.state.authServerKeys.get(server.id) ?? [];
  ctx.state.authServerKeys.set(server.id, await rotatedServerKeys(keys));
  ctx.changed();
  return json(200, renderKeys(ctx, server.id));
}

// --- scopes and claims: the two kinds of object each authorization server holds ------------------------

interface ServerChild {
  /** its collection in the org and its path segment under the server */
  collection: 'scopes' | 'claims';
  idKind: 'scope' | 'claim';
  param: string;
  /** its type in Okta's 404 */
  type: string;
  validate: (ctx: RequestContext, serverId: string, body: Json, exceptId?: string) => Json;
  /** refuses to change or delete this one, if the kind has objects that may not be */
  guard?: (item: Stored, change: 'modified' | 'deleted') => void;
}

function renderChild(kind: ServerChild, ctx: RequestContext, serverId: string, item: Stored): Json {
  const self = `${ctx.orgUrl}/api/v1/authorizationServers/${serverId}/${kind.collection}/${item.id}`;
  return { ...structuredClone(item), _links: { self: link(self, ['GET', 'PUT', 'DELETE']) } };
}

function getChild(kind: ServerChild, ctx: RequestContext): Stored {
  const server = getAuthServer(ctx);
  return pathObject(ctx, kind.param, kind.type, (id) => childCollection(ctx.state[kind.collection], server.id).get(id));
}

function childRoutes(kind: ServerChild, list: Handler): Route[] {
  const render = (ctx: RequestContext, item: Stored) => renderChild(kind, ctx, ctx.params.authServerId!, item);
  const items = (ctx: RequestContext) => childCollection(ctx.state[kind.collection], ctx.params.authServerId!);
  return collectionRoutes(SCOPE_FAMILY, `${AS}/:authServerId/${kind.collection}`, kind.param, {
    list,
    create: (ctx) => {
      const server = getAuthServer(ctx);
      const item: Stored = { id: newId(kind.idKind), ...kind.validate(ctx, server.id, readObjectBody(ctx)) };
      childCollection(ctx.state[kind.collection], server.id).add(item);
      ctx.changed();
      return json(201, render(ctx, item));
    },
    get: (ctx) => json(200, render(ctx, getChild(kind, ctx))),
    replace: (ctx) => {
      const existing = getChild(kind, ctx);
      kind.guard?.(existing, 'modified');
      const item: Stored = {
        id: existing.id,
        ...kind.validate(ctx, ctx.params.authServerId!, readObjectBody(ctx), existing.id),
      };
      items(ctx).replace(item);
      ctx.changed();
      return json(200, render(ctx, item));
    },
    delete: (ctx) => {
      const existing = getChild(kind, ctx);
      kind.guard?.(existing, 'deleted');
      items(ctx).delete(existing.id);
      ctx.changed();
      return noContent();
    },
  });
}

// --- scopes ---------------------------------------------------------------------------------------------

function validateScope(ctx: RequestContext, serverId: string, body: Json, exceptId?: string): Json {
  const name = requireString(body.name, 'name');
  if (/\s/.test(name)) throw validationError('name', 'name: The scope name cannot contain whitespace.');
  if (name.startsWith('okta.')) throw validationError('name', "name: Scope names beginning with 'okta.' are reserved.");
  if (childCollection(ctx.state.scopes, serverId).find((s) => s.id !== exceptId && s.name === name)) {
    throw validationError('name', 'name: A scope with this name already exists.');
  }
  const metadataPublish = oneOf(body.metadataPublish, ['ALL_CLIENTS', 'NO_CLIENTS'], 'NO_CLIENTS', 'metadataPublish');
  const consent = oneOf(body.consent, ['REQUIRED', 'IMPLICIT', 'FLEXIBLE'], 'IMPLICIT', 'consent');
  return {
    name,
    displayName: typeof body.displayName === 'string' ? body.displayName : name,
    description: typeof body.description === 'string' ? body.description : name,
    system: false,
    default: body.default === true,
    metadataPublish,
    consent,
    optional: body.optional === true,
  };
}

function listScopes(ctx: RequestContext): HandlerResult {
  const server = getAuthServer(ctx);
  const q = ctx.query.get('q')?.toLowerCase();
  const page = paginate(
    childCollection(ctx.state.scopes, server.id),
    ctx.url,
    pageRequest(ctx.query, 200, 200),
    q ? (s) => String(s.name).toLowerCase().startsWith(q) : undefined,
  );
  return json(
    200,
    page.items.map((s) => renderChild(SCOPES, ctx, server.id, s)),
    { Link: page.links },
  );
}

// --- claims ---------------------------------------------------------------------------------------------

function validateClaim(ctx: RequestContext, serverId: string, body: Json, exceptId?: string): Json {
  const name = requireString(body.name, 'name');
  if (RESERVED_CLAIMS.has(name)) throw validationError('name', `name: '${name}' is a reserved claim name.`);
  const claimType = oneOf(body.claimType, ['RESOURCE', 'IDENTITY'], 'RESOURCE', 'claimType');
  const valueType = oneOf(body.valueType, ['EXPRESSION', 'GROUPS', 'SYSTEM'], 'EXPRESSION', 'valueType');
  const value = requireString(body.value, 'value');
  if (
    childCollection(ctx.state.claims, serverId).find(
      (c) => c.id !== exceptId && c.name === name && c.claimType === claimType,
    )
  ) {
    throw validationError('name', 'name: A claim with this name already exists.');
  }
  const scopes = Array.isArray(body.conditions?.scopes) ? body.conditions.scopes : [];
  return {
    name,
    status: body.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    claimType,
    valueType,
    value,
    alwaysIncludeInToken: body.alwaysIncludeInToken ?? true,
    conditions: { scopes },
    system: false,
    ...(valueType === 'GROUPS' ? { group_filter_type: body.group_filter_type ?? 'STARTS_WITH' } : {}),
  };
}

const SCOPES: ServerChild = {
  collection: 'scopes',
  idKind: 'scope',
  param: 'scopeId',
  type: 'OAuth2Scope',
  validate: validateScope,
  guard: (scope, change) => {
    if (scope.system) throw validationError('scope', `scope: A system scope cannot be ${change}.`);
  },
};
const CLAIMS: ServerChild = {
  collection: 'claims',
  idKind: 'claim',
  param: 'claimId',
  type: 'OAuth2Claim',
  validate: validateClaim,
};

const AS = '/api/v1/authorizationServers';
const SCOPE_FAMILY = 'okta.authorizationServers';
export const authServerRoutes: Route[] = [
  ...collectionRoutes(
    SCOPE_FAMILY,
    AS,
    'authServerId',
    {
      list: listAuthServers,
      create: createAuthServer,
      get: (ctx) => json(200, renderAuthServer(ctx, getAuthServer(ctx))),
      replace: replaceAuthServer,
      delete: deleteAuthServer,
      activate: setAuthServerStatus('ACTIVE'),
      deactivate: setAuthServerStatus('INACTIVE'),
    },
    {
      '/credentials/keys': { GET: (ctx) => json(200, renderKeys(ctx, getAuthServer(ctx).id)) },
      '/credentials/keys/:keyId': {
        GET: (ctx) => {
          const key = renderKeys(ctx, getAuthServer(ctx).id).find((k) => k.kid === ctx.params.keyId);
          if (!key) throw notFound(`${ctx.params.keyId} (JsonWebKey)`);
          return json(200, key);
        },
      },
      '/credentials/lifecycle/keyRotate': { POST: rotateKey },
    },
  ),
  ...childRoutes(SCOPES, listScopes),
  ...childRoutes(CLAIMS, (ctx) =>
    json(
      200,
      childCollection(ctx.state.claims, getAuthServer(ctx).id)
        .values()
        .map((c) => renderChild(CLAIMS, ctx, ctx.params.authServerId!, c)),
    ),
  ),
];
