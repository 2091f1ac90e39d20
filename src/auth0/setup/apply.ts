import { AuthError } from '../../errors.js';
import { createOrAdopt } from '../../reconcile/create-or-adopt.js';
import { keychainPreflight } from '../../reconcile/keychain-preflight.js';
import { sameSet } from '../../reconcile/plan.js';
import { registerSecret } from '../../secrets/redact.js';
import { secretRefs } from '../../secrets/refs.js';
import type { SecretStore } from '../../secrets/store.js';
import {
  auth0Call,
  mapAuth0Error,
  outcomeUnknown,
  statusOf,
  tokenEndpointOf,
  type Auth0Management,
} from '../client.js';
import {
  findClientsByName,
  findGrant,
  findResourceServer,
  type ClientLike,
  type GrantLike,
  type ResourceServerLike,
} from '../resources/objects.js';
import type { Auth0Observed } from './observe.js';
import { AUTH0_MARKER_KEY, auth0Marker } from './ownership.js';
import { computePlan, grantName as grantNameOf, type Auth0ObjectKind } from './plan.js';
import type { Auth0SetupSpec } from './spec.js';
import type { Auth0State, Auth0StateRecorder } from './state.js';

/**
 * `auth0 init` as desired spec -> what exists -> plan -> apply, like Okta's init: objects are found by the ids in
 * the project state first, else by identifier (the API) or exact name (the application) or client and audience
 * (the grant). Each create's id is saved at once, and the new client secret goes to the keychain right after the
 * create, so an interrupted run is completed by the next one; a run with nothing to change makes no write.
 */
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

/** Auth0's create-or-adopt: a 409 adopts what exists (someone else's), a lost answer what an earlier try made. */
async function createOnce<T>(
  what: string,
  create: () => Promise<T>,
  find: () => Promise<T | undefined>,
): Promise<{ value: T; adopted: boolean; ours: boolean }> {
  const made = await createOrAdopt({
    create,
    find,
    isTaken: (error) => statusOf(error) === 409,
    outcomeUnknown,
    mapError: (error) => mapAuth0Error(error, what),
  });
  return { value: made.value, adopted: made.adopted, ours: made.cause !== 'name-taken' };
}

export async function applyPlan(
  ctx: Auth0ApplyContext,
  spec: Auth0SetupSpec,
  observed: Auth0Observed,
): Promise<Auth0State> {
  const { mgmt, recorder } = ctx;
  const report = ctx.report ?? (() => undefined);
  const target = mgmt.target;
  // A new secret (a new application, or one whose secret is nowhere) must go to the keychain: make sure it can,
  // before the first write to the tenant or the state.
  if (!observed.client || !observed.hasSecret) {
    await keychainPreflight(ctx.secrets, ctx.profile, {
      message:
        "auth0 init needs the OS keychain to keep the application's client secret, and it cannot be reached; nothing was changed.",
      hint:
        'Run the first auth0 init where a keychain is available (on Linux: a Secret Service such as gnome-keyring); ' +
        "after that, it runs without one when OKTA_M2M_AUTH0_CLIENT_SECRET holds the application's secret.",
    });
  }
  await recorder.update({
    domain: target.domain,
    ...(target.baseUrl ? { baseUrl: target.baseUrl } : {}),
    audience: spec.audience,
    scopes: spec.scopes,
    tokenEndpoint: tokenEndpointOf(target),
    spec,
    marker: AUTH0_MARKER_KEY,
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
      async () =>
        (await mgmt.sdk.resourceServers.create({
          identifier: spec.audience,
          name: spec.name,
          scopes: rsScopes,
          signing_alg: 'RS256',
        })) as ResourceServerLike,
      () => findResourceServer(mgmt, spec.audience),
    );
    rs = created.value;
    made.resourceServer = created.ours;
    await recorder.update({ resourceServerId: rs.id, made });
    report({
      kind: 'resource server',
      name: spec.audience,
      action: created.adopted ? 'adopted' : 'created',
      id: rs.id,
    });
  } else {
    keep('resourceServer', recorder.current.resourceServerId, rs.id);
    await recorder.update({ resourceServerId: rs.id, made });
    const plan = computePlan(spec, observed).items.find((i) => i.kind === 'resource server');
    if (plan?.action === 'update') {
      const id = rs.id;
      await auth0Call('update the API', () =>
        mgmt.sdk.resourceServers.update(id, { name: spec.name, scopes: rsScopes }),
      );
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
          client_metadata: auth0Marker(spec),
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
          ...(client?.token_endpoint_auth_method === 'client_secret_basic'
            ? {}
            : { token_endpoint_auth_method: 'client_secret_post' as const }),
        }),
      );
      report({ kind: 'application', name: spec.name, action: 'updated', id });
    }
  }

  // 3. The grant.
  const clientId = client.client_id;
  // A new application has no grant yet; one adopted after a lost answer may have one.
  let grant =
    client === observed.client
      ? observed.grant
      : clientAdopted
        ? await findGrant(mgmt, clientId, spec.audience)
        : undefined;
  const grantName = grantNameOf(spec);
  if (!grant) {
    const created = await createOnce(
      'create the client grant',
      async () =>
        (await mgmt.sdk.clientGrants.create({
          client_id: clientId,
          audience: spec.audience,
          scope: spec.scopes,
        })) as GrantLike,
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
  throw new AuthError(
    `The application ${clientId} has no client secret okta-m2m can use, and the management app may not rotate it.`,
    {
      hint: 'Grant update:client_keys to the management app (Auth0 Dashboard > Applications > APIs > Auth0 Management API) and run "okta-m2m auth0 init" again.',
    },
  );
}
