import { ConflictError } from '../../errors.js';
import { clientIdOf, findAppsByLabel, getApp, isServiceApp, jwkIdsOf, listClientSecrets } from '../resources/apps.js';
import { findAuthServersByName, getAuthServer } from '../resources/authorization-servers.js';
import type { OktaClient } from '../client.js';
import { getPolicy, listPolicies } from '../resources/policies.js';
import { getRule, listRules } from '../resources/rules.js';
import { listScopes } from '../resources/scopes.js';
import { recordedElseNamed } from '../../reconcile/find-recorded.js';
import { objectNames, type SetupSpec } from './spec.js';
import type { OktaState } from './state.js';
import { appIsMarked, isMarked, notMadeByUs, notThisSetup, type Adopted } from './ownership.js';
import type { OktaApp, OktaAuthServer, OktaClientSecret, OktaPolicy, OktaRule, OktaScope } from '../types.js';

/**
 * What exists: read by the ids in the project state first, else found by exact name. GETs only.
 */
/** Whether the app's credential is where init keeps it. */
export type CredentialState = 'present' | 'missing' | 'key-not-registered';

export interface Observed {
  app?: OktaApp;
  authServer?: OktaAuthServer;
  /** The server's own (non-system) scopes. */
  scopes: OktaScope[];
  policy?: OktaPolicy;
  rule?: OktaRule;
  credential: CredentialState;
  /** Ids of scopes init made earlier (from state) that the spec no longer lists. */
  staleScopeIds: string[];
  /** Objects that exist without okta-m2m's marker, taken over with --adopt (or earlier, as the state records). */
  adopted: Adopted;
  /** Of those, the ones this run takes over (not yet recorded in the state). */
  adopting: Adopted;
  /** What a concurrent or interrupted run left beside the setup's objects: offered for removal. */
  orphans: Orphan[];
}

/**
 * An object of this setup that the state does not record and that is not the one in use: an access policy with
 * okta-m2m's marker and the setup's policy name, a rule of the setup's name in the setup's (marked) policy (rules
 * carry no description: their policy's marker is theirs), or an ACTIVE client secret of the setup's app that is
 * not the one in the keychain nor one a rotation in progress records.
 */
export interface Orphan {
  kind: 'policy' | 'rule' | 'secret';
  id: string;
  name: string;
  /** For a rule: its policy. */
  policyId?: string;
}

export interface ObserveOptions {
  /** --adopt: objects of the setup's names that okta-m2m did not make may be taken over. */
  adopt?: boolean;
  /**
   * A client secret rotation in progress for the app (src/rotate's state): its secrets are never orphans. Without
   * the new secret's id yet (step "started"), no secret of the app is.
   */
  secretRotation?: { appId: string; secretIds: string[]; complete: boolean };
}

export interface CredentialLookup {
  /** The stored client secret or private key of the client, if any. */
  hasSecret(clientId: string): Promise<boolean>;
  /** The key id (RFC 7638 thumbprint) of the stored private key, if there is one. */
  privateKeyId(clientId: string): Promise<string | undefined>;
  /** The client secrets the keychain holds for the client (the one in use, and a rotation's new and old). */
  secretValues(clientId: string, rotating: boolean): Promise<string[]>;
}

