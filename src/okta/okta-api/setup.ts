import { UsageError } from '../../errors.js';
import type { BootstrapRecord } from '../../config/profiles.js';
import { isRecord } from '../../config/validate.js';
import { registerSecret } from '../../secrets/redact.js';
import { secretRefs } from '../../secrets/refs.js';
import type { SecretStore } from '../../secrets/store.js';
import { createChecked } from '../setup/apply.js';
import { clientIdOf, createApp, desiredApp, findAppsByLabel, isServiceApp, jwkIdsOf } from '../resources/apps.js';
import type { OktaClient } from '../client.js';
import { addAppKey } from '../resources/iam.js';
import { generateClientKeyPair, publicJwkOf } from '../keys.js';
import { orgTokenEndpoint } from '../oauth-login.js';
import { diffField, itemFor, planOf, type Change, type Plan, type PlanItem } from '../../reconcile/plan.js';
import type { JsonWebKeyLike, OktaApp } from '../types.js';
import {
  accessOfApp,
  applyAccess,
  findOwnApp,
  observeAccess,
  planAccess,
  type ApplyEvent,
  type ObservedAccess,
} from '../bootstrap/setup.js';
import { customRoleGap } from '../bootstrap/scopes.js';

/**
 * `init --okta-api`: a service app whose tokens are for Okta's own management API, for the user's automation:
 * private_key_jwt (a key okta-m2m generates, kept in the keychain, or the user's public key), the okta.* scope
 * grants, and a custom admin role for them over a resource set (or a standard --role). Recorded in the project
 * state's `okta` section with `kind: "okta-api"`, so that `token get` finds it (the org authorization server).
 */
export interface OktaApiSpec {
  kind: 'okta-api';
  name: string;
  scopes: string[];
  role?: string;
}

export interface OktaApiState {
  kind: 'okta-api';
  orgUrl: string;
  appId?: string;
  clientId?: string;
  authMethod?: 'private_key_jwt';
  issuer?: string;
  tokenEndpoint?: string;
  scopes?: string[];
  keyId?: string;
  access?: BootstrapRecord;
  spec?: OktaApiSpec;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._:()-]{0,62}[A-Za-z0-9._:()-]$|^[A-Za-z0-9]$/;
const OKTA_SCOPE = /^okta\.[A-Za-z]+(\.[A-Za-z]+)*\.(read|manage)$/;

export function validateOktaApiSpec(
  input: { name?: unknown; scopes?: unknown; role?: unknown },
  source: string,
): OktaApiSpec {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name)
    throw new UsageError(`The Okta API setup needs a name (${source}).`, {
      hint: 'Pass --name, such as --name user-report.',
    });
  if (!NAME.test(name))
    throw new UsageError(`"${name}" is not a valid name.`, {
      hint: 'Use 1 to 64 letters, digits, spaces, ".", "_", ":", "(", ")" or "-".',
    });
  const scopes = Array.isArray(input.scopes)
    ? [...new Set(input.scopes.map((s) => String(s).trim()).filter(Boolean))]
    : [];
  if (scopes.length === 0)
    throw new UsageError(`The Okta API setup needs at least one okta.* scope (${source}).`, {
      hint: 'Pass --okta-scope, such as --okta-scope okta.users.read.',
    });
  const bad = scopes.filter((s) => !OKTA_SCOPE.test(s));
  if (bad.length)
    throw new UsageError(`${bad.join(', ')}: not okta.* scopes.`, {
      hint: 'Okta API scopes look like okta.users.read or okta.groups.manage.',
    });
  const spec: OktaApiSpec = { kind: 'okta-api', name, scopes };
  if (input.role !== undefined && input.role !== null && input.role !== '') {
    const given = typeof input.role === 'string' ? input.role : JSON.stringify(input.role);
    const role = given.trim().toUpperCase();
    if (!/^[A-Z_]+$/.test(role))
      throw new UsageError(`"${given}" is not a standard admin role.`, {
        hint: 'Such as READ_ONLY_ADMIN or SUPER_ADMIN.',
      });
    spec.role = role;
  }
  const gap = spec.role ? undefined : customRoleGap(scopes);
  if (gap)
    throw new UsageError(gap, {
      hint: 'Add a scope of what the automation also reads (such as okta.authorizationServers.read), or pass --role.',
    });
  return spec;
}

