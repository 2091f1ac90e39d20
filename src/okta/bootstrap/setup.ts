import { generateKeyPairSync } from 'node:crypto';
import type { BootstrapRecord } from '../../config/profiles.js';
import { AuthError } from '../../errors.js';
import { keyDpopProver } from '../../oauth/dpop.js';
import { registerSecret } from '../../secrets/redact.js';
import { secretRefs } from '../../secrets/refs.js';
import type { SecretStore } from '../../secrets/store.js';
import { createChecked, forReplace } from '../setup/apply.js';
import {
  clientIdOf,
  createApp,
  deleteApp,
  desiredApp,
  findAppsByLabel,
  getApp,
  isServiceApp,
  jwkIdsOf,
  replaceApp,
} from '../resources/apps.js';
import { createOktaClient, type ClientOptions, type OktaClient } from '../client.js';
import { oktaCall } from '../errors.js';
import {
  addAppKey,
  addRolePermission,
  assignClientRole,
  createCustomRole,
  createResourceSet,
  deleteCustomRole,
  deleteResourceSet,
  findCustomRole,
  findResourceSet,
  grantScope,
  listClientRoles,
  listGrants,
  listResourceSetResources,
  listRolePermissions,
  revokeGrant,
  unassignClientRole,
  type CustomRole,
  type ResourceSet,
  type RoleAssignment,
  type ScopeGrant,
} from '../resources/iam.js';
import { generateClientKeyPair, publicJwkOf } from '../keys.js';
import { diffField, itemFor, planOf, type Change, type Plan, type PlanItem } from '../../reconcile/plan.js';
import type { OktaApp } from '../types.js';
import { bootstrapLabel, customRoleFor, readsFor } from './scopes.js';

/**
 * `login --oauth --bootstrap`: okta-m2m's own service app, made with an admin's API token: the app with a key
 * pair (the private key in the keychain), the okta.* scope grants, and the least admin role that allows them (a
 * custom role over a resource set of what they touch, or a standard role when asked). Each object is found again
 * by the id the profile records, else by its label, so a re-run changes nothing and an interrupted run resumes.
 */
interface BootstrapInput {
  profile: string;
  orgUrl: string;
  scopes: string[];
  /** A standard admin role instead of the custom one. */
  standardRole?: string | undefined;
  dpop: boolean;
  record: BootstrapRecord | undefined;
}

export interface BootstrapObserved {
  app?: OktaApp;
  /** The key pair in the keychain, and whether the app holds its public key. */
  storedKey?: string;
  keyOnApp: boolean;
  grants: ScopeGrant[];
  resourceSet?: ResourceSet;
  resourceSetResources: string[];
  role?: CustomRole;
  rolePermissions: string[];
  assignments: RoleAssignment[];
}

export async function observeBootstrap(
  admin: OktaClient,
  input: BootstrapInput,
  secrets: SecretStore,
): Promise<BootstrapObserved> {
  const label = bootstrapLabel(input.profile);
  const app = await findOwnApp(admin, label, input.record?.appId);
  const storedKey = await secrets.get(secretRefs.oktaPrivateKey(input.profile));
  const kid = storedKey ? (await publicJwkOf(storedKey)).kid : undefined;
  const observed: BootstrapObserved = {
    keyOnApp: Boolean(app && kid && jwkIdsOf(app).includes(kid)),
    grants: [],
    resourceSetResources: [],
    rolePermissions: [],
    assignments: [],
  };
  if (storedKey) observed.storedKey = storedKey;
  if (app?.id) observed.app = app;
  Object.assign(observed, await observeAccess(admin, { ...input, label }, app));
  return observed;
}

/** The okta.* grants and admin role of an app (and the custom role and resource set by recorded id or label). */
interface AccessInput {
  label: string;
  orgUrl: string;
  scopes: string[];
  standardRole?: string | undefined;
  record: BootstrapRecord | undefined;
}

