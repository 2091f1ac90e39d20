import { CliError, RemoteError } from '../../errors.js';
import { changesBeyondStatus } from '../../reconcile/plan.js';
import { createOrAdopt } from '../../reconcile/create-or-adopt.js';
import { keychainPreflight } from '../../reconcile/keychain-preflight.js';
import { registerSecret } from '../../secrets/redact.js';
import { secretRefs } from '../../secrets/refs.js';
import type { SecretStore } from '../../secrets/store.js';
import {
  activateApp,
  addClientSecret,
  clientIdOf,
  createApp,
  desiredApp,
  findAppsByLabel,
  isServiceApp,
  jwkIdsOf,
  listClientSecrets,
  replaceApp,
} from '../resources/apps.js';
import {
  activateAuthServer,
  createAuthServer,
  desiredAuthServer,
  findAuthServersByName,
  replaceAuthServer,
} from '../resources/authorization-servers.js';
import type { OktaClient } from '../client.js';
import { isNameTaken } from '../errors.js';
import { generateClientKeyPair, publicJwkOf } from '../keys.js';
import {
  appChanges,
  authServerChanges,
  orphanItem,
  policyChanges,
  ruleChanges,
  scopeChanges,
  type ObjectKind,
} from './plan.js';
import { retire } from '../../rotate/okta-credentials.js';
import type { Observed } from './observe.js';
import {
  activatePolicy,
  createPolicy,
  deletePolicy,
  desiredPolicy,
  listPolicies,
  policyClients,
  replacePolicy,
} from '../resources/policies.js';
import { activateRule, createRule, deleteRule, desiredRule, listRules, replaceRule } from '../resources/rules.js';
import { createScope, deleteScope, desiredScope, listScopes, replaceScope } from '../resources/scopes.js';
import { objectNames, type SetupSpec } from './spec.js';
import { issuerFor, type OktaState, type StateRecorder } from './state.js';
import { APP_NOTE, OWNERSHIP_MARKER, appIsMarked, withMarker } from './ownership.js';
import type { JsonWebKeyLike, OktaApp, OktaAuthServer, OktaPolicy, OktaRule, OktaScope } from '../types.js';

/**
 * Applies the desired setup over what exists, in dependency order: the app and the authorization server in
 * parallel, then the scopes and the policy in parallel, then the rule; everything ACTIVE. The project state is
 * written once at the end of each step (whether it succeeded or not) with every id the step made, and a new client
 * secret or private key goes to the keychain in the next step, which ends only once it is kept. So an interrupted
 * run is completed by the next one (which also finds by name what an interrupted step made, and gives an app whose
 * credential was not kept a new one), without duplicates.
 */
interface ApplyEvent {
  kind: ObjectKind;
  name: string;
  action: 'created' | 'updated' | 'activated' | 'deleted' | 'adopted';
  id?: string;
}

interface ApplyContext {
  client: OktaClient;
  profile: string;
  secrets: SecretStore;
  recorder: StateRecorder;
  report?: (event: ApplyEvent) => void;
}