export function readOktaApiState(raw: unknown): OktaApiState | undefined {
  if (!isRecord(raw) || raw.kind !== 'okta-api' || typeof raw.orgUrl !== 'string') return undefined;
  return raw as unknown as OktaApiState;
}

export const accessLabel = (spec: Pick<OktaApiSpec, 'name'>) => `${spec.name} (okta-m2m)`;

interface OktaApiObserved extends ObservedAccess {
  app?: OktaApp;
  keyOnApp: boolean;
}

function accessInput(client: OktaClient, spec: OktaApiSpec, state: OktaApiState | undefined) {
  return {
    label: accessLabel(spec),
    orgUrl: client.orgUrl,
    scopes: spec.scopes,
    standardRole: spec.role,
    record: state?.access,
  };
}

export async function observeOktaApi(
  client: OktaClient,
  spec: OktaApiSpec,
  state: OktaApiState | undefined,
  secrets: SecretStore,
  profile: string,
  publicKey: JsonWebKeyLike | undefined,
): Promise<OktaApiObserved> {
  const app = await findOwnApp(client, spec.name, state?.appId);
  let keyOnApp = false;
  if (app) {
    const clientId = clientIdOf(app) as string;
    const stored = publicKey ? undefined : await secrets.get(secretRefs.clientPrivateKey(profile, clientId));
    const kid = publicKey?.kid ?? (stored ? (await publicJwkOf(stored)).kid : undefined);
    keyOnApp = Boolean(kid && jwkIdsOf(app).includes(kid));
  }
  const access = await observeAccess(client, accessInput(client, spec, state), app);
  return { ...access, ...(app ? { app } : {}), keyOnApp };
}

export function planOktaApi(
  client: OktaClient,
  spec: OktaApiSpec,
  state: OktaApiState | undefined,
  observed: OktaApiObserved,
): Plan {
  const items: PlanItem[] = [];
  const app = observed.app;
  const changes: Change[] = [];
  if (app) diffField(changes, 'status', app.status, 'ACTIVE');
  items.push(itemFor('app', spec.name, app, changes));
  items.push({
    kind: 'credential',
    name: 'key pair',
    action: observed.keyOnApp ? 'unchanged' : app ? 'update' : 'create',
    ownership: 'ours',
    changes: [],
    ...(app && !observed.keyOnApp ? { notes: ['the key okta-m2m holds is not on the app: a key will be added'] } : {}),
  });
  items.push(...planAccess(accessInput(client, spec, state), observed));
  // Grants the setup does not list are drift, whoever made them (status shows them; init removes only its own).
  for (const grant of observed.grants) {
    if (
      grant.scopeId &&
      !spec.scopes.includes(grant.scopeId) &&
      !items.some((i) => i.kind === 'grant' && i.name === grant.scopeId)
    ) {
      items.push({
        kind: 'grant',
        name: grant.scopeId,
        action: 'update',
        ownership: 'adopted',
        changes: [],
        notes: ['granted, but not in the setup'],
        ...(grant.id ? { id: grant.id } : {}),
      });
    }
  }
  return planOf(items);
}

interface OktaApiApplyContext {
  client: OktaClient;
  secrets: SecretStore;
  profile: string;
  save(patch: Partial<OktaApiState>): Promise<void>;
  current(): OktaApiState;
  report(event: ApplyEvent): void;
}