/** Reads what exists; GETs only. */
export async function observe(
  client: OktaClient,
  spec: SetupSpec,
  state: OktaState | undefined,
  credentials: CredentialLookup,
  options: ObserveOptions = {},
): Promise<Observed> {
  const names = objectNames(spec);
  const ids = state && state.orgUrl === client.orgUrl ? state : undefined;
  const adopted: Adopted = {};
  // Objects read by the state's ids carry the names of the setup that recorded them (a rename is a planned change).
  const recordedNames = ids?.spec?.name ? objectNames(ids.spec) : names;
  const mayAdopt = (kind: keyof Adopted) => Boolean(options.adopt || ids?.adopted?.[kind]);
  // With ids from a previous run, everything is read by id at once (one round trip), and checked afterwards.
  const recordedServer = ids?.authServerId;
  const early = recordedServer
    ? {
        scopes: settle(listScopes(client, recordedServer)),
        policy: ids.policyId ? settle(getPolicy(client, recordedServer, ids.policyId)) : undefined,
        rule:
          ids.policyId && ids.ruleId ? settle(getRule(client, recordedServer, ids.policyId, ids.ruleId)) : undefined,
        // What the orphan check reads, in the same round trip.
        policies: settle(listPolicies(client, recordedServer)),
        rules: ids.policyId ? settle(listRules(client, recordedServer, ids.policyId)) : undefined,
      }
    : undefined;
  // The keychain is asked about the recorded client's credential while those reads are on the wire.
  const pkj = spec.authMethod === 'private_key_jwt';
  const earlySecrets =
    !pkj && ids?.appId && ids.clientId
      ? {
          appId: ids.appId,
          listed: settle(listClientSecrets(client, ids.appId)),
          values: settle(credentials.secretValues(ids.clientId, options.secretRotation !== undefined)),
        }
      : undefined;
  const earlyKid = pkj && ids?.clientId ? settle(credentials.privateKeyId(ids.clientId)) : undefined;
  const earlySecret = !pkj && ids?.clientId ? settle(credentials.hasSecret(ids.clientId)) : undefined;
  const [app, authServer] = await Promise.all([
    findApp(client, names.app, ids?.appId, recordedNames.app),
    findAuthServer(client, names.authServer, ids?.authServerId, recordedNames.authServer),
  ]);
  // Only this setup's objects: the remote name matches, and okta-m2m's marker is on it (or it is adopted).
  if (app?.id && !appIsMarked(app)) {
    if (!mayAdopt('app')) throw notMadeByUs('app', app.id, names.app);
    adopted.app = true;
  }
  if (authServer?.id && !isMarked(authServer.description)) {
    if (!mayAdopt('authServer')) throw notMadeByUs('authServer', authServer.id, names.authServer);
    adopted.authServer = true;
  }
  let scopes: OktaScope[] = [];
  let policy: OktaPolicy | undefined;
  let rule: OktaRule | undefined;
  if (authServer?.id && early && authServer.id === recordedServer) {
    const serverId = authServer.id;
    scopes = (await settled(early.scopes)).filter((s) => !s.system);
    policy =
      (early.policy ? await settled(early.policy) : undefined) ?? (await findPolicy(client, serverId, names.policy));
    if (policy?.id && policy.name !== names.policy && policy.name !== recordedNames.policy)
      throw notThisSetup('policy', policy.id, policy.name, names.policy);
    if (policy?.id) {
      const byId = policy.id === ids?.policyId && early.rule ? await settled(early.rule) : undefined;
      if (byId?.id && byId.name !== names.rule && byId.name !== recordedNames.rule)
        throw notThisSetup('rule', byId.id, byId.name, names.rule);
      rule = byId ?? (await findRule(client, serverId, policy.id, names.rule));
    }
  } else if (authServer?.id) {
    const serverId = authServer.id;
    const [allScopes, foundPolicy] = await Promise.all([
      listScopes(client, serverId),
      findPolicy(client, serverId, names.policy),
    ]);
    scopes = allScopes.filter((s) => !s.system);
    policy = foundPolicy;
    if (policy?.id) rule = await findRule(client, serverId, policy.id, names.rule);
  }
  const wanted = new Set(spec.scopes.map((s) => s.name));
  const recorded = new Set(Object.values(ids?.scopeIds ?? {}));
  const staleScopeIds = scopes
    .filter((s) => s.id && recorded.has(s.id) && !wanted.has(s.name ?? ''))
    .map((s) => s.id as string);

  let credential: CredentialState = 'missing';
  const clientId = app ? clientIdOf(app) : undefined;
  if (app && clientId) {
    const recordedClient = clientId === ids?.clientId;
    if (pkj) {
      const storedKid = recordedClient && earlyKid ? await settled(earlyKid) : await credentials.privateKeyId(clientId);
      const recordedKid = ids?.clientId === clientId ? ids.keyId : undefined;
      const onApp = jwkIdsOf(app);
      credential = !storedKid
        ? 'missing'
        : onApp.includes(storedKid) || (recordedKid !== undefined && onApp.includes(recordedKid))
          ? 'present'
          : 'key-not-registered';
    } else {
      const present =
        recordedClient && earlySecret ? await settled(earlySecret) : await credentials.hasSecret(clientId);
      credential = present ? 'present' : 'missing';
    }
  }
  if (policy?.id && !isMarked(policy.description)) {
    if (!mayAdopt('policy')) throw notMadeByUs('policy', policy.id, names.policy);
    adopted.policy = true;
  }
  const adopting: Adopted = {};
  for (const kind of ['app', 'authServer', 'policy'] as const)
    if (adopted[kind] && !ids?.adopted?.[kind]) adopting[kind] = true;
  const [policyLeft, secretsLeft] = await Promise.all([
    authServer?.id
      ? policyOrphans(client, authServer.id, policy, rule, names, recordedNames, {
          ...(early && authServer.id === recordedServer ? { policies: early.policies } : {}),
          ...(early?.rules && policy?.id === ids?.policyId ? { rules: early.rules } : {}),
        })
      : [],
    app?.id && credential === 'present' && !pkj
      ? secretOrphans(
          client,
          app,
          credentials,
          options.secretRotation,
          earlySecrets?.appId === app.id ? earlySecrets : undefined,
        )
      : [],
  ]);
  const orphans = [...policyLeft, ...secretsLeft];
  const observed: Observed = { scopes, credential, staleScopeIds, adopted, adopting, orphans };
  if (app) observed.app = app;
  if (authServer) observed.authServer = authServer;
  if (policy) observed.policy = policy;
  if (rule) observed.rule = rule;
  return observed;
}