export async function apply(ctx: ApplyContext, spec: SetupSpec, observed: Observed): Promise<OktaState> {
  const names = objectNames(spec);
  const report = ctx.report ?? (() => undefined);
  const orgUrl = ctx.client.orgUrl;
  if (!observed.app?.id || observed.credential === 'missing') await preflight(ctx, spec, Boolean(observed.app?.id));
  // The setup goes to the state before the first write, so a bare "init" completes an interrupted run.
  const adopted = Object.keys(observed.adopted).length ? { ...observed.adopted } : undefined;
  // With it, the label of an app about to be made (see OktaState.creatingApp).
  const creatingApp = observed.app?.id ? ctx.recorder.current.creatingApp : names.app;
  await ctx.recorder.update({ orgUrl, spec, marker: OWNERSHIP_MARKER, adopted, creatingApp });

  const [appResult, serverResult] = await ctx.recorder.step(() =>
    Promise.allSettled([
      ensureApp(ctx, spec, observed, names.app, report),
      ensureAuthServer(ctx, spec, observed.authServer, names.authServer, report, Boolean(observed.adopted.authServer)),
    ]),
  );
  if (appResult.status === 'rejected') throw appResult.reason;
  const { app, keepCredential } = appResult.value;
  if (serverResult.status === 'rejected') {
    // The app was made: its credential is kept before the run stops, or the next run could not use it.
    await keepCredential?.();
    throw serverResult.reason;
  }
  const server = serverResult.value;
  const clientId = clientIdOf(app) as string;
  const serverId = server.id as string;

  // Scopes and the policy do not depend on each other: one round trip for both. The rule needs both.
  const ensureScopes = () =>
    Promise.allSettled(
      spec.scopes.map(async (scope) => {
        const existing = observed.scopes.find((s) => s.name === scope.name);
        const body = desiredScope(scope);
        let result: OktaScope;
        if (!existing?.id) {
          const made = await createChecked(
            () => createScope(ctx.client, serverId, body),
            async () => (await listScopes(ctx.client, serverId)).find((s) => s.name === scope.name),
          );
          result = made.value;
          report({ kind: 'scope', name: scope.name, action: made.adopted ? 'adopted' : 'created', id: result.id });
        } else if (scopeChanges(scope, existing).length) {
          result = await replaceScope(ctx.client, serverId, existing.id, { ...forReplace(existing), ...body });
          report({ kind: 'scope', name: scope.name, action: 'updated', id: existing.id });
        } else {
          result = existing;
        }
        const id = result.id ?? existing?.id;
        if (id) ctx.recorder.record({ scopeIds: { ...(ctx.recorder.current.scopeIds ?? {}), [scope.name]: id } });
        return result;
      }),
    );
  const ensurePolicy = async (): Promise<OktaPolicy> => {
    const clients = policyClients(spec.allClients, clientId);
    let policy = observed.authServer?.id === serverId ? observed.policy : undefined;
    if (!policy?.id) {
      const made = await createChecked(
        () => createPolicy(ctx.client, serverId, desiredPolicy(names.policy, withMarker(spec.description), clients)),
        async () => (await listPolicies(ctx.client, serverId)).find((p) => p.name === names.policy),
      );
      policy = made.value;
      report({ kind: 'policy', name: names.policy, action: made.adopted ? 'adopted' : 'created', id: policy.id });
      if (made.adopted) policy = await updatePolicy(ctx, spec, serverId, policy, clientId, report);
    } else {
      policy = await updatePolicy(ctx, spec, serverId, policy, clientId, report, Boolean(observed.adopted.policy));
    }
    ctx.recorder.record({ policyId: policy.id });
    return policy;
  };
  // A new app's credential is kept while this step's requests are on the wire: started after them, as the keychain
  // opens its entry (which blocks this thread for several milliseconds) only once they are out.
  const [scopeResults, policyResult, credentialResult] = await ctx.recorder.step(() =>
    Promise.allSettled([ensureScopes(), ensurePolicy(), keepCredential?.()]),
  );
  if (credentialResult.status === 'rejected') throw credentialResult.reason;
  const failedScope =
    scopeResults.status === 'fulfilled'
      ? scopeResults.value.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      : scopeResults;
  if (failedScope) throw failedScope.reason;
  if (policyResult.status === 'rejected') throw policyResult.reason;
  const policy = policyResult.value;
  const policyId = policy.id as string;
  // The rule, then the scopes no longer in the setup; the last step.
  return ctx.recorder.step(async () => {
    let rule = observed.policy?.id === policyId ? observed.rule : undefined;
    if (!rule?.id) {
      const made = await createChecked(
        () =>
          createRule(
            ctx.client,
            serverId,
            policyId,
            desiredRule(
              names.rule,
              spec.scopes.map((s) => s.name),
              spec.tokenLifetimeMinutes,
            ),
          ),
        async () => (await listRules(ctx.client, serverId, policyId)).find((r) => r.name === names.rule),
      );
      rule = made.value;
      report({ kind: 'rule', name: names.rule, action: made.adopted ? 'adopted' : 'created', id: rule.id });
      if (made.adopted) rule = await updateRule(ctx, spec, serverId, policyId, rule, report);
    } else {
      rule = await updateRule(ctx, spec, serverId, policyId, rule, report);
    }
    ctx.recorder.record({ ruleId: rule.id });

    // Scopes no longer in the setup go last: the rule no longer names them.
    if (observed.authServer?.id === serverId) {
      for (const id of observed.staleScopeIds) {
        const stale = observed.scopes.find((s) => s.id === id);
        await deleteScope(ctx.client, serverId, id);
        report({ kind: 'scope', name: stale?.name ?? id, action: 'deleted', id });
      }
    }
    if (observed.authServer?.id === serverId) await removeOrphans(ctx, observed, serverId, report);
    const wanted = new Set(spec.scopes.map((s) => s.name));
    const scopeIds = Object.fromEntries(
      Object.entries(ctx.recorder.current.scopeIds ?? {}).filter(([name]) => wanted.has(name)),
    );

    const final: Partial<OktaState> = {
      scopes: spec.scopes.map((s) => s.name),
      scopeIds,
      spec,
      // token get reads it: a DPoP-bound app's tokens are asked for with a proof, unasked.
      dpop: spec.dpop ? true : undefined,
    };
    if (spec.defaultScope) final.defaultScope = spec.defaultScope;
    else final.defaultScope = undefined;
    if (spec.authMethod !== 'private_key_jwt') final.keyId = undefined;
    ctx.recorder.record(final);
    return ctx.recorder.current;
  });
}

