import { secretRefs } from '../../secrets/refs.js';
import type { SecretStore } from '../../secrets/store.js';
import { deleteApp, getApp } from '../resources/apps.js';
import { deleteAuthServer, getAuthServer } from '../resources/authorization-servers.js';
import type { OktaClient } from '../client.js';
import { deletePolicy, getPolicy } from '../resources/policies.js';
import { deleteRule, getRule } from '../resources/rules.js';
import { deleteScope } from '../resources/scopes.js';
import type { OktaState } from './state.js';
import type { ObjectKind } from './plan.js';
import { objectNames } from './spec.js';
import { appIsMarked, isMarked, notMadeByUs, notThisSetup } from './ownership.js';

/**
 * Removes what init made, in reverse order (rule, policy, scopes, authorization server, app), and only what the
 * project state records. Something already gone is not an error. Then the state section and the keychain entries.
 */
interface DestroyEvent {
  kind: ObjectKind;
  id: string;
  name?: string;
  result: 'deleted' | 'already gone';
}

interface DestroyTarget {
  kind: ObjectKind;
  id: string;
  name?: string;
}

/** What destroy would remove, for the confirmation. */
function destroyTargets(state: OktaState): DestroyTarget[] {
  const targets: DestroyTarget[] = [];
  const names = state.spec?.name ? objectNames(state.spec) : undefined;
  if (state.ruleId) targets.push({ kind: 'rule', id: state.ruleId, ...(names ? { name: names.rule } : {}) });
  if (state.policyId) targets.push({ kind: 'policy', id: state.policyId, ...(names ? { name: names.policy } : {}) });
  for (const [name, id] of Object.entries(state.scopeIds ?? {})) targets.push({ kind: 'scope', id, name });
  if (state.authServerId)
    targets.push({ kind: 'authServer', id: state.authServerId, ...(names ? { name: names.authServer } : {}) });
  if (state.appId) targets.push({ kind: 'app', id: state.appId, ...(names ? { name: names.app } : {}) });
  return targets;
}

interface CheckedTargets {
  /** Verified as this setup's and made by okta-m2m: destroy deletes these. */
  targets: DestroyTarget[];
  /** Adopted (not made by okta-m2m) or inside an adopted server: left in place. */
  kept: DestroyTarget[];
}

/**
 * Reads every object the state names before anything is deleted: each must carry the setup's name (and, for the
 * app, the server and the policy, okta-m2m's marker, unless the state records it as adopted). One that does not is
 * a ConflictError naming it, and nothing is deleted. Objects already gone are left to destroy (it says so).
 */
export async function checkTargets(client: OktaClient, state: OktaState): Promise<CheckedTargets> {
  const names = objectNames(state.spec ?? { name: '' });
  const all = destroyTargets(state);
  const serverId = state.authServerId;
  const [app, server, policy, rule] = await Promise.all([
    state.appId ? getApp(client, state.appId) : undefined,
    serverId ? getAuthServer(client, serverId) : undefined,
    serverId && state.policyId ? getPolicy(client, serverId, state.policyId) : undefined,
    serverId && state.policyId && state.ruleId ? getRule(client, serverId, state.policyId, state.ruleId) : undefined,
  ]);
  const adopted = state.adopted ?? {};
  const kept = new Set<DestroyTarget>();
  for (const target of all) {
    if (target.kind === 'app' && app && app.status !== 'DELETED') {
      if (app.label !== names.app) throw notThisSetup('app', target.id, app.label, names.app);
      if (!appIsMarked(app)) {
        if (!adopted.app) throw notMadeByUs('app', target.id, names.app);
        kept.add(target);
      }
    } else if (target.kind === 'authServer' && server) {
      if (server.name !== names.authServer) throw notThisSetup('authServer', target.id, server.name, names.authServer);
      if (!isMarked(server.description)) {
        if (!adopted.authServer) throw notMadeByUs('authServer', target.id, names.authServer);
        kept.add(target);
      }
    } else if (target.kind === 'policy' && policy) {
      if (policy.name !== names.policy) throw notThisSetup('policy', target.id, policy.name, names.policy);
      if (!isMarked(policy.description)) {
        if (!adopted.policy) throw notMadeByUs('policy', target.id, names.policy);
        kept.add(target);
      }
    } else if (target.kind === 'rule' && rule) {
      if (rule.name !== names.rule) throw notThisSetup('rule', target.id, rule.name, names.rule);
      if (adopted.policy) kept.add(target);
    } else if (target.kind === 'scope' && adopted.authServer) {
      // Scopes on a server okta-m2m did not make may have been there before: left with the server.
      kept.add(target);
    }
  }
  return { targets: all.filter((t) => !kept.has(t)), kept: all.filter((t) => kept.has(t)) };
}

/** Deletes the checked targets in order (rule, policy, scopes, server, app); one already gone is not an error. */
export async function destroy(
  client: OktaClient,
  state: OktaState,
  targets: DestroyTarget[],
  report: (event: DestroyEvent) => void = () => undefined,
): Promise<DestroyEvent[]> {
  const events: DestroyEvent[] = [];
  const note = (target: DestroyTarget, done: boolean) => {
    const event: DestroyEvent = {
      kind: target.kind,
      id: target.id,
      result: done ? 'deleted' : 'already gone',
      ...(target.name ? { name: target.name } : {}),
    };
    events.push(event);
    report(event);
  };
  const serverId = state.authServerId;
  const of = (kind: ObjectKind) => targets.filter((t) => t.kind === kind);
  if (serverId && state.policyId) {
    const policyId = state.policyId;
    for (const t of of('rule')) note(t, await deleteRule(client, serverId, policyId, t.id));
    for (const t of of('policy')) note(t, await deletePolicy(client, serverId, t.id));
  }
  if (serverId) {
    const results = await Promise.all(
      of('scope').map(async (t) => [t, await deleteScope(client, serverId, t.id)] as const),
    );
    for (const [t, done] of results) note(t, done);
    for (const t of of('authServer')) note(t, await deleteAuthServer(client, t.id));
  }
  for (const t of of('app')) note(t, await deleteApp(client, t.id));
  return events;
}

/** The keychain entries init made for the recorded client. */
export async function forgetClientCredentials(
  secrets: SecretStore,
  profile: string,
  clientId: string | undefined,
): Promise<void> {
  if (!clientId) return;
  await secrets.delete(secretRefs.clientSecret(profile, clientId));
  await secrets.delete(secretRefs.clientPrivateKey(profile, clientId));
  await secrets.delete(secretRefs.dpopKey(profile, clientId));
}