/** Marked policies of the setup's name beside the one in use, and rules of the setup's name beside its rule. */
async function policyOrphans(
  client: OktaClient,
  serverId: string,
  policy: OktaPolicy | undefined,
  rule: OktaRule | undefined,
  names: ReturnType<typeof objectNames>,
  recordedNames: ReturnType<typeof objectNames>,
  started: { policies?: Promise<Settled<OktaPolicy[]>>; rules?: Promise<Settled<OktaRule[]>> } = {},
): Promise<Orphan[]> {
  const ofSetup = (name: string | undefined, own: string, recorded: string) => name === own || name === recorded;
  const [policies, rules] = await Promise.all([
    policy?.id ? (started.policies ? settled(started.policies) : listPolicies(client, serverId)) : [],
    // Rules have no marker of their own: only those in a policy okta-m2m made (not an adopted one).
    policy?.id && rule?.id && isMarked(policy.description)
      ? started.rules
        ? settled(started.rules)
        : listRules(client, serverId, policy.id)
      : [],
  ]);
  const orphans: Orphan[] = [];
  for (const p of policies) {
    if (!p.id || p.id === policy?.id || !isMarked(p.description)) continue;
    if (ofSetup(p.name, names.policy, recordedNames.policy))
      orphans.push({ kind: 'policy', id: p.id, name: p.name ?? '' });
  }
  for (const r of rules) {
    if (!r.id || r.id === rule?.id || !ofSetup(r.name, names.rule, recordedNames.rule)) continue;
    orphans.push({ kind: 'rule', id: r.id, name: r.name ?? '', policyId: policy?.id });
  }
  return orphans;
}

/**
 * ACTIVE client secrets of the app that are none of the keychain's. Okta lists a secret masked to its last four
 * characters ("***MQGQ", listOAuth2ClientSecrets); a secret is the keychain's when those match. When no listed
 * secret matches, which one is in use cannot be told, and none is offered.
 */