/**
 * What an earlier run left (observe's orphans, each checked there: marked, of the setup's names, not recorded, not
 * in use), last: the setup itself is complete by then. A policy goes with its rules; a secret is deactivated first.
 */
async function removeOrphans(
  ctx: ApplyContext,
  observed: Observed,
  serverId: string,
  report: (event: ApplyEvent) => void,
): Promise<void> {
  for (const orphan of observed.orphans) {
    const name = orphanItem(orphan).name;
    if (orphan.kind === 'policy') await deletePolicy(ctx.client, serverId, orphan.id);
    else if (orphan.kind === 'rule' && orphan.policyId)
      await deleteRule(ctx.client, serverId, orphan.policyId, orphan.id);
    else if (orphan.kind === 'secret' && observed.app?.id)
      await retire(ctx.client, observed.app.id, 'secrets', orphan.id);
    else continue;
    report({ kind: 'orphan', name, action: 'deleted', id: orphan.id });
  }
}

/**
 * A new client secret or private key must be kept where the user can get it: the keychain. An environment variable
 * provides the secret of an app that exists, and cannot keep a new one. Checked with a real write (and delete)
 * before anything is written to Okta or the state.
 */
async function preflight(ctx: ApplyContext, spec: SetupSpec, appExists: boolean): Promise<void> {
  const pkj = spec.authMethod === 'private_key_jwt';
  const credential = pkj ? 'private key' : 'client secret';
  await keychainPreflight(ctx.secrets, ctx.profile, {
    message: `init needs the OS keychain to keep ${appExists ? `a new ${credential} for the app` : `the new app's ${credential}`}, and it cannot be reached; nothing was changed.`,
    hint:
      'Run the first init where a keychain is available (on Linux: a Secret Service such as gnome-keyring); ' +
      `after that, init runs without one when ${pkj ? 'OKTA_M2M_CLIENT_PRIVATE_KEY' : 'OKTA_M2M_CLIENT_SECRET'} holds the app's ${credential}.`,
  });
}

