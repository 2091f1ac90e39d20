import type { RequestContext } from './context.js';
import { validationError } from './errors.js';
import { orgId } from './org-metadata.js';
import type { EmulatorState } from './state.js';

/**
 * The resources a resource set can hold that the emulator models, from Okta's supported-resources table (roles
 * guide, "Supported resources"): each has an ORN and a REST URL form. Other resource types Okta supports (realms,
 * customizations, flows, ...) are refused with an error that says the emulator lacks them.
 */
export type IamResource =
  | { kind: 'users' }
  | { kind: 'groups' }
  | { kind: 'group'; id: string }
  | { kind: 'groupUsers'; id: string }
  | { kind: 'apps' }
  | { kind: 'appType'; appType: string }
  | { kind: 'app'; appType: string; id: string }
  | { kind: 'authServers' }
  | { kind: 'authServer'; id: string };

export function resourceOrn(state: EmulatorState, resource: IamResource): string {
  const org = orgId(state);
  switch (resource.kind) {
    case 'users':
      return `orn:okta:directory:${org}:users`;
    case 'groups':
      return `orn:okta:directory:${org}:groups`;
    case 'group':
      return `orn:okta:directory:${org}:groups:${resource.id}`;
    case 'groupUsers':
      return `orn:okta:directory:${org}:groups:${resource.id}:contained_resources`;
    case 'apps':
      return `orn:okta:idp:${org}:apps`;
    case 'appType':
      return `orn:okta:idp:${org}:apps:${resource.appType}`;
    case 'app':
      return `orn:okta:idp:${org}:apps:${resource.appType}:${resource.id}`;
    case 'authServers':
      return `orn:okta:idp:${org}:authorization_servers`;
    case 'authServer':
      return `orn:okta:idp:${org}:authorization_servers:${resource.id}`;
  }
}

export function resourceRestUrl(orgUrl: string, resource: IamResource): string {
  const api = `${orgUrl}/api/v1`;
  switch (resource.kind) {
    case 'users':
      return `${api}/users`;
    case 'groups':
      return `${api}/groups`;
    case 'group':
      return `${api}/groups/${resource.id}`;
    case 'groupUsers':
      return `${api}/groups/${resource.id}/users`;
    case 'apps':
      return `${api}/apps`;
    case 'appType':
      return `${api}/apps?filter=name+eq+%22${encodeURIComponent(resource.appType)}%22`;
    case 'app':
      return `${api}/apps/${resource.id}`;
    case 'authServers':
      return `${api}/authorizationServers`;
    case 'authServer':
      return `${api}/authorizationServers/${resource.id}`;
  }
}

function unsupported(value: string) {
  return validationError(
    'resources',
    `resources: '${value}' is not a resource the emulator can put in a resource set. It models all users, all groups, a group, ` +
      'the users of a group, all apps, apps of a type, an app, all authorization servers and an authorization server (as REST URLs or ORNs).',
  );
}

function fromOrn(state: EmulatorState, orn: string): IamResource | undefined {
  const parts = orn.split(':');
  if (parts[0] !== 'orn' || parts[1] !== 'okta' || parts[3] !== orgId(state)) return undefined;
  const [service, , type, a, b, ...rest] = parts.slice(2);
  if (rest.length > 0) return undefined;
  if (service === 'directory' && type === 'users' && a === undefined) return { kind: 'users' };
  if (service === 'directory' && type === 'groups') {
    if (a === undefined) return { kind: 'groups' };
    if (b === undefined) return { kind: 'group', id: a };
    if (b === 'contained_resources') return { kind: 'groupUsers', id: a };
  }
  if (service === 'idp' && type === 'apps') {
    if (a === undefined) return { kind: 'apps' };
    return b === undefined ? { kind: 'appType', appType: a } : { kind: 'app', appType: a, id: b };
  }
  if (service === 'idp' && type === 'authorization_servers' && b === undefined)
    return a === undefined ? { kind: 'authServers' } : { kind: 'authServer', id: a };
  return undefined;
}

function fromRestUrl(ctx: RequestContext, value: string): IamResource | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.origin !== ctx.orgUrl && url.origin !== ctx.requestOrigin) return undefined;
  const segments = url.pathname.replace(/\/+$/, '').split('/').slice(1);
  if (segments[0] !== 'api' || segments[1] !== 'v1') return undefined;
  const [collection, id, sub, ...rest] = segments.slice(2);
  if (rest.length > 0) return undefined;
  if (collection === 'users' && id === undefined) return { kind: 'users' };
  if (collection === 'groups') {
    if (id === undefined) return { kind: 'groups' };
    if (sub === undefined) return { kind: 'group', id };
    if (sub === 'users') return { kind: 'groupUsers', id };
  }
  if (collection === 'apps' && sub === undefined) {
    if (id !== undefined) return { kind: 'app', appType: String(ctx.state.apps.get(id)?.name ?? ''), id };
    const filter = url.searchParams.get('filter');
    if (filter === null) return { kind: 'apps' };
    const m = /^\s*name\s+eq\s+"([^"]+)"\s*$/.exec(filter);
    return m ? { kind: 'appType', appType: m[1]! } : undefined;
  }
  if (collection === 'authorizationServers' && sub === undefined)
    return id === undefined ? { kind: 'authServers' } : { kind: 'authServer', id };
  return undefined;
}

/** A resource set member given as an ORN or a REST URL of this org, naming objects that exist. */
export function parseIamResource(ctx: RequestContext, value: unknown): IamResource {
  if (typeof value !== 'string' || value.trim() === '')
    throw validationError('resources', 'resources: Each resource must be an ORN or a REST URL.');
  const resource = value.startsWith('orn:') ? fromOrn(ctx.state, value) : fromRestUrl(ctx, value);
  if (!resource) throw unsupported(value);
  const exists =
    resource.kind === 'group' || resource.kind === 'groupUsers'
      ? ctx.state.groups.has(resource.id)
      : resource.kind === 'app'
        ? ctx.state.apps.get(resource.id)?.name === resource.appType
        : resource.kind === 'authServer'
          ? ctx.state.authServers.has(resource.id)
          : true;
  if (!exists) throw validationError('resources', `resources: '${value}' does not identify an object in this org.`);
  return resource;
}

/** The stored ORN back to its resource (undefined for an ORN of another org). */
export function iamResourceOfOrn(state: EmulatorState, orn: string): IamResource | undefined {
  return fromOrn(state, orn);
}
