import { iamResourceOfOrn, type IamResource } from './iam-resources.js';
import type { EmulatorState, Stored } from './state.js';
import { findUser } from './users.js';

/**
 * What a CUSTOM role assignment allows (roles guide: "Custom vs. standard", "Permission types"): exactly its
 * role's permissions, over exactly the resources in its resource set. A permission applies only to the resource
 * types its catalog entry names (okta.users.* to users, okta.users.create and okta.groups.* to groups, okta.apps.*
 * to apps, okta.authzServers.* to authorization servers); anything else gives no privilege.
 *
 * Inline hooks: okta.inlinehooks.read and okta.inlinehooks.manage (hooks best practices guide, "Hook admin
 * roles"; GA in production in release 2026.04.0) give a custom role the inline hook calls. No inline-hook resource
 * appears among the resource types a resource set can hold, so the emulator applies them to every inline hook of
 * the org, whatever the assignment's resource set holds (docs/emulator.md says this is not confirmed).
 */

/** The management call being authorized. */
export interface ManagementAccess {
  method: string;
  /** the request path, e.g. /api/v1/groups/00g.../users/00u... */
  path: string;
  /** the okta.* scope the route demands */
  scope: string;
}

type CustomRoleDecision = { allowed: true } | { allowed: false; reason?: string };

type Target =
  | { family: 'users'; userId?: string }
  | { family: 'groups'; groupId?: string }
  | { family: 'apps'; appId?: string; appType: string }
  | { family: 'authServers'; id?: string }
  | { family: 'inlineHooks' };

interface Requirement {
  /** any one of these permissions will do */
  permissions: string[];
  target: Target;
}

const LIFECYCLE: Record<string, string> = {
  activate: 'okta.users.lifecycle.activate',
  deactivate: 'okta.users.lifecycle.deactivate',
};

/** The permissions and the object a call needs, or why the emulator can't say. */
function requirementOf(state: EmulatorState, access: ManagementAccess): Requirement | { reason: string } {
  const [, api, version, collection, id, sub, subId, action] = access.path.split('/');
  if (api !== 'api' || version !== 'v1')
    return {
      reason: `The emulator evaluates custom roles only for /api/v1 users, groups, apps, authorization servers and inline hooks, not ${access.path}.`,
    };
  const read = access.method === 'GET';
  switch (collection) {
    case 'apps': {
      // Granting okta.* scopes is for super admins only; a custom role never allows it.
      if (sub === 'grants' && !read) return { permissions: [], target: { family: 'apps', appType: 'oidc_client' } };
      const appType = String((id && state.apps.get(id)?.name) ?? 'oidc_client');
      return {
        permissions: read ? ['okta.apps.read', 'okta.apps.manage'] : ['okta.apps.manage'],
        target: { family: 'apps', appType, ...(id ? { appId: id } : {}) },
      };
    }
    case 'inlineHooks':
      return {
        permissions: read ? ['okta.inlinehooks.read', 'okta.inlinehooks.manage'] : ['okta.inlinehooks.manage'],
        target: { family: 'inlineHooks' },
      };
    case 'authorizationServers':
      return {
        permissions: read ? ['okta.authzServers.read', 'okta.authzServers.manage'] : ['okta.authzServers.manage'],
        target: { family: 'authServers', ...(id ? { id } : {}) },
      };
    case 'users': {
      const userId = id ? (findUser(state, id)?.id ?? id) : undefined;
      const target: Target = { family: 'users', ...(userId ? { userId } : {}) };
      if (read) return { permissions: ['okta.users.read', 'okta.users.manage'], target };
      if (!id) return { permissions: ['okta.users.manage', 'okta.users.create'], target };
      if (sub === 'lifecycle' && subId && LIFECYCLE[subId])
        return { permissions: [LIFECYCLE[subId], 'okta.users.lifecycle.manage', 'okta.users.manage'], target };
      if (access.method === 'DELETE' && !sub)
        return {
          permissions: ['okta.users.lifecycle.delete', 'okta.users.lifecycle.manage', 'okta.users.manage'],
          target,
        };
      return { permissions: ['okta.users.userprofile.manage', 'okta.users.manage'], target };
    }
    case 'groups': {
      const target: Target = { family: 'groups', ...(id ? { groupId: id } : {}) };
      if (read) return { permissions: ['okta.groups.read', 'okta.groups.manage'], target };
      if (!id) return { permissions: ['okta.groups.create', 'okta.groups.manage'], target };
      if (sub === 'users' && subId && action === undefined)
        return { permissions: ['okta.groups.members.manage', 'okta.groups.manage'], target };
      return { permissions: ['okta.groups.manage'], target };
    }
    default:
      return {
        reason: `The emulator evaluates custom roles only for users, groups, apps, authorization servers and inline hooks, not /api/v1/${collection ?? ''}.`,
      };
  }
}

