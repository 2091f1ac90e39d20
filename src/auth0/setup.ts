import { AuthError, ConflictError, RemoteError, SecretStoreError } from '../errors.js';
import { registerSecret } from '../secrets/redact.js';
import { secretRefs } from '../secrets/refs.js';
import type { SecretStore } from '../secrets/store.js';
import { auth0Call, auth0Find, mapAuth0Error, outcomeUnknown, statusOf, tokenEndpointOf, type Auth0Management } from './client.js';
import type { Auth0SetupSpec, Auth0State, Auth0StateRecorder } from './spec.js';

/**
 * `auth0 init` as desired spec -> what exists -> plan -> apply, like Okta's init: objects are found by the ids in
 * the project state first, else by identifier (the API) or exact name (the application) or client and audience
 * (the grant). Each create's id is saved at once, and the new client secret goes to the keychain right after the
 * create, so an interrupted run is completed by the next one; a run with nothing to change makes no write.
 */
export interface ResourceServerLike {
  id: string;
  identifier: string;
  name?: string;
  scopes?: Array<{ value: string; description?: string }>;
}

export interface ClientLike {
  client_id: string;
  name?: string;
  app_type?: string;
  grant_types?: string[];
  token_endpoint_auth_method?: string;
  client_secret?: string;
}

export interface GrantLike {
  id: string;
  client_id: string;
  audience: string;
  scope?: string[];
}

export interface Auth0Observed {
  resourceServer?: ResourceServerLike;
  client?: ClientLike;
  grant?: GrantLike;
  /** Whether the keychain (or the environment) holds the client's secret. */
  hasSecret: boolean;
}

export type Auth0ObjectKind = 'resource server' | 'application' | 'client grant';

export interface Auth0PlanItem {
  kind: Auth0ObjectKind;
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'delete';
  id?: string;
  changes: string[];
}

export interface Auth0Plan {
  items: Auth0PlanItem[];
  changed: boolean;
  warnings: string[];
}

const CLIENT_FIELDS = 'client_id,name,app_type,grant_types,token_endpoint_auth_method';

// ---------------------------------------------------------------------------------------------------------------
// Observe

export async function observe(
  mgmt: Auth0Management,
  spec: Auth0SetupSpec,
  state: Auth0State | undefined,
  secrets: SecretStore,
  profile: string,
): Promise<Auth0Observed> {
  const [resourceServer, client] = await Promise.all([
    findResourceServer(mgmt, spec.audience, state?.resourceServerId),
    findClient(mgmt, spec.name, state?.clientId),
  ]);
  const grant = client ? await findGrant(mgmt, client.client_id, spec.audience, state?.clientGrantId) : undefined;
  const hasSecret = client ? (await secrets.get(secretRefs.auth0ClientSecret(profile, client.client_id))) !== undefined : false;
  const observed: Auth0Observed = { hasSecret };
  if (resourceServer) observed.resourceServer = resourceServer;
  if (client) observed.client = client;
  if (grant) observed.grant = grant;
  return observed;
}

export async function findResourceServer(mgmt: Auth0Management, audience: string, id?: string): Promise<ResourceServerLike | undefined> {
  if (id) {
    const byId = (await auth0Find('read the API', () => mgmt.sdk.resourceServers.get(id))) as ResourceServerLike | undefined;
    if (byId && byId.identifier === audience) return byId;
  }
  // GET /resource-servers/{id} also takes the (URL-encoded) identifier.
  return (await auth0Find('read the API', () => mgmt.sdk.resourceServers.get(audience))) as ResourceServerLike | undefined;
}

export async function getClient(mgmt: Auth0Management, clientId: string): Promise<ClientLike | undefined> {
  return (await auth0Find('read the application', () => mgmt.sdk.clients.get(clientId, { fields: CLIENT_FIELDS, include_fields: true }))) as
    | ClientLike
    | undefined;
}

export async function findClient(mgmt: Auth0Management, name: string, clientId?: string): Promise<ClientLike | undefined> {
  if (clientId) {
    const byId = await getClient(mgmt, clientId);
    if (byId) return byId;
  }
  const matches = await findClientsByName(mgmt, name);
  if (matches.length > 1) {
    throw new ConflictError(`Auth0 has ${matches.length} machine-to-machine applications named "${name}".`, {
      hint: `Rename or delete the extra ones (${matches.map((c) => c.client_id).join(', ')}), or choose another --name.`,
    });
  }
  return matches[0];
}