export type ObservedAccess = Pick<
  BootstrapObserved,
  'grants' | 'resourceSet' | 'resourceSetResources' | 'role' | 'rolePermissions' | 'assignments'
>;

export async function observeAccess(
  admin: OktaClient,
  input: AccessInput,
  app: OktaApp | undefined,
): Promise<ObservedAccess> {
  const observed: ObservedAccess = { grants: [], resourceSetResources: [], rolePermissions: [], assignments: [] };
  if (app?.id) {
    const clientId = clientIdOf(app) as string;
    const [grants, assignments] = await Promise.all([listGrants(admin, app.id), listClientRoles(admin, clientId)]);
    observed.grants = grants.filter((g) => g.status !== 'REVOKED');
    observed.assignments = assignments;
  }
  if (!input.standardRole) {
    const [set, role] = await Promise.all([
      findResourceSet(admin, input.record?.resourceSetId ?? input.label),
      findCustomRole(admin, input.record?.roleId ?? input.label),
    ]);
    if (set?.id) {
      observed.resourceSet = set;
      observed.resourceSetResources = await listResourceSetResources(admin, set.id);
    }
    if (role?.id) {
      observed.role = role;
      observed.rolePermissions = await listRolePermissions(admin, role.id);
    }
  }
  return observed;
}

export async function findOwnApp(
  admin: OktaClient,
  label: string,
  appId: string | undefined,
): Promise<OktaApp | undefined> {
  if (appId) {
    const app = await getApp(admin, appId);
    if (app && app.status !== 'DELETED') return app;
  }
  return (await findAppsByLabel(admin, label)).filter(isServiceApp)[0];
}

function dpopOf(app: OktaApp): boolean {
  return app.settings?.oauthClient?.dpop_bound_access_tokens === true;
}

function appChanges(input: BootstrapInput, app: OktaApp): Change[] {
  const changes: Change[] = [];
  diffField(
    changes,
    'token_endpoint_auth_method',
    app.credentials?.oauthClient?.token_endpoint_auth_method,
    'private_key_jwt',
  );
  diffField(changes, 'dpop_bound_access_tokens', dpopOf(app), input.dpop);
  diffField(changes, 'status', app.status, 'ACTIVE');
  return changes;
}

function item(
  kind: PlanItem['kind'],
  name: string,
  existing: { id?: string | undefined } | undefined,
  changes: Change[] = [],
): PlanItem {
  return itemFor(kind, name, existing, changes);
}

function assignmentOf(input: Pick<AccessInput, 'standardRole'>, observed: ObservedAccess): RoleAssignment | undefined {
  if (input.standardRole) return observed.assignments.find((a) => a.type === input.standardRole);
  const roleId = observed.role?.id;
  const setId = observed.resourceSet?.id;
  if (!roleId || !setId) return undefined;
  return observed.assignments.find((a) => a.type === 'CUSTOM' && a.role === roleId && a['resource-set'] === setId);
}

/** The plan: pure. */
export function planBootstrap(input: BootstrapInput, observed: BootstrapObserved): Plan {
  const label = bootstrapLabel(input.profile);
  const items: PlanItem[] = [];
  items.push(item('app', label, observed.app, observed.app ? appChanges(input, observed.app) : []));
  const keyAction = observed.keyOnApp ? 'unchanged' : observed.app ? 'update' : 'create';
  items.push({
    kind: 'credential',
    name: 'key pair',
    action: keyAction,
    ownership: 'ours',
    changes: [],
    ...(keyAction === 'update' ? { notes: ['the key in the keychain is not on the app: it will be added'] } : {}),
  });
  items.push(...planAccess({ ...input, label }, observed));
  return planOf(items);
}

