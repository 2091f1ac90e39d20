import { json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { link, type RequestContext, type Route } from './context.js';
import { notFound, pathObject, validationError } from './errors.js';
import { iamResourceOfOrn, parseIamResource, resourceOrn, resourceRestUrl } from './iam-resources.js';
import { byIdOrLabel, checkIamLabels, iamRoutes, newIamId, refuseConditions, type IamKind } from './iam-state.js';
import { oktaTimestamp } from './ids.js';
import type { Stored } from './state.js';
import { readObjectBody } from './validation.js';

/**
 * Resource sets: `/api/v1/iam/resource-sets` (listResourceSets, createResourceSet, getResourceSet,
 * replaceResourceSet, deleteResourceSet) and their resources (listResourceSetResources, addResourceSetResource,
 * addResourceSetResources, getResourceSetResource, replaceResourceSetResource, deleteResourceSetResource).
 */

/** createResourceSet: "The maximum number of `resources` allowed in a resource set object is 1000." */
const MAX_RESOURCES = 1000;

export function findResourceSet(ctx: RequestContext, idOrLabel: string): Stored | undefined {
  return byIdOrLabel(ctx.state.iam.resourceSets, idOrLabel);
}

function getResourceSet(ctx: RequestContext): Stored {
  return pathObject(ctx, 'resourceSetIdOrLabel', 'ResourceSet', (id) => findResourceSet(ctx, id));
}

function renderResourceSet(ctx: RequestContext, set: Stored): Json {
  const base = `${ctx.orgUrl}/api/v1/iam/resource-sets/${set.id}`;
  return {
    id: set.id,
    label: set.label,
    description: set.description,
    created: set.created,
    lastUpdated: set.lastUpdated,
    _links: { self: link(base), resources: link(`${base}/resources`), bindings: link(`${base}/bindings`) },
  };
}

function renderResource(ctx: RequestContext, set: Stored, resource: Json): Json {
  const parsed = iamResourceOfOrn(ctx.state, resource.orn);
  const restUrl = parsed ? resourceRestUrl(ctx.orgUrl, parsed) : undefined;
  return {
    ...structuredClone(resource),
    _links: {
      ...(restUrl ? { self: link(restUrl) } : {}),
      resource: link(`${ctx.orgUrl}/api/v1/iam/resource-sets/${set.id}/resources/${resource.id}`),
      ...(parsed?.kind === 'users' ? { users: link(restUrl!) } : {}),
      ...(parsed?.kind === 'groups' ? { groups: link(restUrl!) } : {}),
    },
  };
}

function newResources(ctx: RequestContext, set: Stored | undefined, values: unknown): Json[] {
  if (!Array.isArray(values) || values.length === 0)
    throw validationError('resources', 'resources: The field cannot be left blank');
  const existing: Json[] = set?.resources ?? [];
  const now = oktaTimestamp();
  const added: Json[] = [];
  for (const value of values) {
    const orn = resourceOrn(ctx.state, parseIamResource(ctx, value));
    if (existing.some((r) => r.orn === orn) || added.some((r) => r.orn === orn)) continue;
    added.push({ id: newIamId('ire'), orn, created: now, lastUpdated: now });
  }
  if (existing.length + added.length > MAX_RESOURCES)
    throw validationError('resources', `resources: A resource set can hold at most ${MAX_RESOURCES} resources.`);
  return added;
}

function createResourceSet(ctx: RequestContext): HandlerResult {
  const body = readObjectBody(ctx);
  const labels = checkIamLabels(ctx.state.iam.resourceSets, body, 'resource set');
  const resources = newResources(ctx, undefined, body.resources);
  const now = oktaTimestamp();
  const set: Stored = { id: newIamId('iam'), ...labels, created: now, lastUpdated: now, resources };
  ctx.state.iam.resourceSets.add(set);
  ctx.changed();
  return json(200, renderResourceSet(ctx, set));
}

function listResources(ctx: RequestContext): HandlerResult {
  const set = getResourceSet(ctx);
  const all: Json[] = set.resources;
  const limitParam = Number.parseInt(ctx.query.get('limit') ?? '', 10);
  const limit = Number.isFinite(limitParam) && limitParam > 0 ? Math.min(limitParam, MAX_RESOURCES) : 100;
  const after = ctx.query.get('after');
  const start = after ? all.findIndex((r) => r.id === after) + 1 : 0;
  const page = all.slice(start, start + limit);
  const base = `${ctx.orgUrl}/api/v1/iam/resource-sets/${set.id}`;
  const next = start + limit < all.length ? { next: link(`${base}/resources?after=${page.at(-1)!.id}`) } : {};
  return json(200, {
    resources: page.map((r) => renderResource(ctx, set, r)),
    _links: { ...next, 'resource-set': link(base) },
  });
}

function saveResources(ctx: RequestContext, set: Stored, resources: Json[]): Stored {
  const updated: Stored = { ...set, resources, lastUpdated: oktaTimestamp() };
  ctx.state.iam.resourceSets.replace(updated);
  ctx.changed();
  return updated;
}

function addResources(ctx: RequestContext): HandlerResult {
  const set = getResourceSet(ctx);
  const body = readObjectBody(ctx);
  const updated = saveResources(ctx, set, [...set.resources, ...newResources(ctx, set, body.additions)]);
  return json(200, renderResourceSet(ctx, updated));
}

function addResource(ctx: RequestContext): HandlerResult {
  const set = getResourceSet(ctx);
  const body = readObjectBody(ctx);
  refuseConditions(body.conditions, 'resource');
  const orn = resourceOrn(ctx.state, parseIamResource(ctx, body.resourceOrnOrUrl));
  const existing = (set.resources as Json[]).find((r) => r.orn === orn);
  if (existing) return json(200, renderResource(ctx, set, existing));
  const [added] = newResources(ctx, set, [body.resourceOrnOrUrl]);
  saveResources(ctx, set, [...set.resources, added!]);
  return json(200, renderResource(ctx, set, added!));
}

function getResource(ctx: RequestContext): { set: Stored; resource: Json } {
  const set = getResourceSet(ctx);
  const resource = (set.resources as Json[]).find((r) => r.id === ctx.params.resourceId);
  if (!resource) throw notFound(`${ctx.params.resourceId} (ResourceSetResource)`);
  return { set, resource };
}

const S = '/api/v1/iam/resource-sets';
const SETS: IamKind = {
  items: (state) => state.iam.resourceSets,
  name: 'resource set',
  assignmentField: 'resource-set',
  path: S,
  param: 'resourceSetIdOrLabel',
  listKey: 'resource-sets',
  get: getResourceSet,
  render: renderResourceSet,
};
export const resourceSetRoutes: Route[] = iamRoutes(SETS, createResourceSet, {
  '/resources': { GET: listResources, POST: addResource, PATCH: addResources },
  '/resources/:resourceId': {
    GET: (ctx) => {
      const { set, resource } = getResource(ctx);
      return json(200, renderResource(ctx, set, resource));
    },
    PUT: (ctx) => {
      const { set, resource } = getResource(ctx);
      refuseConditions(readObjectBody(ctx).conditions, 'resource');
      return json(200, renderResource(ctx, set, resource));
    },
    DELETE: (ctx) => {
      const { set, resource } = getResource(ctx);
      saveResources(
        ctx,
        set,
        (set.resources as Json[]).filter((r) => r !== resource),
      );
      return noContent();
    },
  },
});