async function ensureApp(
  ctx: ApplyContext,
  spec: SetupSpec,
  observed: Observed,
  label: string,
  report: (event: ApplyEvent) => void,
): Promise<{ app: OktaApp; keepCredential?: () => Promise<void> }> {
  const pkj = spec.authMethod === 'private_key_jwt';
  let app = observed.app;
  if (!app?.id) {
    const keyPair = pkj ? await generateClientKeyPair() : undefined;
    if (keyPair) registerSecret(keyPair.privateKeyPem);
    const made = await createChecked(
      () =>
        createApp(ctx.client, markedApp(desiredApp(label, spec.authMethod, keyPair?.publicJwk, Boolean(spec.dpop)))),
      async () => (await findAppsByLabel(ctx.client, label)).filter(isServiceApp)[0],
    );
    app = made.value;
    const clientId = clientIdOf(app) as string;
    // The credential Okta made with the app, or the key registered with it, kept by the caller (see apply).
    let keepCredential: (() => Promise<void>) | undefined;
    const secret = app.credentials?.oauthClient?.client_secret;
    if (secret) {
      registerSecret(secret);
      if (!pkj) keepCredential = () => ctx.secrets.set(secretRefs.clientSecret(ctx.profile, clientId), secret);
      delete app.credentials?.oauthClient?.client_secret;
    }
    report({ kind: 'app', name: label, action: made.adopted ? 'adopted' : 'created', id: app.id });
    let keyId: string | undefined;
    if (keyPair && jwkIdsOf(app).includes(keyPair.publicJwk.kid)) {
      keepCredential = () => ctx.secrets.set(secretRefs.clientPrivateKey(ctx.profile, clientId), keyPair.privateKeyPem);
      keyId = keyPair.publicJwk.kid;
    }
    ctx.recorder.record({ appId: app.id, clientId, authMethod: spec.authMethod, keyId, creatingApp: undefined });
    if (made.adopted) {
      // Made by an earlier attempt whose answer was lost: bring it to the setup, and give it a credential we hold.
      // It carries the marker that attempt sent, or gets it now (as an adopted server and policy get theirs). The
      // key that attempt registered is kept first: the calls that follow may fail.
      await keepCredential?.();
      keepCredential = undefined;
      if (!appIsMarked(app)) {
        app = await replaceApp(ctx.client, app.id as string, markedApp(forReplace(app)));
        delete app.credentials?.oauthClient?.client_secret;
      }
      app = await updateApp(ctx, spec, app, label, report);
      if (!pkj) {
        const kept = await rotateSecret(ctx, app, report);
        // The secret Okta made with the app went out in the answer that was lost: nobody holds it.
        await retireOtherSecrets(ctx, app, kept);
      } else if (!keyId) app = await registerNewKey(ctx, spec, app, label, report);
    }
    return keepCredential ? { app, keepCredential } : { app };
  }

  app = await updateApp(ctx, spec, app, label, report, observed.credential);
  return { app };
}

async function updateApp(
  ctx: ApplyContext,
  spec: SetupSpec,
  existing: OktaApp,
  label: string,
  report: (event: ApplyEvent) => void,
  credential?: Observed['credential'],
): Promise<OktaApp> {
  const pkj = spec.authMethod === 'private_key_jwt';
  const appId = existing.id as string;
  const clientId = clientIdOf(existing) as string;
  const changes = appChanges(spec, existing);
  let app = existing;
  let keyId: string | undefined;
  let jwk: JsonWebKeyLike | undefined;
  let newPrivateKey: string | undefined;
  if (pkj && credential !== undefined && credential !== 'present') {
    const stored =
      credential === 'key-not-registered'
        ? await ctx.secrets.get(secretRefs.clientPrivateKey(ctx.profile, clientId))
        : undefined;
    if (stored) {
      jwk = await publicJwkOf(stored);
    } else {
      const pair = await generateClientKeyPair();
      registerSecret(pair.privateKeyPem);
      jwk = pair.publicJwk;
      newPrivateKey = pair.privateKeyPem;
    }
    keyId = jwk.kid;
  } else if (pkj && credential === 'present' && !ctx.recorder.current.keyId) {
    const stored = await ctx.secrets.get(secretRefs.clientPrivateKey(ctx.profile, clientId));
    if (stored) keyId = (await publicJwkOf(stored)).kid;
  }
  if (changesBeyondStatus(changes) || jwk) {
    const body = mergeApp(existing, label, spec, jwk);
    if (newPrivateKey) {
      // Keep the key before Okta trusts it: a key Okta trusts that we lost would be useless, the reverse is harmless.
      await ctx.secrets.set(secretRefs.clientPrivateKey(ctx.profile, clientId), newPrivateKey);
    }
    app = await replaceApp(ctx.client, appId, body);
    const returned = app.credentials?.oauthClient?.client_secret;
    delete app.credentials?.oauthClient?.client_secret;
    if (returned && !pkj && credential === 'missing') {
      // Okta made a secret as the method changed to a secret one: keep it rather than making another.
      registerSecret(returned);
      await ctx.secrets.set(secretRefs.clientSecret(ctx.profile, clientId), returned);
      credential = 'present';
    }
    report({
      kind: jwk && changes.length === 0 ? 'credential' : 'app',
      name: jwk && changes.length === 0 ? 'key pair' : label,
      action: 'updated',
      id: appId,
    });
  }
  if (existing.status !== 'ACTIVE') {
    await activateApp(ctx.client, appId);
    app = { ...app, status: 'ACTIVE' };
    report({ kind: 'app', name: label, action: 'activated', id: appId });
  }
  // A run stopped between creating this app and keeping its secret: that secret reached no one.
  const stoppedCreate = ctx.recorder.current.creatingApp === label;
  const patch: Partial<OktaState> = { appId, clientId, authMethod: spec.authMethod, creatingApp: undefined };
  if (keyId) patch.keyId = keyId;
  ctx.recorder.record(patch);
  if (!pkj && credential === 'missing') {
    const kept = await rotateSecret(ctx, app, report);
    if (stoppedCreate) await retireOtherSecrets(ctx, app, kept);
  }
  return app;
}