/** The grants and the role: pure. */
export function planAccess(input: AccessInput, observed: ObservedAccess): PlanItem[] {
  const label = input.label;
  const items: PlanItem[] = [];
  for (const scope of input.scopes) {
    const grant = observed.grants.find((g) => g.scopeId === scope);
    items.push(item('grant', scope, grant));
  }
  const recorded = input.record?.grantIds ?? {};
  for (const grant of observed.grants) {
    if (grant.scopeId && !input.scopes.includes(grant.scopeId) && grant.id && recorded[grant.scopeId] === grant.id) {
      items.push({
        kind: 'grant',
        name: grant.scopeId,
        id: grant.id,
        action: 'delete',
        ownership: 'ours',
        changes: [],
        notes: ['no longer in --scopes'],
      });
    }
  }
  if (!input.standardRole) {
    const wanted = customRoleFor(input.scopes, input.orgUrl);
    const missingResources = wanted.resources.filter((r) => !observed.resourceSetResources.includes(r));
    const resourceChanges: Change[] = missingResources.length
      ? [{ field: 'resources', from: observed.resourceSetResources, to: wanted.resources }]
      : [];
    items.push(item('resourceSet', label, observed.resourceSet, observed.resourceSet ? resourceChanges : []));
    const missingPermissions = wanted.permissions.filter((p) => !observed.rolePermissions.includes(p));
    const permissionChanges: Change[] = missingPermissions.length
      ? [{ field: 'permissions', from: observed.rolePermissions, to: wanted.permissions }]
      : [];
    items.push(item('customRole', label, observed.role, observed.role ? permissionChanges : []));
  }
  const roleName = input.standardRole ?? label;
  items.push(item('roleAssignment', roleName, assignmentOf(input, observed)));
  return items;
}

export interface ApplyEvent {
  kind: PlanItem['kind'];
  name: string;
  action: 'created' | 'adopted' | 'updated' | 'deleted';
  id?: string | undefined;
}

interface BootstrapContext {
  admin: OktaClient;
  secrets: SecretStore;
  /** Records what was made, after each step (an interrupted run finds it again). */
  save(record: BootstrapRecord): Promise<void>;
  report(event: ApplyEvent): void;
}

/** Creates (or adopts what an earlier run made, see createChecked) and reports which it was. */
async function createReported<T extends { id?: string | undefined }>(
  ctx: Pick<BootstrapContext, 'report'>,
  kind: ApplyEvent['kind'],
  name: string,
  create: () => Promise<T>,
  find: () => Promise<T | undefined>,
): Promise<T> {
  const made = await createChecked(create, find);
  ctx.report({ kind, name, action: made.adopted ? 'adopted' : 'created', id: made.value.id });
  return made.value;
}

interface BootstrapResult {
  clientId: string;
  keyId: string;
  privateKey: string;
  record: BootstrapRecord;
}

export async function applyBootstrap(
  ctx: BootstrapContext,
  input: BootstrapInput,
  observed: BootstrapObserved,
): Promise<BootstrapResult> {
  const label = bootstrapLabel(input.profile);
  let record: BootstrapRecord = { ...(input.record ?? {}) };
  const save = async (patch: Partial<BootstrapRecord>) => {
    record = { ...record, ...patch };
    await ctx.save(record);
  };

  // The key first: kept in the keychain before Okta trusts it (a trusted key we lost would be useless).
  let privateKey = observed.storedKey;
  if (!privateKey) {
    const pair = await generateClientKeyPair();
    registerSecret(pair.privateKeyPem);
    await ctx.secrets.set(secretRefs.oktaPrivateKey(input.profile), pair.privateKeyPem);
    privateKey = pair.privateKeyPem;
  }
  const jwk = await publicJwkOf(privateKey);

  let app = observed.app;
  if (!app?.id) {
    const desired = desiredApp(label, 'private_key_jwt', jwk);
    if (desired.settings?.oauthClient) desired.settings.oauthClient.dpop_bound_access_tokens = input.dpop;
    app = await createReported(
      ctx,
      'app',
      label,
      () => createApp(ctx.admin, desired),
      async () => (await findAppsByLabel(ctx.admin, label)).filter(isServiceApp)[0],
    );
  } else {
    if (appChanges(input, app).length) {
      const body = forReplace(app);
      body.credentials = {
        ...(body.credentials ?? {}),
        oauthClient: { ...(body.credentials?.oauthClient ?? {}), token_endpoint_auth_method: 'private_key_jwt' },
      };
      body.settings = {
        ...(body.settings ?? {}),
        oauthClient: { ...(body.settings?.oauthClient ?? {}), dpop_bound_access_tokens: input.dpop },
      };
      app = await replaceApp(ctx.admin, app.id, body);
      ctx.report({ kind: 'app', name: label, action: 'updated', id: app.id });
    }
  }
  const appId = app.id as string;
  const clientId = clientIdOf(app) as string;
  await save({ appId, clientId });
  if (!jwkIdsOf(app).includes(jwk.kid)) {
    await addAppKey(ctx.admin, appId, jwk);
    ctx.report({ kind: 'credential', name: 'key pair', action: 'updated', id: jwk.kid });
  }

  record = await applyAccess(
    { ...ctx, save },
    { ...input, label, record },
    accessOfApp(observed, appId),
    appId,
    clientId,
  );
  return { clientId, keyId: jwk.kid, privateKey, record };
}

