import { json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { link, type RequestContext, type Route } from './context.js';
import { notFound, pathObject, validationError } from './errors.js';
import { byIdOrLabel, checkIamLabels, iamRoutes, newIamId, refuseConditions, type IamKind } from './iam-state.js';
import { oktaTimestamp } from './ids.js';
import type { Stored } from './state.js';
import { readObjectBody } from './validation.js';

/**
 * Custom admin roles: `/api/v1/iam/roles` (listRoles, createRole, getRole, replaceRole, deleteRole) and their
 * permissions (listRolePermissions, getRolePermission, createRolePermission, replaceRolePermission,
 * deleteRolePermission).
 */

/** Okta's permissions catalog (developer.okta.com, guides/permissions), the ones a custom role may hold. */
const PERMISSIONS = new Set([
  'okta.agents.manage',
  'okta.agents.read',
  'okta.agents.register',
  'okta.apps.assignment.manage',
  'okta.apps.clientCredentials.read',
  'okta.apps.manage',
  'okta.apps.manageFirstPartyApps',
  'okta.apps.read',
  'okta.apps.universalLogout.manage',
  'okta.apps.universalLogout.read',
  'okta.authzServers.manage',
  'okta.authzServers.read',
  'okta.customizations.manage',
  'okta.customizations.read',
  'okta.devices.lifecycle.activate',
  'okta.devices.lifecycle.deactivate',
  'okta.devices.lifecycle.delete',
  'okta.devices.lifecycle.manage',
  'okta.devices.lifecycle.suspend',
  'okta.devices.lifecycle.unsuspend',
  'okta.devices.manage',
  'okta.devices.read',
  'okta.directories.manage',
  'okta.directories.read',
  'okta.groups.appAssignment.manage',
  'okta.groups.create',
  'okta.groups.manage',
  'okta.groups.members.manage',
  'okta.groups.read',
  'okta.iam.read',
  'okta.identityProviders.manage',
  'okta.identityProviders.read',
  // Hooks best practices guide, "Hook admin roles" (the catalog spells them in lower case, unlike the OAuth scopes).
  'okta.inlinehooks.manage',
  'okta.inlinehooks.read',
  'okta.policies.manage',
  'okta.policies.read',
  'okta.profilesources.import.run',
  'okta.realms.manage',
  'okta.realms.read',
  'okta.support.cases.manage',
  'okta.users.apitokens.clear',
  'okta.users.apitokens.manage',
  'okta.users.apitokens.read',
  'okta.users.appAssignment.manage',
  'okta.users.create',
  'okta.users.credentials.expirePassword',
  'okta.users.credentials.manage',
  'okta.users.credentials.manageTemporaryAccessCode',
  'okta.users.credentials.resetFactors',
  'okta.users.credentials.resetPassword',
  'okta.users.groupMembership.manage',
  'okta.users.lifecycle.activate',
  'okta.users.lifecycle.clearSessions',
  'okta.users.lifecycle.deactivate',
  'okta.users.lifecycle.delete',
  'okta.users.lifecycle.manage',
  'okta.users.lifecycle.suspend',
  'okta.users.lifecycle.unlock',
  'okta.users.lifecycle.unsuspend',
  'okta.users.manage',
  'okta.users.read',
  'okta.users.userprofile.manage',
  'okta.users.userprofile.read',
  'okta.workflows.invoke',
  'okta.workflows.read',
]);

/** A role by id or label, as `roleIdOrLabel` allows. */
export function findCustomRole(ctx: RequestContext, idOrLabel: string): Stored | undefined {
  return byIdOrLabel(ctx.state.iam.roles, idOrLabel);
}

function getRole(ctx: RequestContext): Stored {
  return pathObject(ctx, 'roleIdOrLabel', 'Role', (id) => findCustomRole(ctx, id));
}

function renderRole(ctx: RequestContext, role: Stored): Json {
  const base = `${ctx.orgUrl}/api/v1/iam/roles/${role.id}`;
  return {
    id: role.id,
    label: role.label,
    description: role.description,
    created: role.created,
    lastUpdated: role.lastUpdated,
    _links: { permissions: link(`${base}/permissions`), self: link(base) },
  };
}

function renderPermission(ctx: RequestContext, role: Stored, permission: Json): Json {
  const base = `${ctx.orgUrl}/api/v1/iam/roles/${role.id}`;
  return {
    ...structuredClone(permission),
    _links: { role: link(base), self: link(`${base}/permissions/${permission.label}`) },
  };
}

function checkPermission(label: unknown): string {
  if (typeof label !== 'string' || !PERMISSIONS.has(label))
    throw validationError('permissions', `permissions: '${String(label)}' is not a valid permission.`);
  return label;
}

function createRole(ctx: RequestContext): HandlerResult {
  const body = readObjectBody(ctx);
  const { label, description } = checkIamLabels(ctx.state.iam.roles, body, 'role');
  if (!Array.isArray(body.permissions) || body.permissions.length === 0)
    throw validationError('permissions', 'permissions: The field cannot be left blank');
  const now = oktaTimestamp();
  const permissions = [...new Set(body.permissions.map(checkPermission))].map((p) => ({
    label: p,
    created: now,
    lastUpdated: now,
  }));
  const role: Stored = { id: newIamId('cr0'), label, description, created: now, lastUpdated: now, permissions };
  ctx.state.iam.roles.add(role);
  ctx.changed();
  return json(200, renderRole(ctx, role));
}

function getPermission(ctx: RequestContext): { role: Stored; permission: Json } {
  const role = getRole(ctx);
  const permission = (role.permissions as Json[]).find((p) => p.label === ctx.params.permissionType);
  if (!permission) throw notFound(`${ctx.params.permissionType} (Permission)`);
  return { role, permission };
}

function createPermission(ctx: RequestContext): HandlerResult {
  const role = getRole(ctx);
  const label = checkPermission(ctx.params.permissionType);
  refuseConditions(ctx.body === undefined ? undefined : readObjectBody(ctx).conditions, 'permission');
  if ((role.permissions as Json[]).some((p) => p.label === label))
    throw validationError('permission', `permission: The role already has the permission '${label}'.`);
  const now = oktaTimestamp();
  ctx.state.iam.roles.replace({
    ...role,
    permissions: [...role.permissions, { label, created: now, lastUpdated: now }],
    lastUpdated: now,
  });
  ctx.changed();
  return noContent();
}

function replacePermission(ctx: RequestContext): HandlerResult {
  const { role, permission } = getPermission(ctx);
  refuseConditions(ctx.body === undefined ? undefined : readObjectBody(ctx).conditions, 'permission');
  const updated = { ...permission, lastUpdated: oktaTimestamp() };
  ctx.state.iam.roles.replace({
    ...role,
    permissions: (role.permissions as Json[]).map((p) => (p === permission ? updated : p)),
  });
  ctx.changed();
  return json(200, renderPermission(ctx, role, updated));
}

function deletePermission(ctx: RequestContext): HandlerResult {
  const { role, permission } = getPermission(ctx);
  ctx.state.iam.roles.replace({
    ...role,
    permissions: (role.permissions as Json[]).filter((p) => p !== permission),
    lastUpdated: oktaTimestamp(),
  });
  ctx.changed();
  return noContent();
}

const R = '/api/v1/iam/roles';
const ROLES: IamKind = {
  items: (state) => state.iam.roles,
  name: 'role',
  assignmentField: 'role',
  path: R,
  param: 'roleIdOrLabel',
  listKey: 'roles',
  get: getRole,
  render: renderRole,
};
export const customRoleRoutes: Route[] = iamRoutes(ROLES, createRole, {
  '/permissions': {
    GET: (ctx) => {
      const role = getRole(ctx);
      return json(200, { permissions: (role.permissions as Json[]).map((p) => renderPermission(ctx, role, p)) });
    },
  },
  '/permissions/:permissionType': {
    GET: (ctx) => {
      const { role, permission } = getPermission(ctx);
      return json(200, renderPermission(ctx, role, permission));
    },
    POST: createPermission,
    PUT: replacePermission,
    DELETE: deletePermission,
  },
});
