import { getApp } from './app-lookup.js';
import { link, type RequestContext, type Route } from './context.js';
import { notFound, validationError } from './errors.js';
import { json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { newId, oktaTimestamp } from './ids.js';
import type { ScopeGrant, Stored } from './state.js';
import { readObjectBody, requireString } from './validation.js';
import { collectionRoutes } from './resource-routes.js';

/** The okta.* scopes the org authorization server can grant to an app (the subset this emulator enforces, plus common ones). */
const OKTA_API_SCOPES = new Set(
  [
    'apps',
    'authorizationServers',
    'inlineHooks',
    'users',
    'groups',
    'appGrants',
    'policies',
    'roles',
    'logs',
    'clients',
    'eventHooks',
    'trustedOrigins',
    'schemas',
    'userTypes',
    'factors',
    'idps',
    'orgs',
    'apiTokens',
  ].flatMap((r) => [`okta.${r}.read`, `okta.${r}.manage`]),
);

function renderGrant(ctx: RequestContext, app: Stored, grant: ScopeGrant): Json {
  const base = `${ctx.orgUrl}/api/v1/apps/${app.id}/grants/${grant.id}`;
  return {
    id: grant.id,
    status: grant.status,
    created: grant.created,
    lastUpdated: grant.lastUpdated,
    issuer: grant.issuer,
    clientId: app.credentials.oauthClient.client_id,
    scopeId: grant.scopeId,
    source: grant.source,
    createdBy: { id: '00uemulatoradmin0000', type: 'User' },
    _links: {
      app: link(`${ctx.orgUrl}/api/v1/apps/${app.id}`),
      self: link(base, ['GET', 'DELETE']),
      client: link(`${ctx.orgUrl}/oauth2/v1/clients/${app.credentials.oauthClient.client_id}`),
    },
  };
}

function createGrant(ctx: RequestContext): HandlerResult {
  const app = getApp(ctx);
  const body = readObjectBody(ctx);
  const issuer = requireString(body.issuer, 'issuer').replace(/\/+$/, '');
  const scopeId = requireString(body.scopeId, 'scopeId');
  if (issuer !== ctx.orgUrl && issuer !== ctx.requestOrigin)
    throw validationError('issuer', `issuer: The issuer must be the org URL '${ctx.orgUrl}'.`);
  if (!OKTA_API_SCOPES.has(scopeId))
    throw validationError('scopeId', `scopeId: '${scopeId}' is not a valid Okta API scope.`);
  const grants = ctx.state.appGrants.get(app.id) ?? [];
  if (grants.some((g) => g.scopeId === scopeId && g.status === 'ACTIVE')) {
    throw validationError('scopeId', `scopeId: The scope '${scopeId}' is already granted to this app.`);
  }
  const now = oktaTimestamp();
  const grant: ScopeGrant = {
    id: newId('grant'),
    issuer: ctx.orgUrl,
    scopeId,
    status: 'ACTIVE',
    source: 'ADMIN',
    created: now,
    lastUpdated: now,
  };
  ctx.state.appGrants.set(app.id, [...grants, grant]);
  ctx.changed();
  return json(201, renderGrant(ctx, app, grant));
}

function getGrant(ctx: RequestContext): { app: Stored; grant: ScopeGrant } {
  const app = getApp(ctx);
  const grant = (ctx.state.appGrants.get(app.id) ?? []).find((g) => g.id === ctx.params.grantId);
  if (!grant) throw notFound(`${ctx.params.grantId} (OAuth2ScopeConsentGrant)`);
  return { app, grant };
}

function deleteGrant(ctx: RequestContext): HandlerResult {
  const { app, grant } = getGrant(ctx);
  ctx.state.appGrants.set(
    app.id,
    (ctx.state.appGrants.get(app.id) ?? []).filter((g) => g !== grant),
  );
  ctx.changed();
  return noContent();
}

export const appGrantRoutes: Route[] = collectionRoutes('okta.appGrants', '/api/v1/apps/:appId/grants', 'grantId', {
  list: (ctx) => {
    const app = getApp(ctx);
    return json(
      200,
      (ctx.state.appGrants.get(app.id) ?? []).map((g) => renderGrant(ctx, app, g)),
    );
  },
  create: createGrant,
  get: (ctx) => {
    const { app, grant } = getGrant(ctx);
    return json(200, renderGrant(ctx, app, grant));
  },
  delete: deleteGrant,
});