/** What was observed of an app's access, when the app is the one observed (a new app has no grants or roles yet). */
export function accessOfApp(observed: ObservedAccess & { app?: OktaApp | undefined }, appId: string): ObservedAccess {
  if (observed.app?.id === appId) return observed;
  return { ...observed, grants: [], assignments: [] };
}

/** Grants exactly the scopes (revoking those it granted that are no longer wanted), then the admin role. */
export async function applyAccess(
  ctx: Pick<BootstrapContext, 'admin' | 'report'> & { save(patch: Partial<BootstrapRecord>): Promise<void> },
  input: AccessInput,
  observed: ObservedAccess,
  appId: string,
  clientId: string,
): Promise<BootstrapRecord> {
  const label = input.label;
  let record: BootstrapRecord = { ...(input.record ?? {}) };
  const save = async (patch: Partial<BootstrapRecord>) => {
    record = { ...record, ...patch };
    await ctx.save(patch);
  };
  // Grants.
  const grantIds: Record<string, string> = { ...(record.grantIds ?? {}) };
  for (const scope of input.scopes) {
    const existing = observed.grants.find((g) => g.scopeId === scope);
    if (existing?.id) {
      grantIds[scope] = existing.id;
      continue;
    }
    const grant = await grantScope(ctx.admin, appId, scope);
    if (grant.id) grantIds[scope] = grant.id;
    await save({ grantIds });
    ctx.report({ kind: 'grant', name: scope, action: 'created', id: grant.id });
  }
  for (const grant of observed.grants) {
    const scope = grant.scopeId;
    if (!scope || input.scopes.includes(scope) || !grant.id || record.grantIds?.[scope] !== grant.id) continue;
    await revokeGrant(ctx.admin, appId, grant.id);
    delete grantIds[scope];
    ctx.report({ kind: 'grant', name: scope, action: 'deleted', id: grant.id });
  }
  await save({ grantIds });

  // The admin role.
  if (input.standardRole) {
    let assignment = assignmentOf(input, observed);
    if (!assignment?.id) {
      assignment = await assignClientRole(ctx.admin, clientId, { type: input.standardRole });
      ctx.report({ kind: 'roleAssignment', name: input.standardRole, action: 'created', id: assignment.id });
    }
    await save({ standardRole: input.standardRole, ...(assignment.id ? { assignmentId: assignment.id } : {}) });
  } else {
    const wanted = customRoleFor(input.scopes, input.orgUrl);
    const description = `okta-m2m: ${input.label}, what ${input.scopes.join(' ')} reach`;
    let set = observed.resourceSet;
    if (!set?.id) {
      set = await createReported(
        ctx,
        'resourceSet',
        label,
        () => createResourceSet(ctx.admin, label, description, wanted.resources),
        () => findResourceSet(ctx.admin, label),
      );
    } else {
      const missing = wanted.resources.filter((r) => !observed.resourceSetResources.includes(r));
      if (missing.length) {
        await oktaCall('add resources to the resource set', 'PATCH', () =>
          ctx.admin.call('PATCH', `/api/v1/iam/resource-sets/${encodeURIComponent(set?.id as string)}/resources`, {
            body: { additions: missing },
          }),
        );
        ctx.report({ kind: 'resourceSet', name: label, action: 'updated', id: set.id });
      }
    }
    const setId = set.id as string;
    await save({ resourceSetId: setId });
    let role = observed.role;
    if (!role?.id) {
      role = await createReported(
        ctx,
        'customRole',
        label,
        () => createCustomRole(ctx.admin, label, description, wanted.permissions),
        () => findCustomRole(ctx.admin, label),
      );
    } else {
      for (const permission of wanted.permissions.filter((p) => !observed.rolePermissions.includes(p))) {
        await addRolePermission(ctx.admin, role.id, permission);
        ctx.report({ kind: 'customRole', name: `${label}: ${permission}`, action: 'updated', id: role.id });
      }
    }
    const roleId = role.id as string;
    await save({ roleId });
    const observedAssignment = assignmentOf(input, { ...observed, role, resourceSet: set });
    let assignment = observedAssignment;
    if (!assignment?.id) {
      assignment = await assignClientRole(ctx.admin, clientId, { type: 'CUSTOM', role: roleId, 'resource-set': setId });
      ctx.report({ kind: 'roleAssignment', name: label, action: 'created', id: assignment.id });
    }
    if (assignment.id) await save({ assignmentId: assignment.id });
  }
  return record;
}

