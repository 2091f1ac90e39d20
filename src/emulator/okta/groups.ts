import { link, type RequestContext, type Route } from './context.js';
import { pathObject, validationError } from './errors.js';
import { isObject, json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { newId, oktaTimestamp } from './ids.js';
import { pageRequest, paginate } from './pagination.js';
import { matches, parseExpression } from './search.js';
import { childCollection, type Stored } from './state.js';
import { assertGroupModifiable, isBuiltInGroup } from './everyone-group.js';
import { getUser, renderUser } from './users.js';
import { readObjectBody, requireString } from './validation.js';
import { collectionRoutes } from './resource-routes.js';

function getGroup(ctx: RequestContext): Stored {
  return pathObject(ctx, 'groupId', 'UserGroup', (id) => ctx.state.groups.get(id));
}

function renderGroup(ctx: RequestContext, group: Stored): Json {
  const base = `${ctx.orgUrl}/api/v1/groups/${group.id}`;
  return {
    ...structuredClone(group),
    _links: {
      logo: [
        { name: 'medium', href: `${ctx.orgUrl}/img/logos/groups/okta-medium.png`, type: 'image/png' },
        { name: 'large', href: `${ctx.orgUrl}/img/logos/groups/okta-large.png`, type: 'image/png' },
      ],
      users: link(`${base}/users`),
      apps: link(`${base}/apps`),
    },
  };
}

function validateGroup(ctx: RequestContext, body: Json, exceptId?: string): Json {
  const profile: Json = isObject(body.profile) ? body.profile : {};
  const name = requireString(profile.name, 'name');
  if (ctx.state.groups.find((g) => g.id !== exceptId && g.profile.name === name)) {
    throw validationError('name', 'name: An object with this field already exists in the current organization');
  }
  return { ...profile, name };
}

/** A new OKTA_GROUP as Okta fills it in (createGroup), made at `now`. */
export function newGroup(profile: Json, now: string): Stored {
  return {
    id: newId('group'),
    created: now,
    lastUpdated: now,
    lastMembershipUpdated: now,
    objectClass: ['okta:user_group'],
    type: 'OKTA_GROUP',
    profile,
  };
}

function createGroup(ctx: RequestContext): HandlerResult {
  const profile = validateGroup(ctx, readObjectBody(ctx));
  const group = newGroup(profile, oktaTimestamp());
  ctx.state.groups.add(group);
  ctx.changed();
  return json(200, renderGroup(ctx, group));
}

function replaceGroup(ctx: RequestContext): HandlerResult {
  const group = getGroup(ctx);
  assertGroupModifiable(group);
  const updated: Stored = {
    ...group,
    profile: validateGroup(ctx, readObjectBody(ctx), group.id),
    lastUpdated: oktaTimestamp(),
  };
  ctx.state.groups.replace(updated);
  ctx.changed();
  return json(200, renderGroup(ctx, updated));
}

function listGroups(ctx: RequestContext): HandlerResult {
  const q = ctx.query.get('q')?.toLowerCase();
  const text = ctx.query.get('search') ?? ctx.query.get('filter');
  const expression = text ? parseExpression(text, ctx.query.has('search') ? 'search' : 'filter') : undefined;
  const predicate = (g: Stored) =>
    (!q || String(g.profile.name).toLowerCase().startsWith(q)) && (!expression || matches(g, expression));
  const page = paginate(ctx.state.groups, ctx.url, pageRequest(ctx.query, 10_000, 10_000), predicate);
  return json(
    200,
    page.items.map((g) => renderGroup(ctx, g)),
    { Link: page.links },
  );
}

function deleteGroup(ctx: RequestContext): HandlerResult {
  const group = getGroup(ctx);
  assertGroupModifiable(group);
  ctx.state.groups.delete(group.id);
  ctx.state.groupMembers.delete(group.id);
  ctx.changed();
  return noContent();
}

function touchMembership(ctx: RequestContext, group: Stored): void {
  ctx.state.groups.replace({ ...group, lastMembershipUpdated: oktaTimestamp() });
  ctx.changed();
}

function addMember(ctx: RequestContext): HandlerResult {
  const group = getGroup(ctx);
  assertGroupModifiable(group);
  const user = getUser(ctx);
  const members = childCollection(ctx.state.groupMembers, group.id);
  if (!members.has(user.id)) {
    members.add({ id: user.id });
    touchMembership(ctx, group);
  }
  return noContent();
}

function removeMember(ctx: RequestContext): HandlerResult {
  const group = getGroup(ctx);
  assertGroupModifiable(group);
  const user = getUser(ctx);
  if (childCollection(ctx.state.groupMembers, group.id).delete(user.id)) touchMembership(ctx, group);
  return noContent();
}

function listMembers(ctx: RequestContext): HandlerResult {
  const group = getGroup(ctx);
  const members = isBuiltInGroup(group) ? ctx.state.users : childCollection(ctx.state.groupMembers, group.id);
  const page = paginate<{ id: string }>(members, ctx.url, pageRequest(ctx.query, 1000, 1000));
  const users = page.items.map((m) => ctx.state.users.get(m.id)).filter((u): u is Stored => u !== undefined);
  return json(
    200,
    users.map((u) => renderUser(ctx, u)),
    { Link: page.links },
  );
}

export const groupRoutes: Route[] = collectionRoutes(
  'okta.groups',
  '/api/v1/groups',
  'groupId',
  {
    list: listGroups,
    create: createGroup,
    get: (ctx) => json(200, renderGroup(ctx, getGroup(ctx))),
    replace: replaceGroup,
    delete: deleteGroup,
  },
  {
    '/users': { GET: listMembers },
    '/users/:userId': { PUT: addMember, DELETE: removeMember },
  },
);
