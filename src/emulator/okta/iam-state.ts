import { isObject, json, noContent, type Json } from '../core/http-io.js';
import { OrderedCollection } from './collection.js';
import { link, type Handler, type RequestContext, type Route } from './context.js';
import { collectionRoutes, type ItemOperations } from './resource-routes.js';
import { validationError } from './errors.js';
import { oktaTimestamp, randomAlphanumeric } from './ids.js';
import type { EmulatorState, Stored } from './state.js';
import { readObjectBody, requireString } from './validation.js';

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

/** A custom role or resource set by its id or its label (the IAM API takes either in the path and in assignments). */
export function byIdOrLabel(collection: OrderedCollection<Stored>, idOrLabel: string): Stored | undefined {
  return collection.get(idOrLabel) ?? collection.find((item) => item.label === idOrLabel);
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

/** What the IAM API does alike for custom roles and resource sets (label-and-description objects). */
export interface IamKind {
  /** its collection in the org */
  items: (state: EmulatorState) => OrderedCollection<Stored>;
  /** its name in Okta's duplicate-label error ('role', 'resource set') */
  name: string;
  /** the field of a client role assignment that names it */
  assignmentField: 'role' | 'resource-set';
  /** its collection's path (also for the list's `_links.next`) and the path parameter of an item */
  path: string;
  param: string;
  /** the key of the list in a list response ('roles', 'resource-sets') */
  listKey: string;
  get: (ctx: RequestContext) => Stored;
  render: (ctx: RequestContext, item: Stored) => Json;
}

/** GET the collection: one page, under `listKey`, with `_links`. */
function listIam(kind: IamKind): Handler {
  return (ctx) => {
    const { items, links } = iamPage(ctx, kind.items(ctx.state), kind.path);
    return json(200, { [kind.listKey]: items.map((item) => kind.render(ctx, item)), _links: links });
  };
}

/** PUT an item: a new label and description (checked as on create), the rest kept. */
function replaceIam(kind: IamKind): Handler {
  return (ctx) => {
    const existing = kind.get(ctx);
    const collection = kind.items(ctx.state);
    const updated: Stored = {
      ...existing,
      ...checkIamLabels(collection, readObjectBody(ctx), kind.name, existing.id),
      lastUpdated: oktaTimestamp(),
    };
    collection.replace(updated);
    ctx.changed();
    return json(200, kind.render(ctx, updated));
  };
}

/** DELETE an item, with the client role assignments that name it. */
function deleteIam(kind: IamKind): Handler {
  return (ctx) => {
    const existing = kind.get(ctx);
    kind.items(ctx.state).delete(existing.id);
    dropAssignments(ctx.state, kind.assignmentField, existing.id);
    ctx.changed();
    return noContent();
  };
}

/** The routes of an IAM collection (Okta scopes them okta.roles.*): list, create, get, replace, delete, and `below`. */
export function iamRoutes(kind: IamKind, create: Handler, below: ItemOperations): Route[] {
  return collectionRoutes(
    'okta.roles',
    kind.path,
    kind.param,
    {
      list: listIam(kind),
      create,
      get: (ctx) => json(200, kind.render(ctx, kind.get(ctx))),
      replace: replaceIam(kind),
      delete: deleteIam(kind),
    },
    below,
  );
}
