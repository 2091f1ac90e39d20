import { getAuthServer } from './authservers.js';
import { findAppByClientId } from './apps.js';
import { lifecycleLink, link, type RequestContext, type Route } from './context.js';
import { pathObject, validationError } from './errors.js';
import { isObject, json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { newId, oktaTimestamp } from './ids.js';
import { childCollection, type Stored } from './state.js';
import { placeByPriority, readObjectBody, requireString, requireStringArray } from './validation.js';
import { collectionRoutes } from './resource-routes.js';

const GRANT_TYPES = [
  'authorization_code',
  'client_credentials',
  'implicit',
  'password',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:openid:params:grant-type:ciba',
  'interaction_code',
];

function policiesOf(ctx: RequestContext) {
  return childCollection(ctx.state.policies, getAuthServer(ctx).id);
}

function getPolicy(ctx: RequestContext): Stored {
  return pathObject(ctx, 'policyId', 'Policy', (id) => policiesOf(ctx).get(id));
}

function rulesOf(ctx: RequestContext) {
  return childCollection(ctx.state.rules, getPolicy(ctx).id);
}

function getRule(ctx: RequestContext): Stored {
  return pathObject(ctx, 'ruleId', 'PolicyRule', (id) => rulesOf(ctx).get(id));
}

function sortedByPriority(items: Stored[]): Stored[] {
  return [...items].sort((a, b) => a.priority - b.priority);
}

type Siblings = ReturnType<typeof policiesOf>;

/** A new policy or rule (ACTIVE unless the body asks for INACTIVE), stored at the priority the body asks for. */
function addPrioritized(ctx: RequestContext, siblings: Siblings, kind: 'policy' | 'rule', fields: Json, body: Json) {
  const now = oktaTimestamp();
  const item: Stored = {
    id: newId(kind),
    status: body.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    ...fields,
    created: now,
    lastUpdated: now,
  };
  storeWithPriority(siblings, item, body.priority);
  ctx.changed();
  return siblings.get(item.id)!;
}

/** `existing` with the validated fields, at the priority the body asks for (else where it was). */
function replacePrioritized(ctx: RequestContext, siblings: Siblings, existing: Stored, fields: Json, body: Json) {
  const item: Stored = { ...existing, ...fields, lastUpdated: oktaTimestamp() };
  storeWithPriority(siblings, item, body.priority ?? existing.priority);
  ctx.changed();
  return siblings.get(item.id)!;
}

/** Removes one policy or rule and renumbers the rest 1..n. */
function removePrioritized(siblings: Siblings, id: string): void {
  siblings.delete(id);
  sortedByPriority(siblings.values()).forEach((x, i) => siblings.replace({ ...x, priority: i + 1 }));
}

/** Stores `item` at its requested priority and renumbers its siblings 1..n. */
function storeWithPriority(collection: Siblings, item: Stored, priority: unknown): void {
  const reordered = placeByPriority(
    collection.values().map((i) => ({ ...i })),
    item,
    priority,
  );
  for (const entry of reordered) collection.replace(entry);
}

function renderPolicy(ctx: RequestContext, serverId: string, policy: Stored): Json {
  const base = `${ctx.orgUrl}/api/v1/authorizationServers/${serverId}/policies/${policy.id}`;
  return {
    ...structuredClone(policy),
    _links: {
      self: link(base, ['GET', 'PUT', 'DELETE']),
      ...lifecycleLink(base, policy.status === 'ACTIVE'),
      rules: link(`${base}/rules`, ['GET']),
    },
  };
}

function validatePolicy(ctx: RequestContext, body: Json): Json {
  const type = body.type ?? 'OAUTH_AUTHORIZATION_POLICY';
  if (type !== 'OAUTH_AUTHORIZATION_POLICY')
    throw validationError('type', `type: '${String(type)}' is not a valid policy type for an authorization server.`);
  const name = requireString(body.name, 'name');
  const description = requireString(body.description, 'description');
  const include = requireStringArray(body.conditions?.clients?.include, 'conditions.clients.include', 'conditions');
  for (const clientId of include) {
    if (clientId !== 'ALL_CLIENTS' && !findAppByClientId(ctx.state, clientId)) {
      throw validationError('conditions', `conditions.clients.include: Invalid client id '${clientId}'.`);
    }
  }
  return { type, name, description, system: false, conditions: { clients: { include } } };
}

function createPolicy(ctx: RequestContext): HandlerResult {
  const server = getAuthServer(ctx);
  const body = readObjectBody(ctx);
  const policy = addPrioritized(ctx, policiesOf(ctx), 'policy', validatePolicy(ctx, body), body);
  return json(201, renderPolicy(ctx, server.id, policy));
}

function replacePolicy(ctx: RequestContext): HandlerResult {
  const existing = getPolicy(ctx);
  const body = readObjectBody(ctx);
  const policy = replacePrioritized(ctx, policiesOf(ctx), existing, validatePolicy(ctx, body), body);
  return json(200, renderPolicy(ctx, ctx.params.authServerId!, policy));
}

function deletePolicy(ctx: RequestContext): HandlerResult {
  const policy = getPolicy(ctx);
  removePrioritized(policiesOf(ctx), policy.id);
  ctx.state.rules.delete(policy.id);
  ctx.changed();
  return noContent();
}

function setStatus(kind: 'policy' | 'rule', status: 'ACTIVE' | 'INACTIVE') {
  return (ctx: RequestContext): HandlerResult => {
    const item = kind === 'policy' ? getPolicy(ctx) : getRule(ctx);
    const collection = kind === 'policy' ? policiesOf(ctx) : rulesOf(ctx);
    if (item.status !== status) {
      collection.replace({ ...item, status, lastUpdated: oktaTimestamp() });
      ctx.changed();
    }
    return noContent();
  };
}

// --- rules ----------------------------------------------------------------------------------------------

function renderRule(ctx: RequestContext, rule: Stored): Json {
  const base = `${ctx.orgUrl}/api/v1/authorizationServers/${ctx.params.authServerId}/policies/${ctx.params.policyId}/rules/${rule.id}`;
  return {
    ...structuredClone(rule),
    _links: {
      self: link(base, ['GET', 'PUT', 'DELETE']),
      ...lifecycleLink(base, rule.status === 'ACTIVE'),
    },
  };
}

function lifetime(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validationError('actions', `actions.token.${field}: The value must be between ${min} and ${max}.`);
  }
  return value;
}