async function findClientsByName(mgmt: Auth0Management, name: string): Promise<ClientLike[]> {
  return auth0Call('list the applications', async () => {
    const found: ClientLike[] = [];
    let page = await mgmt.sdk.clients.list({ app_type: 'non_interactive', fields: CLIENT_FIELDS, include_fields: true, per_page: 100 });
    for (;;) {
      for (const c of page.data as ClientLike[]) if (c.name === name) found.push(c);
      if (!page.hasNextPage() || page.data.length === 0) break;
      page = await page.getNextPage();
    }
    return found;
  });
}

export async function findGrant(mgmt: Auth0Management, clientId: string, audience: string, id?: string): Promise<GrantLike | undefined> {
  if (id) {
    const byId = (await auth0Find('read the client grant', () => mgmt.sdk.clientGrants.get(id))) as GrantLike | undefined;
    if (byId && byId.client_id === clientId && byId.audience === audience) return byId;
  }
  return auth0Call('list the client grants', async () => {
    const page = await mgmt.sdk.clientGrants.list({ audience, client_id: clientId });
    return (page.data as GrantLike[]).find((g) => g.client_id === clientId && g.audience === audience);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Plan

export function computePlan(spec: Auth0SetupSpec, observed: Auth0Observed): Auth0Plan {
  const items: Auth0PlanItem[] = [];
  const warnings: string[] = [];
  const rs = observed.resourceServer;
  if (!rs) items.push({ kind: 'resource server', name: spec.audience, action: 'create', changes: [`scopes: ${spec.scopes.join(' ') || '(none)'}`] });
  else {
    const changes: string[] = [];
    if (rs.name !== spec.name) changes.push(`name: ${rs.name ?? '(none)'} -> ${spec.name}`);
    const have = (rs.scopes ?? []).map((s) => s.value);
    if (!sameSet(have, spec.scopes)) changes.push(`scopes: ${have.join(' ') || '(none)'} -> ${spec.scopes.join(' ') || '(none)'}`);
    items.push({ kind: 'resource server', name: spec.audience, id: rs.id, action: changes.length ? 'update' : 'unchanged', changes });
  }
  const client = observed.client;
  if (!client) items.push({ kind: 'application', name: spec.name, action: 'create', changes: ['machine to machine, client_credentials'] });
  else {
    const changes: string[] = [];
    if (client.name !== spec.name) changes.push(`name: ${client.name ?? '(none)'} -> ${spec.name}`);
    if (client.app_type !== 'non_interactive') changes.push(`app_type: ${client.app_type ?? '(none)'} -> non_interactive`);
    if (!(client.grant_types ?? []).includes('client_credentials')) {
      changes.push(`grant_types: ${(client.grant_types ?? []).join(' ') || '(none)'} -> + client_credentials`);
    }
    if (client.token_endpoint_auth_method !== undefined && client.token_endpoint_auth_method !== 'client_secret_post' && client.token_endpoint_auth_method !== 'client_secret_basic') {
      changes.push(`token_endpoint_auth_method: ${client.token_endpoint_auth_method} -> client_secret_post`);
    }
    items.push({ kind: 'application', name: spec.name, id: client.client_id, action: changes.length ? 'update' : 'unchanged', changes });
    if (!observed.hasSecret) {
      warnings.push(
        `the client secret of ${client.client_id} is not in the keychain: copy it from the Auth0 Dashboard and pipe it to ` +
          '"okta-m2m token get --provider auth0 --client-secret-stdin", or delete the application and run init again.',
      );
    }
  }
  const grant = observed.grant;
  const grantName = `${spec.name} -> ${spec.audience}`;
  if (!grant) items.push({ kind: 'client grant', name: grantName, action: 'create', changes: [`scope: ${spec.scopes.join(' ') || '(none)'}`] });
  else {
    const changes: string[] = [];
    if (!sameSet(grant.scope ?? [], spec.scopes)) changes.push(`scope: ${(grant.scope ?? []).join(' ') || '(none)'} -> ${spec.scopes.join(' ') || '(none)'}`);
    items.push({ kind: 'client grant', name: grantName, id: grant.id, action: changes.length ? 'update' : 'unchanged', changes });
  }
  return { items, changed: items.some((i) => i.action !== 'unchanged'), warnings };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

// ---------------------------------------------------------------------------------------------------------------
// Apply

export interface Auth0ApplyEvent {
  kind: Auth0ObjectKind | 'client secret';
  name: string;
  action: 'created' | 'updated' | 'adopted' | 'deleted' | 'stored' | 'rotated';
  id?: string;
}

export interface Auth0ApplyContext {
  mgmt: Auth0Management;
  profile: string;
  secrets: SecretStore;
  recorder: Auth0StateRecorder;
  report?: (event: Auth0ApplyEvent) => void;
  warn?: (message: string) => void;
}

const CREATE_ATTEMPTS = 3;

/**
 * A create whose outcome is unknown (a 5xx or a dropped connection) is looked for before it is tried again, and a
 * 409 adopts what exists: never two of the same.
 */
async function createOnce<T>(
  what: string,
  create: () => Promise<T>,
  find: () => Promise<T | undefined>,
): Promise<{ value: T; adopted: boolean; ours: boolean }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { value: await create(), adopted: false, ours: true };
    } catch (error) {
      const conflict = statusOf(error) === 409;
      if (conflict || (outcomeUnknown(error) && attempt < CREATE_ATTEMPTS)) {
        const existing = await find();
        // After a lost answer what is found is ours; after a 409 it was someone else's.
        if (existing) return { value: existing, adopted: true, ours: !conflict };
        if (!conflict) continue;
      }
      throw mapAuth0Error(error, what);
    }
  }
}

export async function applyPlan(ctx: Auth0ApplyContext, spec: Auth0SetupSpec, observed: Auth0Observed): Promise<Auth0State> {
  const { mgmt, recorder } = ctx;
  const report = ctx.report ?? (() => undefined);
  const target = mgmt.target;
  // A new secret (a new application, or one whose secret is nowhere) must go to the keychain: make sure it can,
  // before the first write to the tenant or the state.
  if (!observed.client || !observed.hasSecret) {
    try {
      await ctx.secrets.probe(`${ctx.profile}/probe`);
    } catch (error) {
      throw new SecretStoreError("auth0 init needs the OS keychain to keep the application's client secret, and it cannot be reached; nothing was changed.", {
        hint:
          'Run the first auth0 init where a keychain is available (on Linux: a Secret Service such as gnome-keyring); ' +
          "after that, it runs without one when OKTA_M2M_AUTH0_CLIENT_SECRET holds the application's secret.",
        cause: error,
      });
    }
  }
  await recorder.update({
    domain: target.domain,
    ...(target.baseUrl ? { baseUrl: target.baseUrl } : {}),
    audience: spec.audience,
    scopes: spec.scopes,
    tokenEndpoint: tokenEndpointOf(target),
    spec,
  });

  // What okta-m2m made (destroy removes only that), as opposed to what it found and took over.
  const made: NonNullable<Auth0State['made']> = { ...(recorder.current.made ?? {}) };
  const keep = (kind: keyof NonNullable<Auth0State['made']>, recordedId: string | undefined, id: string) => {
    if (recordedId !== id) made[kind] = false;
  };

  // 1. The API.
  const rsScopes = spec.scopes.map((value) => ({ value, description: value }));
  let rs = observed.resourceServer;
  if (!rs) {
    const created = await createOnce(
      'create the API',
      async () => (await mgmt.sdk.resourceServers.create({ identifier: spec.audience, name: spec.name, scopes: rsScopes, signing_alg: 'RS256' })) as ResourceServerLike,
      () => findResourceServer(mgmt, spec.audience),
    );
    rs = created.value;
    made.resourceServer = created.ours;
    await recorder.update({ resourceServerId: rs.id, made });
    report({ kind: 'resource server', name: spec.audience, action: created.adopted ? 'adopted' : 'created', id: rs.id });
  } else {
    keep('resourceServer', recorder.current.resourceServerId, rs.id);
    await recorder.update({ resourceServerId: rs.id, made });
    const plan = computePlan(spec, observed).items.find((i) => i.kind === 'resource server');
    if (plan?.action === 'update') {
      const id = rs.id;
      await auth0Call('update the API', () => mgmt.sdk.resourceServers.update(id, { name: spec.name, scopes: rsScopes }));
      report({ kind: 'resource server', name: spec.audience, action: 'updated', id });
    }
  }

  // 2. The application; its secret to the keychain at once.
  let client = observed.client;
  let clientAdopted = false;
  if (!client) {
    const created = await createOnce(
      'create the application',
      async () =>
        (await mgmt.sdk.clients.create({
          name: spec.name,
          description: `Machine-to-machine client for ${spec.audience} (made by okta-m2m)`,
          app_type: 'non_interactive',
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_post',
        })) as ClientLike,
      async () => (await findClientsByName(mgmt, spec.name))[0],
    );
    client = created.value;
    clientAdopted = created.adopted;
    made.client = created.ours;
    const clientId = client.client_id;
    if (client.client_secret) {
      registerSecret(client.client_secret);
      await ctx.secrets.set(secretRefs.auth0ClientSecret(ctx.profile, clientId), client.client_secret);
    } else {
      // Made by an attempt whose answer was lost: only a new secret can be had.
      await rotateSecret(ctx, clientId);
    }
    await recorder.update({ clientId, made });
    report({ kind: 'application', name: spec.name, action: created.adopted ? 'adopted' : 'created', id: clientId });
  } else {
    keep('client', recorder.current.clientId, client.client_id);
    await recorder.update({ clientId: client.client_id, made });
    // An application whose secret is nowhere (lost with an earlier run's answer, or removed from the keychain)
    // gets a new one: init never reports a secret it does not have.
    if (!observed.hasSecret) await rotateSecret(ctx, client.client_id);
    const plan = computePlan(spec, observed).items.find((i) => i.kind === 'application');
    if (plan?.action === 'update') {
      const id = client.client_id;
      const grantTypes = [...new Set([...(client.grant_types ?? []), 'client_credentials'])];
      await auth0Call('update the application', () =>
        mgmt.sdk.clients.update(id, {
          name: spec.name,
          app_type: 'non_interactive',
          grant_types: grantTypes,
          ...(client?.token_endpoint_auth_method === 'client_secret_basic' ? {} : { token_endpoint_auth_method: 'client_secret_post' as const }),
        }),
      );
      report({ kind: 'application', name: spec.name, action: 'updated', id });
    }
  }

  // 3. The grant.
  const clientId = client.client_id;
  // A new application has no grant yet; one adopted after a lost answer may have one.
  let grant = client === observed.client ? observed.grant : clientAdopted ? await findGrant(mgmt, clientId, spec.audience) : undefined;
  const grantName = `${spec.name} -> ${spec.audience}`;
  if (!grant) {
    const created = await createOnce(
      'create the client grant',
      async () => (await mgmt.sdk.clientGrants.create({ client_id: clientId, audience: spec.audience, scope: spec.scopes })) as GrantLike,
      () => findGrant(mgmt, clientId, spec.audience),
    );
    grant = created.value;
    made.clientGrant = created.ours;
    await recorder.update({ clientGrantId: grant.id, made });
    report({ kind: 'client grant', name: grantName, action: created.adopted ? 'adopted' : 'created', id: grant.id });
    if (created.adopted && !sameSet(grant.scope ?? [], spec.scopes)) {
      const id = grant.id;
      await auth0Call('update the client grant', () => mgmt.sdk.clientGrants.update(id, { scope: spec.scopes }));
      report({ kind: 'client grant', name: grantName, action: 'updated', id });
    }
  } else {
    keep('clientGrant', recorder.current.clientGrantId, grant.id);
    await recorder.update({ clientGrantId: grant.id, made });
    if (!sameSet(grant.scope ?? [], spec.scopes)) {
      const id = grant.id;
      await auth0Call('update the client grant', () => mgmt.sdk.clientGrants.update(id, { scope: spec.scopes }));
      report({ kind: 'client grant', name: grantName, action: 'updated', id });
    }
  }
  await recorder.flush();
  return recorder.current;
}

async function rotateSecret(ctx: Auth0ApplyContext, clientId: string): Promise<void> {
  try {
    const rotated = (await ctx.mgmt.sdk.clients.rotateSecret(clientId)) as ClientLike;
    if (rotated.client_secret) {
      registerSecret(rotated.client_secret);
      await ctx.secrets.set(secretRefs.auth0ClientSecret(ctx.profile, clientId), rotated.client_secret);
      ctx.report?.({ kind: 'client secret', name: clientId, action: 'rotated', id: clientId });
      return;
    }
  } catch (error) {
    if (!(statusOf(error) === 403 || statusOf(error) === 401)) throw mapAuth0Error(error, 'rotate the client secret');
  }
  throw new AuthError(`The application ${clientId} has no client secret okta-m2m can use, and the management app may not rotate it.`, {
    hint: 'Grant update:client_keys to the management app (Auth0 Dashboard > Applications > APIs > Auth0 Management API) and run "okta-m2m auth0 init" again.',
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Destroy

/** What existed before init and was only taken over: destroy leaves it. */
export function keptByDestroy(state: Auth0State): Auth0PlanItem[] {
  const items: Auth0PlanItem[] = [];
  if (state.clientGrantId && state.made?.clientGrant === false) items.push({ kind: 'client grant', name: state.audience ?? '', id: state.clientGrantId, action: 'unchanged', changes: [] });
  if (state.clientId && state.made?.client === false) items.push({ kind: 'application', name: state.spec?.name ?? '', id: state.clientId, action: 'unchanged', changes: [] });
  if (state.resourceServerId && state.made?.resourceServer === false) items.push({ kind: 'resource server', name: state.audience ?? '', id: state.resourceServerId, action: 'unchanged', changes: [] });
  return items;
}

/** What destroy would remove: only what the state records as made by init, grant first, the API last. */
export function destroyPlan(state: Auth0State): Auth0PlanItem[] {
  const items: Auth0PlanItem[] = [];
  const name = state.spec?.name ?? state.clientId ?? '';
  const ours = (kind: keyof NonNullable<Auth0State['made']>) => state.made?.[kind] !== false;
  if (state.clientGrantId && ours('clientGrant')) items.push({ kind: 'client grant', name: `${name} -> ${state.audience ?? ''}`, id: state.clientGrantId, action: 'delete', changes: [] });
  if (state.clientId && ours('client')) items.push({ kind: 'application', name, id: state.clientId, action: 'delete', changes: [] });
  if (state.resourceServerId && ours('resourceServer')) items.push({ kind: 'resource server', name: state.audience ?? '', id: state.resourceServerId, action: 'delete', changes: [] });
  return items;
}

export async function destroy(ctx: Auth0ApplyContext, state: Auth0State): Promise<void> {
  const { mgmt, recorder } = ctx;
  const report = ctx.report ?? (() => undefined);
  const gone = async (what: string, call: () => Promise<unknown>): Promise<boolean> => {
    try {
      await call();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw mapAuth0Error(error, what);
    }
  };
  for (const item of destroyPlan(state)) {
    const id = item.id as string;
    if (item.kind === 'client grant') {
      const deleted = await gone('delete the client grant', () => mgmt.sdk.clientGrants.delete(id));
      await recorder.update({ clientGrantId: undefined });
      if (deleted) report({ kind: item.kind, name: item.name, action: 'deleted', id });
    } else if (item.kind === 'application') {
      const deleted = await gone('delete the application', () => mgmt.sdk.clients.delete(id));
      await ctx.secrets.delete(secretRefs.auth0ClientSecret(ctx.profile, id));
      await recorder.update({ clientId: undefined });
      if (deleted) report({ kind: item.kind, name: item.name, action: 'deleted', id });
    } else {
      const deleted = await gone('delete the API', () => mgmt.sdk.resourceServers.delete(id));
      await recorder.update({ resourceServerId: undefined });
      if (deleted) report({ kind: item.kind, name: item.name, action: 'deleted', id });
    }
  }
  await recorder.clear();
  await recorder.flush();
}

export function outputsOf(state: Auth0State, profile: string): Record<string, unknown> {
  const profileFlag = profile === 'default' ? '' : ` --profile ${profile}`;
  if (!state.clientId || !state.audience) throw new RemoteError('auth0 init did not finish.', { hint: 'Run "okta-m2m auth0 init" again.' });
  return {
    profile,
    domain: state.domain,
    ...(state.baseUrl ? { baseUrl: state.baseUrl } : {}),
    tokenEndpoint: state.tokenEndpoint,
    audience: state.audience,
    clientId: state.clientId,
    scopes: state.scopes ?? [],
    resourceServerId: state.resourceServerId,
    clientGrantId: state.clientGrantId,
    tokenCommand: `okta-m2m token get --provider auth0${profileFlag}`,
  };
}