async function secretOrphans(
  client: OktaClient,
  app: OktaApp,
  credentials: CredentialLookup,
  rotation: ObserveOptions['secretRotation'],
  started?: { listed: Promise<Settled<OktaClientSecret[]>>; values: Promise<Settled<string[]>> },
): Promise<Orphan[]> {
  const appId = app.id as string;
  const clientId = clientIdOf(app);
  if (!clientId) return [];
  const inFlight = rotation?.appId === appId ? rotation : undefined;
  if (inFlight && !inFlight.complete) return [];
  const [listed, values] = await Promise.all([
    started ? settled(started.listed) : listClientSecrets(client, appId),
    started ? settled(started.values) : credentials.secretValues(clientId, rotation !== undefined),
  ]);
  const known = (masked: string | undefined) =>
    typeof masked === 'string' &&
    values.some((v) => (masked.startsWith('***') ? masked.length > 3 && v.endsWith(masked.slice(3)) : v === masked));
  if (!listed.some((s) => known(s.client_secret))) return [];
  return listed
    .filter((s) => s.id && s.status === 'ACTIVE' && !known(s.client_secret) && !inFlight?.secretIds.includes(s.id))
    .map((s) => ({ kind: 'secret' as const, id: s.id as string, name: 'client secret' }));
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A read started early whose result may go unused: its failure waits to be looked at. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

async function settled<T>(result: Promise<Settled<T>>): Promise<T> {
  const outcome = await result;
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

async function findApp(
  client: OktaClient,
  label: string,
  appId: string | undefined,
  recordedLabel: string,
): Promise<OktaApp | undefined> {
  const setups = setupNamed('app', appId, label, recordedLabel, (app: OktaApp) => app.label);
  return recordedElseNamed(
    appId,
    (id) => getApp(client, id),
    (app) => app.status !== 'DELETED' && setups(app),
    async () => {
      const matches = await findAppsByLabel(client, label);
      const services = matches.filter(isServiceApp);
      if (services.length === 0 && matches.length > 0) {
        throw new ConflictError(`An app named "${label}" exists and is not a client credentials service app.`, {
          hint: 'Choose another --name.',
        });
      }
      return onlyOne(services, 'service apps', label);
    },
  );
}

async function findAuthServer(
  client: OktaClient,
  name: string,
  id: string | undefined,
  recordedName: string,
): Promise<OktaAuthServer | undefined> {
  return recordedElseNamed(
    id,
    (serverId) => getAuthServer(client, serverId),
    setupNamed('authServer', id, name, recordedName, (server: OktaAuthServer) => server.name),
    async () => onlyOne(await findAuthServersByName(client, name), 'authorization servers', name),
  );
}

/** The oldest policy of the server with the name (what an earlier run made first). */
async function findPolicy(client: OktaClient, serverId: string, name: string): Promise<OktaPolicy | undefined> {
  return oldest((await listPolicies(client, serverId)).filter((p) => p.name === name));
}

/** The oldest rule of the policy with the name. */
async function findRule(
  client: OktaClient,
  serverId: string,
  policyId: string,
  name: string,
): Promise<OktaRule | undefined> {
  return oldest((await listRules(client, serverId, policyId)).filter((r) => r.name === name));
}

/**
 * Whether the object a recorded id names is still the setup's: it carries the setup's name, or the name the state
 * recorded; anything else is not this setup's, and is refused.
 */
function setupNamed<T>(
  kind: Parameters<typeof notThisSetup>[0],
  id: string | undefined,
  name: string,
  recordedName: string,
  nameOf: (found: T) => string | undefined,
): (found: T) => boolean {
  return (found) => {
    const actual = nameOf(found);
    if (actual !== name && actual !== recordedName) throw notThisSetup(kind, id ?? '', actual, recordedName);
    return true;
  };
}

/** The one object with the name, if any; two or more is a conflict the user settles. */
function onlyOne<T extends { id?: string }>(matches: T[], kinds: string, name: string): T | undefined {
  if (matches.length > 1) {
    throw new ConflictError(
      `There are ${matches.length} ${kinds} named "${name}" (${matches.map((m) => m.id).join(', ')}).`,
      {
        hint: 'Delete the extra ones in the Okta Admin Console, or choose another --name.',
      },
    );
  }
  return matches[0];
}

function oldest<T extends object>(items: T[]): T | undefined {
  const created = (x: T) => {
    const value = (x as { created?: unknown }).created;
    return typeof value === 'string' ? value : '';
  };
  return [...items].sort((a, b) => created(a).localeCompare(created(b)))[0];
}