export async function applyOktaApi(
  ctx: OktaApiApplyContext,
  spec: OktaApiSpec,
  observed: OktaApiObserved,
  publicKey: JsonWebKeyLike | undefined,
): Promise<OktaApiState> {
  let app = observed.app;
  let keyId: string | undefined;
  if (!app?.id) {
    const pair = publicKey ? undefined : await generateClientKeyPair();
    if (pair) registerSecret(pair.privateKeyPem);
    const jwk = publicKey ?? pair!.publicJwk;
    const made = await createChecked(
      () => createApp(ctx.client, desiredApp(spec.name, 'private_key_jwt', jwk)),
      async () => (await findAppsByLabel(ctx.client, spec.name)).filter(isServiceApp)[0],
    );
    app = made.value;
    const clientId = clientIdOf(app) as string;
    if (pair) await ctx.secrets.set(secretRefs.clientPrivateKey(ctx.profile, clientId), pair.privateKeyPem);
    keyId = jwk.kid;
    ctx.report({ kind: 'app', name: spec.name, action: made.adopted ? 'adopted' : 'created', id: app.id });
    if (made.adopted && keyId && !jwkIdsOf(app).includes(keyId)) await addAppKey(ctx.client, app.id as string, jwk);
  } else if (!observed.keyOnApp) {
    const clientId = clientIdOf(app) as string;
    const pair = publicKey ? undefined : await generateClientKeyPair();
    if (pair) {
      registerSecret(pair.privateKeyPem);
      await ctx.secrets.set(secretRefs.clientPrivateKey(ctx.profile, clientId), pair.privateKeyPem);
    }
    const jwk = publicKey ?? pair!.publicJwk;
    await addAppKey(ctx.client, app.id, jwk);
    keyId = jwk.kid;
    ctx.report({ kind: 'credential', name: 'key pair', action: 'updated', id: keyId });
  } else {
    keyId = ctx.current().keyId ?? publicKey?.kid;
    if (!keyId) {
      const stored = await ctx.secrets.get(secretRefs.clientPrivateKey(ctx.profile, clientIdOf(app) as string));
      if (stored) keyId = (await publicJwkOf(stored)).kid;
    }
  }
  const appId = app.id as string;
  const clientId = clientIdOf(app) as string;
  await ctx.save({
    appId,
    clientId,
    authMethod: 'private_key_jwt',
    issuer: ctx.client.orgUrl,
    tokenEndpoint: orgTokenEndpoint(ctx.client.orgUrl),
    scopes: spec.scopes,
    ...(keyId ? { keyId } : {}),
  });
  const access = await applyAccess(
    {
      admin: ctx.client,
      report: (event) => ctx.report(event),
      save: async (patch: Partial<BootstrapRecord>) =>
        ctx.save({ access: { ...(ctx.current().access ?? {}), ...patch } }),
    },
    accessInput(ctx.client, spec, ctx.current()),
    accessOfApp(observed, appId),
    appId,
    clientId,
  );
  await ctx.save({ access, spec });
  return ctx.current();
}

/** What a consumer needs, and the matching configuration of Okta's SDKs. */
export function oktaApiOutputs(state: OktaApiState, profile: string) {
  const scopes = state.scopes ?? [];
  return {
    kind: 'okta-api' as const,
    profile,
    orgUrl: state.orgUrl,
    clientId: state.clientId ?? '',
    tokenEndpoint: state.tokenEndpoint ?? orgTokenEndpoint(state.orgUrl),
    scopes,
    keyId: state.keyId,
    credential: `private key in the OS keychain (service okta-m2m, account ${profile}/app-key:${state.clientId ?? ''})`,
    sdk: {
      orgUrl: state.orgUrl,
      authorizationMode: 'PrivateKey',
      clientId: state.clientId ?? '',
      scopes,
      keyId: state.keyId,
      privateKey: '<the private key>',
    },
    tokenCommand: `okta-m2m token get${profile === 'default' ? '' : ` --profile ${profile}`}`,
  };
}
