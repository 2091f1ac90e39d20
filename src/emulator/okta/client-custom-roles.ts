import { json, type HandlerResult, type Json } from '../core/http-io.js';
import { link, type RequestContext } from './context.js';
import { validationError } from './errors.js';
import { findCustomRole } from './custom-roles.js';
import { newIamId } from './iam-state.js';
import { oktaTimestamp } from './ids.js';
import { findResourceSet } from './resource-sets.js';
import type { Stored } from './state.js';

/**
 * CUSTOM role assignments to a client (assignRoleToClient with CustomRoleAssignmentSchema: `type: CUSTOM`,
 * `role`, `resource-set`); client-roles.ts routes them here and serves retrieveClientRole for every type.
 */

/** The CustomRole shape of assignRoleToClient's answer (example CustomRoleResponseClient). */
export function renderCustomAssignment(ctx: RequestContext, clientId: string, assignment: Stored): Json {
  const role = `${ctx.orgUrl}/api/v1/iam/roles/${assignment.role}`;
  const set = `${ctx.orgUrl}/api/v1/iam/resource-sets/${assignment['resource-set']}`;
  return {
    ...structuredClone(assignment),
    _links: {
      role: link(role),
      'resource-set': link(set),
      permissions: link(`${role}/permissions`),
      member: link(`${set}/bindings/${assignment.role}/members/${assignment.id}`),
      assignee: link(`${ctx.orgUrl}/oauth2/v1/clients/${clientId}`),
    },
  };
}

/** Adds a CUSTOM role (by id or label) over a resource set (by id or label) to the client's app. */
export function assignCustomRole(ctx: RequestContext, app: Stored, body: Json): HandlerResult {
  const role = typeof body.role === 'string' ? findCustomRole(ctx, body.role) : undefined;
  if (!role) throw validationError('role', `role: '${String(body.role ?? '')}' is not a custom role in this org.`);
  const set = typeof body['resource-set'] === 'string' ? findResourceSet(ctx, body['resource-set']) : undefined;
  if (!set)
    throw validationError(
      'resource-set',
      `resource-set: '${String(body['resource-set'] ?? '')}' is not a resource set in this org.`,
    );
  const assignments = ctx.state.clientRoles.get(app.id) ?? [];
  if (assignments.some((a) => a.type === 'CUSTOM' && a.role === role.id && a['resource-set'] === set.id)) {
    throw validationError('type', 'The role specified is already assigned to the client.');
  }
  const now = oktaTimestamp();
  const assignment: Stored = {
    id: newIamId('irb'),
    label: role.label,
    type: 'CUSTOM',
    status: 'ACTIVE',
    created: now,
    lastUpdated: now,
    assignmentType: 'CLIENT',
    'resource-set': set.id,
    role: role.id,
  };
  ctx.state.clientRoles.set(app.id, [...assignments, assignment]);
  ctx.changed();
  return json(200, renderCustomAssignment(ctx, ctx.params.clientId!, assignment));
}