/**
 * The check before the profile switches: a token from the org authorization server with the new key (a DPoP-bound
 * one, with a key of this process, when the app requires DPoP), then one read of each kind the scopes reach.
 * Kinds no custom role covers are skipped when the custom role is used (the caller has warned).
 */
export async function verifyBootstrap(
  input: BootstrapInput,
  result: BootstrapResult,
  options: ClientOptions,
): Promise<{ reads: string[]; grantedScopes: string[] }> {
  const dpop = input.dpop
    ? keyDpopProver(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'ES256')
    : undefined;
  const client = await createOktaClient(
    {
      orgUrl: input.orgUrl,
      mode: 'private_key_jwt',
      clientId: result.clientId,
      scopes: input.scopes,
      privateKey: result.privateKey,
      keyId: result.keyId,
    },
    { ...options, ...(dpop ? { dpop } : {}) },
  );
  const uncovered = input.standardRole ? [] : customRoleFor(input.scopes, input.orgUrl).uncovered;
  const reads = readsFor(input.scopes.filter((s) => !uncovered.includes(s)));
  const done: string[] = [];
  for (const read of reads) {
    await oktaCall(read.what, 'GET', () => client.call('GET', read.path, { query: { limit: 1 } }));
    done.push(read.what);
  }
  if (reads.length === 0) throw new AuthError('None of the scopes lets okta-m2m read anything to check the app with.');
  return { reads: done, grantedScopes: input.scopes };
}

interface RemoveEvent {
  kind: PlanItem['kind'];
  id: string;
  result: 'deleted' | 'already gone';
}

/** One object the profile records, after it was read back: ours (label and owner match), gone, or not ours. */
export interface RemovalTarget {
  kind: PlanItem['kind'];
  id: string;
  name: string;
  state: 'ours' | 'gone' | 'not ours';
}

/** The labels the objects carry: the app's, and the custom role's and resource set's (the same for the bootstrap). */
export interface RemovalLabels {
  app: string;
  access: string;
}

