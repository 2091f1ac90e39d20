import { OrderedCollection } from './collection.js';
import type { Json } from '../core/http-io.js';
import { deserializeIam, newIamState, serializeIam, type IamState } from './iam-state.js';
import { newSigningKey, type SigningKey } from './keys.js';

export type Stored = Json & { id: string };

export interface ClientSecret {
  id: string;
  status: 'ACTIVE' | 'INACTIVE';
  secret: string;
  secret_hash: string;
  created: string;
  lastUpdated: string;
}

export interface ScopeGrant {
  id: string;
  issuer: string;
  scopeId: string;
  status: 'ACTIVE' | 'REVOKED';
  source: 'ADMIN' | 'END_USER';
  created: string;
  lastUpdated: string;
}

/**
 * Everything the org holds. Okta-shaped objects are stored without `_links` and other values that depend on
 * the URL the emulator listens on, since that changes between runs (port 0).
 */
export interface EmulatorState {
  orgKey: SigningKey;
  apps: OrderedCollection<Stored>;
  appSecrets: Map<string, ClientSecret[]>;
  appGrants: Map<string, ScopeGrant[]>;
  /** admin role assignments of service apps, by app id */
  clientRoles: Map<string, Stored[]>;
  authServers: OrderedCollection<Stored>;
  authServerKeys: Map<string, SigningKey[]>;
  scopes: Map<string, OrderedCollection<Stored>>;
  claims: Map<string, OrderedCollection<Stored>>;
  policies: Map<string, OrderedCollection<Stored>>;
  rules: Map<string, OrderedCollection<Stored>>;
  inlineHooks: OrderedCollection<Stored>;
  inlineHookAuthValues: Map<string, string>;
  users: OrderedCollection<Stored>;
  userIdByLogin: Map<string, string>;
  groups: OrderedCollection<Stored>;
  groupMembers: Map<string, OrderedCollection<{ id: string }>>;
  /** client assertion jti -> expiry (epoch seconds), for replay detection */
  usedAssertionIds: Map<string, number>;
  /** access token jti -> expiry (epoch seconds) */
  revokedTokenIds: Map<string, number>;
  /** custom admin roles and resource sets */
  iam: IamState;
  /** SSWS API token metadata (a hash of each token, never the token), see api-tokens.ts */
  apiTokens: Stored[];
}

export async function newState(): Promise<EmulatorState> {
  return {
    orgKey: await newSigningKey(),
    apps: new OrderedCollection(),
    appSecrets: new Map(),
    appGrants: new Map(),
    clientRoles: new Map(),
    authServers: new OrderedCollection(),
    authServerKeys: new Map(),
    scopes: new Map(),
    claims: new Map(),
    policies: new Map(),
    rules: new Map(),
    inlineHooks: new OrderedCollection(),
    inlineHookAuthValues: new Map(),
    users: new OrderedCollection(),
    userIdByLogin: new Map(),
    groups: new OrderedCollection(),
    groupMembers: new Map(),
    usedAssertionIds: new Map(),
    revokedTokenIds: new Map(),
    iam: newIamState(),
    apiTokens: [],
  };
}

/** Get-or-create for the per-parent collections (scopes of a server, rules of a policy, ...). */
export function childCollection<T extends { id: string }>(
  map: Map<string, OrderedCollection<T>>,
  parentId: string,
): OrderedCollection<T> {
  let collection = map.get(parentId);
  if (!collection) {
    collection = new OrderedCollection<T>();
    map.set(parentId, collection);
  }
  return collection;
}

const STATE_VERSION = 1;

export function serializeState(state: EmulatorState): string {
  const collections = <T extends { id: string }>(map: Map<string, OrderedCollection<T>>) =>
    Object.fromEntries([...map].map(([k, v]) => [k, v.values()]));
  return JSON.stringify({
    version: STATE_VERSION,
    orgKey: state.orgKey,
    apps: state.apps.values(),
    appSecrets: Object.fromEntries(state.appSecrets),
    appGrants: Object.fromEntries(state.appGrants),
    clientRoles: Object.fromEntries(state.clientRoles),
    authServers: state.authServers.values(),
    authServerKeys: Object.fromEntries(state.authServerKeys),
    scopes: collections(state.scopes),
    claims: collections(state.claims),
    policies: collections(state.policies),
    rules: collections(state.rules),
    inlineHooks: state.inlineHooks.values(),
    inlineHookAuthValues: Object.fromEntries(state.inlineHookAuthValues),
    users: state.users.values(),
    groups: state.groups.values(),
    groupMembers: Object.fromEntries([...state.groupMembers].map(([k, v]) => [k, v.values().map((m) => m.id)])),
    usedAssertionIds: Object.fromEntries(state.usedAssertionIds),
    revokedTokenIds: Object.fromEntries(state.revokedTokenIds),
    iam: serializeIam(state.iam),
    apiTokens: state.apiTokens,
  });
}

export function deserializeState(text: string): EmulatorState {
  const raw = JSON.parse(text) as Json;
  if (raw.version !== STATE_VERSION) throw new Error(`unsupported emulator state version ${String(raw.version)}`);
  const collections = (obj: Record<string, Stored[]> = {}) =>
    new Map(Object.entries(obj).map(([k, v]) => [k, new OrderedCollection(v)]));
  const users = new OrderedCollection<Stored>(raw.users ?? []);
  return {
    orgKey: raw.orgKey,
    apps: new OrderedCollection(raw.apps ?? []),
    appSecrets: new Map(Object.entries(raw.appSecrets ?? {})),
    appGrants: new Map(Object.entries(raw.appGrants ?? {})),
    clientRoles: new Map(Object.entries(raw.clientRoles ?? {})),
    authServers: new OrderedCollection(raw.authServers ?? []),
    authServerKeys: new Map(Object.entries(raw.authServerKeys ?? {})),
    scopes: collections(raw.scopes),
    claims: collections(raw.claims),
    policies: collections(raw.policies),
    rules: collections(raw.rules),
    inlineHooks: new OrderedCollection(raw.inlineHooks ?? []),
    inlineHookAuthValues: new Map(Object.entries(raw.inlineHookAuthValues ?? {})),
    users,
    userIdByLogin: new Map(users.values().map((u) => [String(u.profile?.login ?? '').toLowerCase(), u.id])),
    groups: new OrderedCollection(raw.groups ?? []),
    groupMembers: new Map(
      Object.entries((raw.groupMembers ?? {}) as Record<string, string[]>).map(([k, ids]) => [
        k,
        new OrderedCollection(ids.map((id) => ({ id }))),
      ]),
    ),
    usedAssertionIds: new Map(Object.entries(raw.usedAssertionIds ?? {})),
    revokedTokenIds: new Map(Object.entries(raw.revokedTokenIds ?? {})),
    iam: deserializeIam(raw.iam),
    apiTokens: raw.apiTokens ?? [],
  };
}
