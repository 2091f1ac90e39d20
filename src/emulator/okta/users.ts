import { lifecycleLink, link, type RequestContext, type Route } from './context.js';
import { notFound, OktaError, validationError } from './errors.js';
import { isObject, json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { newId, oktaTimestamp } from './ids.js';
import { linkHeaders, pageRequest, paginate } from './pagination.js';
import { matches, parseExpression, singleEquality } from './search.js';
import type { EmulatorState, Stored } from './state.js';
import { readObjectBody } from './validation.js';
import { collectionRoutes } from './resource-routes.js';

const REQUIRED_PROFILE = ['firstName', 'lastName', 'email', 'login'];
const DEFAULT_USER_TYPE = 'otyemulatordefault00';

export function findUser(state: EmulatorState, idOrLogin: string): Stored | undefined {
  return state.users.get(idOrLogin) ?? state.users.get(state.userIdByLogin.get(idOrLogin.toLowerCase()) ?? '');
}

export function getUser(ctx: RequestContext, idOrLogin = ctx.params.userId!): Stored {
  const user = findUser(ctx.state, idOrLogin);
  if (!user) throw notFound(`${idOrLogin} (User)`);
  return user;
}

export function renderUser(ctx: RequestContext, user: Stored): Json {
  const base = `${ctx.orgUrl}/api/v1/users/${user.id}`;
  return {
    ...structuredClone(user),
    _links: {
      self: link(base),
      ...lifecycleLink(base, user.status !== 'STAGED' && user.status !== 'DEPROVISIONED'),
      type: link(`${ctx.orgUrl}/api/v1/meta/types/user/${DEFAULT_USER_TYPE}`),
      schema: link(`${ctx.orgUrl}/api/v1/meta/schemas/user/osc${DEFAULT_USER_TYPE.slice(3)}`),
    },
  };
}

function validateProfile(body: Json): Json {
  const profile: Json = isObject(body.profile) ? body.profile : {};
  const missing = REQUIRED_PROFILE.filter((f) => typeof profile[f] !== 'string' || profile[f].trim() === '');
  if (missing.length) throw validationError('User', ...missing.map((f) => `${f}: The field cannot be left blank`));
  if (!/^[^@\s]+@[^@\s]+$/.test(profile.email)) throw validationError('User', 'email: Does not match required pattern');
  return { ...profile };
}

function createUser(ctx: RequestContext): HandlerResult {
  const body = readObjectBody(ctx);
  const profile = validateProfile(body);
  const loginKey = String(profile.login).toLowerCase();
  if (ctx.state.userIdByLogin.has(loginKey)) {
    throw validationError('User', 'login: An object with this field already exists in the current organization');
  }
  const activate = ctx.query.get('activate') !== 'false';
  // Okta (createUser, "Create a user without credentials"): activate=true without a password makes the user
  // PROVISIONED and e-mails an activation link; only with a password (or an identity provider) is the user ACTIVE.
  const hasPassword =
    isObject(body.credentials) &&
    isObject(body.credentials.password) &&
    typeof body.credentials.password.value === 'string';
  const now = oktaTimestamp();
  const user: Stored = {
    id: newId('user'),
    status: activate ? (hasPassword ? 'ACTIVE' : 'PROVISIONED') : 'STAGED',
    created: now,
    activated: activate ? now : null,
    statusChanged: activate ? now : null,
    lastLogin: null,
    lastUpdated: now,
    passwordChanged: null,
    type: { id: DEFAULT_USER_TYPE },
    profile,
    credentials: { ...(hasPassword ? { password: {} } : {}), provider: { type: 'OKTA', name: 'OKTA' } },
  };
  ctx.state.users.add(user);
  ctx.state.userIdByLogin.set(loginKey, user.id);
  ctx.changed();
  return json(200, renderUser(ctx, user));
}

function updateUser(ctx: RequestContext): HandlerResult {
  const user = getUser(ctx);
  const body = readObjectBody(ctx);
  // POST is a partial profile update, PUT replaces the profile.
  const profile = validateProfile(
    ctx.method === 'POST' ? { profile: { ...user.profile, ...(body.profile ?? {}) } } : body,
  );
  const oldKey = String(user.profile.login).toLowerCase();
  const newKey = String(profile.login).toLowerCase();
  if (newKey !== oldKey && ctx.state.userIdByLogin.has(newKey)) {
    throw validationError('User', 'login: An object with this field already exists in the current organization');
  }
  const updated: Stored = { ...user, profile, lastUpdated: oktaTimestamp() };
  ctx.state.users.replace(updated);
  ctx.state.userIdByLogin.delete(oldKey);
  ctx.state.userIdByLogin.set(newKey, user.id);
  ctx.changed();
  return json(200, renderUser(ctx, updated));
}

function listUsers(ctx: RequestContext): HandlerResult {
  // Okta pages users by 200, but by 10 when `q` is given.
  const request = pageRequest(ctx.query, ctx.query.has('q') ? 10 : 200, 200);
  const q = ctx.query.get('q')?.toLowerCase();
  const text = ctx.query.get('search') ?? ctx.query.get('filter');
  const expression = text ? parseExpression(text, ctx.query.has('search') ? 'search' : 'filter') : undefined;
  const equality = expression && singleEquality(expression);
  if (equality && (equality.field === 'profile.login' || equality.field === 'id')) {
    // Answer the common exact lookups from the index instead of scanning every user.
    const user = equality.field === 'id' ? ctx.state.users.get(equality.value) : findUser(ctx.state, equality.value);
    const found =
      user && (equality.field === 'id' || String(user.profile.login).toLowerCase() === equality.value.toLowerCase())
        ? [user]
        : [];
    return json(
      200,
      found.map((u) => renderUser(ctx, u)),
      { Link: linkHeaders(ctx.url, undefined) },
    );
  }
  const predicate = (user: Stored) => {
    // Without a status filter Okta leaves deprovisioned users out of list results.
    if (!expression && user.status === 'DEPROVISIONED') return false;
    if (
      q &&
      !['firstName', 'lastName', 'email'].some((f) =>
        String(user.profile[f] ?? '')
          .toLowerCase()
          .startsWith(q),
      )
    )
      return false;
    return !expression || matches(user, expression);
  };
  const page = paginate(ctx.state.users, ctx.url, request, predicate);
  return json(
    200,
    page.items.map((u) => renderUser(ctx, u)),
    { Link: page.links },
  );
}

function setUserStatus(status: 'ACTIVE' | 'DEPROVISIONED') {
  return (ctx: RequestContext): HandlerResult => {
    const user = getUser(ctx);
    if (status === 'ACTIVE' && (user.status === 'ACTIVE' || user.status === 'PROVISIONED'))
      throw new OktaError(403, 'E0000016', 'Activation failed because the user is already active');
    const now = oktaTimestamp();
    // Activating a user without a password leaves it PROVISIONED until the user follows the e-mailed link.
    const next = status === 'ACTIVE' && !user.credentials?.password ? 'PROVISIONED' : status;
    ctx.state.users.replace({
      ...user,
      status: next,
      statusChanged: now,
      lastUpdated: now,
      ...(next !== 'DEPROVISIONED' ? { activated: now } : {}),
    });
    ctx.changed();
    return json(200, {});
  };
}

/** Like Okta: deleting an active user deactivates it; deleting a deprovisioned user removes it. */
function deleteUser(ctx: RequestContext): HandlerResult {
  const user = getUser(ctx);
  const now = oktaTimestamp();
  if (user.status !== 'DEPROVISIONED') {
    ctx.state.users.replace({ ...user, status: 'DEPROVISIONED', statusChanged: now, lastUpdated: now });
  } else {
    ctx.state.users.delete(user.id);
    ctx.state.userIdByLogin.delete(String(user.profile.login).toLowerCase());
    for (const members of ctx.state.groupMembers.values()) members.delete(user.id);
  }
  ctx.changed();
  return noContent();
}

export const userRoutes: Route[] = collectionRoutes('okta.users', '/api/v1/users', 'userId', {
  list: listUsers,
  create: createUser,
  get: (ctx) => json(200, renderUser(ctx, getUser(ctx))),
  replace: updateUser,
  update: updateUser,
  delete: deleteUser,
  activate: setUserStatus('ACTIVE'),
  deactivate: setUserStatus('DEPROVISIONED'),
});