/** The objects a record names, in removal order (role first, app last): what was recorded, nothing found. */
export function recordedTargets(record: BootstrapRecord, labels: RemovalLabels): RemovalTarget[] {
  const targets: RemovalTarget[] = [];
  const add = (kind: PlanItem['kind'], id: string | undefined, name: string) => {
    if (id) targets.push({ kind, id, name, state: 'ours' });
  };
  if (record.clientId) add('roleAssignment', record.assignmentId, record.standardRole ?? labels.access);
  add('customRole', record.roleId, labels.access);
  add('resourceSet', record.resourceSetId, labels.access);
  if (record.appId) for (const [scope, id] of Object.entries(record.grantIds ?? {})) add('grant', id, scope);
  add('app', record.appId, labels.app);
  return targets;
}

/**
 * Reads back each object the profile records (the profile is data): the app must be the service app of this
 * label, the role and resource set must carry the label, the assignment and grants must hang off that app.
 */
export async function checkRemovalTargets(
  admin: OktaClient,
  record: BootstrapRecord,
  labels: RemovalLabels,
): Promise<RemovalTarget[]> {
  const targets = recordedTargets(record, labels);
  const app = record.appId ? await getApp(admin, record.appId) : undefined;
  const appOurs = Boolean(app && app.status !== 'DELETED' && app.label === labels.app && isServiceApp(app));
  const clientOurs = appOurs && app !== undefined && clientIdOf(app) === record.clientId;
  const [assignments, grants] = await Promise.all([
    clientOurs && record.clientId ? listClientRoles(admin, record.clientId) : Promise.resolve([]),
    appOurs && record.appId ? listGrants(admin, record.appId) : Promise.resolve([]),
  ]);
  const appGone = !app || app.status === 'DELETED';
  // An assignment or grant is ours only if it hangs off our app (and, for the assignment, our client id).
  const offApp = (owner: boolean, present: boolean): RemovalTarget['state'] =>
    appGone ? 'gone' : !owner ? 'not ours' : present ? 'ours' : 'gone';
  for (const target of targets) {
    if (target.kind === 'app') target.state = appGone ? 'gone' : appOurs ? 'ours' : 'not ours';
    else if (target.kind === 'roleAssignment')
      target.state = offApp(
        clientOurs,
        assignments.some((r) => r.id === target.id),
      );
    else if (target.kind === 'grant')
      target.state = offApp(
        appOurs,
        grants.some((g) => g.id === target.id && g.status !== 'REVOKED'),
      );
    else if (target.kind === 'customRole') {
      const role = await findCustomRole(admin, target.id);
      target.state = !role ? 'gone' : role.label === labels.access ? 'ours' : 'not ours';
    } else if (target.kind === 'resourceSet') {
      const set = await findResourceSet(admin, target.id);
      target.state = !set ? 'gone' : set.label === labels.access ? 'ours' : 'not ours';
    }
  }
  return targets;
}

/** `logout --remote` and `destroy --login`: removes the checked targets that are ours, in their order. */
export async function removeBootstrap(
  admin: OktaClient,
  record: BootstrapRecord,
  targets: RemovalTarget[],
  report: (event: RemoveEvent) => void,
): Promise<RemoveEvent[]> {
  const remove: Partial<Record<PlanItem['kind'], (id: string) => Promise<boolean>>> = {
    roleAssignment: (id) => unassignClientRole(admin, record.clientId as string, id),
    customRole: (id) => deleteCustomRole(admin, id),
    resourceSet: (id) => deleteResourceSet(admin, id),
    grant: (id) => revokeGrant(admin, record.appId as string, id),
    app: (id) => deleteApp(admin, id),
  };
  const events: RemoveEvent[] = [];
  for (const target of targets) {
    if (target.state === 'not ours') continue;
    const done = target.state === 'ours' && (await remove[target.kind]?.(target.id)) === true;
    const event: RemoveEvent = { kind: target.kind, id: target.id, result: done ? 'deleted' : 'already gone' };
    events.push(event);
    report(event);
  }
  return events;
}
