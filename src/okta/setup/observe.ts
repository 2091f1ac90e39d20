import { ConflictError } from '../../errors.js';
import { clientIdOf, findAppsByLabel, getApp, isServiceApp, jwkIdsOf } from '../resources/apps.js';
import { findAuthServersByName, getAuthServer } from '../resources/authorization-servers.js';
import type { OktaClient } from '../client.js';
import { getPolicy, listPolicies } from '../resources/policies.js';
import { getRule, listRules } from '../resources/rules.js';
import { listScopes } from '../resources/scopes.js';
import { objectNames, type SetupSpec } from './spec.js';
import type { OktaState } from './state.js';
import type { OktaApp, OktaAuthServer, OktaPolicy, OktaRule, OktaScope } from '../types.js';

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
}

export interface CredentialLookup {
  /** The stored client secret or private key of the client, if any. */
  hasSecret(clientId: string): Promise<boolean>;
  /** The key id (RFC 7638 thumbprint) of the stored private key, if there is one. */
  privateKeyId(clientId: string): Promise<string | undefined>;
}

/** Reads what exists; GETs only. */
export async function observe(
  client: OktaClient,
  spec: SetupSpec,
  state: OktaState | undefined,
  credentials: CredentialLookup,
): Promise<Observed> {
  const names = objectNames(spec);
  const ids = state && state.orgUrl === client.orgUrl ? state : undefined;
  // With ids from a previous run, everything is read by id at once (one round trip), and checked afterwards.
  const recordedServer = ids?.authServerId;
  const early = recordedServer
    ? {
        scopes: settle(listScopes(client, recordedServer)),
        policy: ids.policyId ? settle(getPolicy(client, recordedServer, ids.policyId)) : undefined,
        rule: ids.policyId && ids.ruleId ? settle(getRule(client, recordedServer, ids.policyId, ids.ruleId)) : undefined,
      }
    : undefined;
  const [app, authServer] = await Promise.all([
    findApp(client, names.app, ids?.appId),
    findAuthServer(client, names.authServer, ids?.authServerId),
  ]);
  let scopes: OktaScope[] = [];
  let policy: OktaPolicy | undefined;
  let rule: OktaRule | undefined;
  if (authServer?.id && early && authServer.id === recordedServer) {
    const serverId = authServer.id;
    scopes = (await settled(early.scopes)).filter((s) => !s.system);
    policy = (early.policy ? await settled(early.policy) : undefined) ?? (await findPolicy(client, serverId, names.policy, undefined));
    if (policy?.id) {
      const byId = policy.id === ids?.policyId && early.rule ? await settled(early.rule) : undefined;
      rule = byId ?? (await findRule(client, serverId, policy.id, names.rule, undefined));
    }
  } else if (authServer?.id) {
    const serverId = authServer.id;
    const [allScopes, foundPolicy] = await Promise.all([
      listScopes(client, serverId),
      findPolicy(client, serverId, names.policy, undefined),
    ]);
    scopes = allScopes.filter((s) => !s.system);
    policy = foundPolicy;
    if (policy?.id) rule = await findRule(client, serverId, policy.id, names.rule, undefined);
  }
  const wanted = new Set(spec.scopes.map((s) => s.name));
  const recorded = new Set(Object.values(ids?.scopeIds ?? {}));
  const staleScopeIds = scopes.filter((s) => s.id && recorded.has(s.id) && !wanted.has(s.name ?? '')).map((s) => s.id as string);

  let credential: CredentialState = 'missing';
  const clientId = app ? clientIdOf(app) : undefined;
  if (app && clientId) {
    if (spec.authMethod === 'private_key_jwt') {
      const storedKid = await credentials.privateKeyId(clientId);
      const recordedKid = ids?.clientId === clientId ? ids.keyId : undefined;
      const onApp = jwkIdsOf(app);
      credential = !storedKid
        ? 'missing'
        : onApp.includes(storedKid) || (recordedKid !== undefined && onApp.includes(recordedKid))
          ? 'present'
          : 'key-not-registered';
    } else {
      credential = (await credentials.hasSecret(clientId)) ? 'present' : 'missing';
    }
  }
  const observed: Observed = { scopes, credential, staleScopeIds };
  if (app) observed.app = app;
  if (authServer) observed.authServer = authServer;
  if (policy) observed.policy = policy;
  if (rule) observed.rule = rule;
  return observed;
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

async function findApp(client: OktaClient, label: string, appId: string | undefined): Promise<OktaApp | undefined> {
  if (appId) {
    const app = await getApp(client, appId);
    if (app && app.status !== 'DELETED') return app;
  }
  const matches = await findAppsByLabel(client, label);
  const services = matches.filter(isServiceApp);
  if (services.length > 1) {
    throw new ConflictError(`There are ${services.length} service apps named "${label}" (${services.map((a) => a.id).join(', ')}).`, {
      hint: 'Delete the extra ones in the Okta Admin Console, or choose another --name.',
    });
  }
  if (services.length === 0 && matches.length > 0) {
    throw new ConflictError(`An app named "${label}" exists and is not a client credentials service app.`, {
      hint: 'Choose another --name.',
    });
  }
  return services[0];
}

async function findAuthServer(client: OktaClient, name: string, id: string | undefined): Promise<OktaAuthServer | undefined> {
  if (id) {
    const server = await getAuthServer(client, id);
    if (server) return server;
  }
  const matches = await findAuthServersByName(client, name);
  if (matches.length > 1) {
    throw new ConflictError(`There are ${matches.length} authorization servers named "${name}" (${matches.map((s) => s.id).join(', ')}).`, {
      hint: 'Delete the extra ones in the Okta Admin Console, or choose another --name.',
    });
  }
  return matches[0];
}

async function findPolicy(client: OktaClient, serverId: string, name: string, id: string | undefined): Promise<OktaPolicy | undefined> {
  if (id) {
    const policy = await getPolicy(client, serverId, id);
    if (policy) return policy;
  }
  const matches = (await listPolicies(client, serverId)).filter((p) => p.name === name);
  return oldest(matches);
}

async function findRule(client: OktaClient, serverId: string, policyId: string, name: string, id: string | undefined): Promise<OktaRule | undefined> {
  if (id) {
    const rule = await getRule(client, serverId, policyId, id);
    if (rule) return rule;
  }
  const matches = (await listRules(client, serverId, policyId)).filter((r) => r.name === name);
  return oldest(matches);
}

function oldest<T extends object>(items: T[]): T | undefined {
  const created = (x: T) => String((x as { created?: unknown }).created ?? '');
  return [...items].sort((a, b) => created(a).localeCompare(created(b)))[0];
}