/** Whether a permission's catalog entry applies to this kind of resource. */
function applies(permission: string, resource: IamResource): boolean {
  const family =
    resource.kind === 'users' || resource.kind === 'groupUsers'
      ? 'users'
      : resource.kind === 'groups' || resource.kind === 'group'
        ? 'groups'
        : resource.kind === 'authServers' || resource.kind === 'authServer'
          ? 'authServers'
          : 'apps';
  if (permission === 'okta.users.create') return family === 'groups';
  if (permission.startsWith('okta.users.')) return family === 'users';
  if (permission.startsWith('okta.groups.')) return family === 'groups';
  if (permission.startsWith('okta.apps.')) return family === 'apps';
  if (permission.startsWith('okta.authzServers.')) return family === 'authServers';
  return false;
}

/** Whether the resource covers the object (a collection call needs the whole collection). */
function covers(state: EmulatorState, resource: IamResource, permission: string, target: Target): boolean {
  switch (target.family) {
    case 'users':
      if (permission === 'okta.users.create') return resource.kind === 'groups' || resource.kind === 'group';
      if (resource.kind === 'users') return true;
      return (
        resource.kind === 'groupUsers' &&
        target.userId !== undefined &&
        state.groupMembers.get(resource.id)?.has(target.userId) === true
      );
    case 'groups':
      return resource.kind === 'groups' || (resource.kind === 'group' && resource.id === target.groupId);
    case 'apps':
      return (
        resource.kind === 'apps' ||
        (resource.kind === 'appType' && resource.appType === target.appType) ||
        (resource.kind === 'app' && resource.id === target.appId)
      );
    case 'authServers':
      return resource.kind === 'authServers' || (resource.kind === 'authServer' && resource.id === target.id);
    case 'inlineHooks':
      return false;
  }
}

/** The decision for one CUSTOM assignment ({type: 'CUSTOM', role, 'resource-set'}) on one management call. */
export function customRoleDecision(
  state: EmulatorState,
  assignment: Stored,
  access: ManagementAccess,
): CustomRoleDecision {
  const role = state.iam.roles.get(String(assignment.role));
  const set = state.iam.resourceSets.get(String(assignment['resource-set']));
  if (!role || !set) return { allowed: false };
  const requirement = requirementOf(state, access);
  if ('reason' in requirement) return { allowed: false, reason: requirement.reason };
  const held = new Set((role.permissions as { label: string }[]).map((p) => p.label));
  if (requirement.target.family === 'inlineHooks') return { allowed: requirement.permissions.some((p) => held.has(p)) };
  const resources = (set.resources as { orn: string }[])
    .map((r) => iamResourceOfOrn(state, r.orn))
    .filter((r): r is IamResource => r !== undefined);
  const allowed = requirement.permissions.some(
    (p) => held.has(p) && resources.some((r) => applies(p, r) && covers(state, r, p, requirement.target)),
  );
  return { allowed };
}