function validateRule(ctx: RequestContext, body: Json): Json {
  const type = body.type ?? 'RESOURCE_ACCESS';
  if (type !== 'RESOURCE_ACCESS') throw validationError('type', `type: '${String(type)}' is not a valid rule type.`);
  const name = requireString(body.name, 'name');
  const conditions: Json = isObject(body.conditions) ? body.conditions : {};
  const grantTypes = requireStringArray(conditions.grantTypes?.include, 'conditions.grantTypes.include', 'conditions');
  for (const grant of grantTypes) {
    if (!GRANT_TYPES.includes(grant))
      throw validationError('conditions', `conditions.grantTypes.include: '${grant}' is not a valid grant type.`);
  }
  const scopes = requireStringArray(conditions.scopes?.include, 'conditions.scopes.include', 'conditions');
  const people = isObject(conditions.people)
    ? conditions.people
    : { users: { include: [], exclude: [] }, groups: { include: ['EVERYONE'], exclude: [] } };
  const token: Json = isObject(body.actions?.token) ? body.actions.token : {};
  const hookId = token.inlineHook?.id;
  if (hookId !== undefined && hookId !== null) {
    const hook = ctx.state.inlineHooks.get(String(hookId));
    if (!hook || hook.type !== 'com.okta.oauth2.tokens.transform') {
      throw validationError('actions', `actions.token.inlineHook.id: Invalid inline hook id '${String(hookId)}'.`);
    }
  }
  return {
    type,
    name,
    system: false,
    conditions: { people, grantTypes: { include: grantTypes }, scopes: { include: scopes } },
    actions: {
      token: {
        accessTokenLifetimeMinutes: lifetime(
          token.accessTokenLifetimeMinutes,
          'accessTokenLifetimeMinutes',
          5,
          1440,
          60,
        ),
        refreshTokenLifetimeMinutes: lifetime(
          token.refreshTokenLifetimeMinutes,
          'refreshTokenLifetimeMinutes',
          0,
          5 * 365 * 1440,
          0,
        ),
        refreshTokenWindowMinutes: lifetime(
          token.refreshTokenWindowMinutes,
          'refreshTokenWindowMinutes',
          5,
          5 * 365 * 1440,
          10080,
        ),
        ...(hookId ? { inlineHook: { id: String(hookId) } } : {}),
      },
    },
  };
}

function createRule(ctx: RequestContext): HandlerResult {
  const rules = rulesOf(ctx);
  const body = readObjectBody(ctx);
  return json(201, renderRule(ctx, addPrioritized(ctx, rules, 'rule', validateRule(ctx, body), body)));
}

function replaceRule(ctx: RequestContext): HandlerResult {
  const existing = getRule(ctx);
  const rules = rulesOf(ctx);
  const body = readObjectBody(ctx);
  return json(200, renderRule(ctx, replacePrioritized(ctx, rules, existing, validateRule(ctx, body), body)));
}

function deleteRule(ctx: RequestContext): HandlerResult {
  const rule = getRule(ctx);
  removePrioritized(rulesOf(ctx), rule.id);
  ctx.changed();
  return noContent();
}

const P = '/api/v1/authorizationServers/:authServerId/policies';
const SCOPE_FAMILY = 'okta.authorizationServers';
export const policyRoutes: Route[] = [
  ...collectionRoutes(SCOPE_FAMILY, P, 'policyId', {
    list: (ctx) =>
      json(
        200,
        sortedByPriority(policiesOf(ctx).values()).map((p) => renderPolicy(ctx, ctx.params.authServerId!, p)),
      ),
    create: createPolicy,
    get: (ctx) => json(200, renderPolicy(ctx, ctx.params.authServerId!, getPolicy(ctx))),
    replace: replacePolicy,
    delete: deletePolicy,
    activate: setStatus('policy', 'ACTIVE'),
    deactivate: setStatus('policy', 'INACTIVE'),
  }),
  ...collectionRoutes(SCOPE_FAMILY, `${P}/:policyId/rules`, 'ruleId', {
    list: (ctx) =>
      json(
        200,
        sortedByPriority(rulesOf(ctx).values()).map((r) => renderRule(ctx, r)),
      ),
    create: createRule,
    get: (ctx) => json(200, renderRule(ctx, getRule(ctx))),
    replace: replaceRule,
    delete: deleteRule,
    activate: setStatus('rule', 'ACTIVE'),
    deactivate: setStatus('rule', 'INACTIVE'),
  }),
];
