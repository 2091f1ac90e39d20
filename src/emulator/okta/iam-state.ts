import { isObject, type Json } from '../core/http-io.js';
import { OrderedCollection } from './collection.js';
import { link, type RequestContext } from './context.js';
import { validationError } from './errors.js';
import { randomAlphanumeric } from './ids.js';
import type { EmulatorState, Stored } from './state.js';
import { requireString } from './validation.js';

/**
 * Custom admin roles (with their permissions) and resource sets (with their resources), the two halves of a
 * CUSTOM role assignment. Stored without `_links`, like everything in the org.
 */
export interface IamState {
  /** {id, label, description, created, lastUpdated, permissions: [{label, created, lastUpdated}]} */
  roles: OrderedCollection<Stored>;
  /** {id, label, description, created, lastUpdated, resources: [{id, orn, created, lastUpdated}]} */
  resourceSets: OrderedCollection<Stored>;
}

export function newIamState(): IamState {
  return { roles: new OrderedCollection(), resourceSets: new OrderedCollection() };
}

export function serializeIam(iam: IamState): Json {
  return { roles: iam.roles.values(), resourceSets: iam.resourceSets.values() };
}

export function deserializeIam(raw: Json | undefined): IamState {
  return {
    roles: new OrderedCollection(raw?.roles ?? []),
    resourceSets: new OrderedCollection(raw?.resourceSets ?? []),
  };
}

/** Okta ids: a type prefix and 17 random characters. */
export function newIamId(prefix: 'cr0' | 'iam' | 'ire' | 'irb'): string {
  return prefix + randomAlphanumeric(17);
}

/** Label and description of a custom role or resource set: both required, the label unique among its kind. */
export function checkIamLabels(
  collection: OrderedCollection<Stored>,
  body: Json,
  kind: string,
  exceptId?: string,
): { label: string; description: string } {
  const label = requireString(body.label, 'label');
  const description = requireString(body.description, 'description');
  if (collection.find((item) => item.id !== exceptId && item.label === label))
    throw validationError('label', `label: A ${kind} with the label '${label}' already exists.`);
  return { label, description };
}

/** One page (100, from the `after` cursor) of roles or resource sets, with Okta's `_links.next` when more follow. */
export function iamPage(
  ctx: RequestContext,
  collection: OrderedCollection<Stored>,
  path: string,
): { items: Stored[]; links: Json } {
  const { items, more } = collection.page(ctx.query.get('after') ?? undefined, 100);
  return { items, links: more ? { next: link(`${ctx.orgUrl}${path}?after=${items.at(-1)!.id}`) } : {} };
}

/** Okta narrows permissions and resources with conditions; the emulator can't evaluate them, and says so. */
export function refuseConditions(conditions: unknown, what: 'permission' | 'resource'): void {
  if (conditions === undefined || conditions === null || (isObject(conditions) && Object.keys(conditions).length === 0))
    return;
  throw validationError(
    'conditions',
    `conditions: The emulator cannot evaluate ${what} conditions; add the ${what} without conditions.`,
  );
}

/** A deleted role or resource set takes its client role assignments with it. */
export function dropAssignments(state: EmulatorState, field: 'role' | 'resource-set', id: string): void {
  for (const [appId, assignments] of state.clientRoles)
    state.clientRoles.set(
      appId,
      assignments.filter((a) => a[field] !== id),
    );
}