/** A new app carries okta-m2m's marker in its admin notes. */
function markedApp(app: OktaApp): OktaApp {
  return { ...app, settings: { ...(app.settings ?? {}), notes: { admin: APP_NOTE } } };
}

function mergeApp(existing: OktaApp, label: string, spec: SetupSpec, jwk: JsonWebKeyLike | undefined): OktaApp {
  const body = forReplace(existing);
  body.label = label;
  body.credentials = { ...(body.credentials ?? {}) };
  body.credentials.oauthClient = {
    ...(body.credentials.oauthClient ?? {}),
    token_endpoint_auth_method: spec.authMethod,
  };
  delete body.credentials.oauthClient.client_secret;
  body.settings = { ...(body.settings ?? {}) };
  body.settings.oauthClient = {
    ...(body.settings.oauthClient ?? {}),
    application_type: 'service',
    grant_types: ['client_credentials'],
    dpop_bound_access_tokens: Boolean(spec.dpop),
  };
  if (jwk) body.settings.oauthClient.jwks = { keys: [jwk] };
  return body;
}

async function registerNewKey(
  ctx: ApplyContext,
  spec: SetupSpec,
  app: OktaApp,
  label: string,
  report: (event: ApplyEvent) => void,
): Promise<OktaApp> {
  return updateApp(ctx, spec, app, label, report, 'missing');
}

/** A new client secret in place of one we lost; stored in the keychain the moment Okta shows it. Its id. */
async function rotateSecret(
  ctx: ApplyContext,
  app: OktaApp,
  report: (event: ApplyEvent) => void,
): Promise<string | undefined> {
  const clientId = clientIdOf(app) as string;
  const { secret, id } = await addClientSecret(ctx.client, app.id as string);
  registerSecret(secret);
  await ctx.secrets.set(secretRefs.clientSecret(ctx.profile, clientId), secret);
  report({ kind: 'credential', name: 'client secret', action: 'created', ...(id ? { id } : {}) });
  return id;
}

/** Deactivates and deletes the app's other secrets (the one just made stays); reported as orphans removed. */
async function retireOtherSecrets(ctx: ApplyContext, app: OktaApp, kept: string | undefined): Promise<void> {
  if (!kept) return;
  const appId = app.id as string;
  for (const other of await listClientSecrets(ctx.client, appId)) {
    if (!other.id || other.id === kept) continue;
    await retire(ctx.client, appId, 'secrets', other.id);
    ctx.report?.({ kind: 'orphan', name: 'client secret', action: 'deleted', id: other.id });
  }
}

async function ensureAuthServer(
  ctx: ApplyContext,
  spec: SetupSpec,
  existing: OktaAuthServer | undefined,
  name: string,
  report: (event: ApplyEvent) => void,
  adopted: boolean,
): Promise<OktaAuthServer> {
  let server = existing;
  if (!server?.id) {
    const made = await createChecked(
      () => createAuthServer(ctx.client, desiredAuthServer(name, withMarker(spec.description), spec.audience)),
      async () => (await findAuthServersByName(ctx.client, name))[0],
    );
    server = made.value;
    report({ kind: 'authServer', name, action: made.adopted ? 'adopted' : 'created', id: server.id });
  }
  const id = server.id as string;
  const changes = authServerChanges(spec, server, adopted && server === existing);
  if (changesBeyondStatus(changes)) {
    server = await replaceAuthServer(ctx.client, id, {
      ...stripLinks(server),
      name,
      description: adopted && server === existing ? server.description : withMarker(spec.description),
      audiences: [spec.audience],
    });
    report({ kind: 'authServer', name, action: 'updated', id });
  }
  if (server.status !== undefined && server.status !== 'ACTIVE') {
    await activateAuthServer(ctx.client, id);
    server = { ...server, status: 'ACTIVE' };
    report({ kind: 'authServer', name, action: 'activated', id });
  }
  const issuer = issuerFor(ctx.client.orgUrl, id);
  ctx.recorder.record({
    authServerId: id,
    issuer,
    tokenEndpoint: `${issuer}/v1/token`,
    audience: spec.audience,
  });
  return server;
}

