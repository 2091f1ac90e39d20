import { findAppByClientId } from './apps.js';
import { link, type RequestContext, type Route } from './context.js';
import { assignCustomRole, renderCustomAssignment } from './client-custom-roles.js';
import { customRoleDecision, type ManagementAccess } from './custom-role-check.js';
import { accessDenied, notFound, OktaError, validationError } from './errors.js';
import { json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { randomAlphanumeric, oktaTimestamp } from './ids.js';
import type { EmulatorState, Stored } from './state.js';
import { readObjectBody } from './validation.js';
import { collectionRoutes } from './resource-routes.js';

/** Standard admin roles and what the emulator lets a service app holding one do with an OAuth token. */
const ROLE_LABELS: Record<string, string> = {
  SUPER_ADMIN: 'Super Organization Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  APP_ADMIN: 'Application Administrator',
  API_ACCESS_MANAGEMENT_ADMIN: 'API Access Management Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
  USER_ADMIN: 'Group Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  READ_ONLY_ADMIN: 'Read Only Administrator',
  REPORT_ADMIN: 'Report Administrator',
};

/**
 * What each standard admin role may do through the management API, by okta.* resource, from Okta's "Standard
 * administrator roles and permissions" comparison (help.okta.com .../security/administrators-admin-comparison.htm)
 * and the org admin restrictions: an org admin manages users, groups and org settings but not apps, authorization
 * servers or inline hooks; only a super admin assigns admin roles or grants Okta API scopes (appGrants); an app
 * admin manages apps (not their scope grants); an API access management admin manages authorization servers and
 * views apps; a read-only admin reads everything but admin roles.
 */
interface RolePermissions {
  read: readonly string[] | '*';
  manage: readonly string[] | '*';
}

const STANDARD_ROLE_PERMISSIONS: Readonly<Record<string, RolePermissions>> = {
  SUPER_ADMIN: { read: '*', manage: '*' },
  ORG_ADMIN: {
    read: ['apps', 'users', 'groups', 'authorizationServers', 'inlineHooks', 'appGrants'],
    manage: ['users', 'groups'],
  },
  APP_ADMIN: { read: ['apps', 'users', 'groups', 'appGrants'], manage: ['apps'] },
  API_ACCESS_MANAGEMENT_ADMIN: {
    read: ['authorizationServers', 'apps', 'appGrants'],
    manage: ['authorizationServers'],
  },
  GROUP_MEMBERSHIP_ADMIN: { read: ['groups', 'users'], manage: ['groups'] },
  USER_ADMIN: { read: ['users', 'groups'], manage: ['users', 'groups'] },
  HELP_DESK_ADMIN: { read: ['users', 'groups'], manage: [] },
  READ_ONLY_ADMIN: {
    read: ['apps', 'users', 'groups', 'authorizationServers', 'inlineHooks', 'appGrants'],
    manage: [],
  },
  REPORT_ADMIN: { read: [], manage: [] },
};

function roleAllows(role: Stored, resource: string, action: 'read' | 'manage'): boolean {
  const standard = STANDARD_ROLE_PERMISSIONS[String(role.type)];
  if (!standard) return false;
  const list = standard[action];
  return list === '*' || list.includes(resource);
}

/**
 * Okta answers 403 E0000006 to a service app's OAuth token unless the app holds an admin role that covers
 * the call, whatever okta.* scopes the token carries. A CUSTOM role is judged on the call itself (`access`).
 */
export function assertRoleAllows(
  state: EmulatorState,
  clientId: string,
  scope: string,
  access?: Omit<ManagementAccess, 'scope'>,
): void {
  const app = findAppByClientId(state, clientId);
  const roles = app ? (state.clientRoles.get(app.id) ?? []) : [];
  const [, resource, action] = scope.split('.');
  const limits: string[] = [];
  const allowed = roles.some((role) => {
    if (role.type === 'CUSTOM') {
      const decision = access ? customRoleDecision(state, role, { ...access, scope }) : { allowed: false as const };
      if (!decision.allowed && decision.reason) limits.push(decision.reason);
      return decision.allowed;
    }
    return roleAllows(role, resource ?? '', action === 'manage' ? 'manage' : 'read');
  });
  if (allowed) return;
  if (limits.length > 0) throw new OktaError(403, 'E0000006', accessDenied().errorSummary, limits);
  throw accessDenied();
}

function getClientApp(ctx: RequestContext): Stored {
  const app = findAppByClientId(ctx.state, ctx.params.clientId!);
  if (!app) throw notFound(`${ctx.params.clientId} (Client)`);
  return app;
}

function renderRole(ctx: RequestContext, clientId: string, role: Stored): Json {
  if (role.type === 'CUSTOM') return renderCustomAssignment(ctx, clientId, role);
  return { ...role, _links: { assignee: link(`${ctx.orgUrl}/oauth2/v1/clients/${clientId}/roles`) } };
}

function assignRole(ctx: RequestContext): HandlerResult {
  const app = getClientApp(ctx);
  const body = readObjectBody(ctx);
  const type = String(body.type ?? '');
  if (type === 'CUSTOM') return assignCustomRole(ctx, app, body);
  const label = ROLE_LABELS[type];
  if (!label) throw validationError('type', `type: '${type}' is not a standard role the emulator supports.`);
  const roles = ctx.state.clientRoles.get(app.id) ?? [];
  if (roles.some((r) => r.type === type)) {
    throw validationError('type', 'The role specified is already assigned to the client.');
  }
  const now = oktaTimestamp();
  const role: Stored = {
    id: randomAlphanumeric(24).toUpperCase(),
    label,
    type,
    status: 'ACTIVE',
    created: now,
    lastUpdated: now,
    assignmentType: 'CLIENT',
  };
  ctx.state.clientRoles.set(app.id, [...roles, role]);
  ctx.changed();
  return json(200, renderRole(ctx, ctx.params.clientId!, role));
}

/** One assignment of any type, standard or CUSTOM (retrieveClientRole). */
function getRoleAssignment(ctx: RequestContext): HandlerResult {
  const assignment = (ctx.state.clientRoles.get(getClientApp(ctx).id) ?? []).find(
    (r) => r.id === ctx.params.roleAssignmentId,
  );
  if (!assignment) throw notFound(`${ctx.params.roleAssignmentId} (RoleAssignment)`);
  return json(200, renderRole(ctx, ctx.params.clientId!, assignment));
}

function unassignRole(ctx: RequestContext): HandlerResult {
  const app = getClientApp(ctx);
  const roles = ctx.state.clientRoles.get(app.id) ?? [];
  if (!roles.some((r) => r.id === ctx.params.roleAssignmentId))
    throw notFound(`${ctx.params.roleAssignmentId} (RoleAssignment)`);
  ctx.state.clientRoles.set(
    app.id,
    roles.filter((r) => r.id !== ctx.params.roleAssignmentId),
  );
  ctx.changed();
  return noContent();
}

export const clientRoleRoutes: Route[] = collectionRoutes(
  'okta.roles',
  '/oauth2/v1/clients/:clientId/roles',
  'roleAssignmentId',
  {
    list: (ctx) =>
      json(
        200,
        (ctx.state.clientRoles.get(getClientApp(ctx).id) ?? []).map((r) => renderRole(ctx, ctx.params.clientId!, r)),
      ),
    create: assignRole,
    get: getRoleAssignment,
    delete: unassignRole,
  },
);