async function updatePolicy(
  ctx: ApplyContext,
  spec: SetupSpec,
  serverId: string,
  policy: OktaPolicy,
  clientId: string,
  report: (event: ApplyEvent) => void,
  adopted = false,
): Promise<OktaPolicy> {
  const names = objectNames(spec);
  const id = policy.id as string;
  const changes = policyChanges(spec, policy, clientId, adopted);
  let result = policy;
  if (changesBeyondStatus(changes)) {
    const body = stripLinks(policy);
    result = await replacePolicy(ctx.client, serverId, id, {
      ...body,
      name: names.policy,
      description: adopted ? policy.description : withMarker(spec.description),
      conditions: { ...(body.conditions ?? {}), clients: { include: policyClients(spec.allClients, clientId) } },
    });
    report({ kind: 'policy', name: names.policy, action: 'updated', id });
  }
  if (policy.status !== undefined && policy.status !== 'ACTIVE') {
    await activatePolicy(ctx.client, serverId, id);
    result = { ...result, status: 'ACTIVE' };
    report({ kind: 'policy', name: names.policy, action: 'activated', id });
  }
  return result;
}

async function updateRule(
  ctx: ApplyContext,
  spec: SetupSpec,
  serverId: string,
  policyId: string,
  rule: OktaRule,
  report: (event: ApplyEvent) => void,
): Promise<OktaRule> {
  const names = objectNames(spec);
  const id = rule.id as string;
  const changes = ruleChanges(spec, rule);
  let result = rule;
  if (changesBeyondStatus(changes)) {
    const desired = desiredRule(
      names.rule,
      spec.scopes.map((s) => s.name),
      spec.tokenLifetimeMinutes,
    );
    const body = stripLinks(rule);
    // Keep what others attach (a token inline hook) and what Okta numbers (priority).
    result = await replaceRule(ctx.client, serverId, policyId, id, {
      ...body,
      name: names.rule,
      conditions: { ...(body.conditions ?? {}), ...desired.conditions },
      actions: {
        ...(body.actions ?? {}),
        token: { ...(body.actions?.token ?? {}), accessTokenLifetimeMinutes: spec.tokenLifetimeMinutes },
      },
    });
    report({ kind: 'rule', name: names.rule, action: 'updated', id });
  }
  if (rule.status !== undefined && rule.status !== 'ACTIVE') {
    await activateRule(ctx.client, serverId, policyId, id);
    result = { ...result, status: 'ACTIVE' };
    report({ kind: 'rule', name: names.rule, action: 'activated', id });
  }
  return result;
}

/**
 * An object Okta returned, ready to be sent back in a replace: without links and the read-only timestamps (the
 * SDK's serializer wants Date objects there, and Okta ignores them anyway).
 */
const READ_ONLY = new Set([
  '_links',
  '_embedded',
  'created',
  'lastUpdated',
  'lastRotated',
  'nextRotation',
  'expiresAt',
]);

export function forReplace<T extends object>(value: T): T {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node)
          .filter(([key]) => !READ_ONLY.has(key))
          .map(([key, child]) => [key, strip(child)]),
      );
    }
    return node;
  };
  return strip(JSON.parse(JSON.stringify(value))) as T;
}

const stripLinks = forReplace;

/** Whether a failed create may have happened anyway (the answer was lost): a 5xx or a dropped connection. */
export function outcomeUnknown(error: unknown): boolean {
  if (error instanceof RemoteError) return error.status === undefined || error.status >= 500;
  return !(error instanceof CliError);
}

/** Okta's create-or-adopt: "name taken" (see isNameTaken) and a lost answer adopt what an earlier run made. */
export async function createChecked<T>(
  create: () => Promise<T>,
  find: () => Promise<T | undefined>,
  attempts?: number,
): Promise<{ value: T; adopted: boolean }> {
  const { value, adopted } = await createOrAdopt({
    create,
    find,
    isTaken: isNameTaken,
    outcomeUnknown,
    ...(attempts ? { attempts } : {}),
  });
  return { value, adopted };
}
