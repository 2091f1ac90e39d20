import { secretRefs } from '../../secrets/refs.js';
import type { SecretStore } from '../../secrets/store.js';
import { deleteApp } from '../resources/apps.js';
import { deleteAuthServer } from '../resources/authorization-servers.js';
import type { OktaClient } from '../client.js';
import { deletePolicy } from '../resources/policies.js';
import { deleteRule } from '../resources/rules.js';
import { deleteScope } from '../resources/scopes.js';
import type { OktaState } from './state.js';
import type { ObjectKind } from './plan.js';
import { objectNames } from './spec.js';

/**
 * Removes what init made, in reverse order (rule, policy, scopes, authorization server, app), and only what the
 * project state records. Something already gone is not an error. Then the state section and the keychain entries.
 */
export interface DestroyEvent {
  kind: ObjectKind;
  id: string;
  name?: string;
  result: 'deleted' | 'already gone';
}

export interface DestroyTarget {
  kind: ObjectKind;
  id: string;
  name?: string;
}

/** What destroy would remove, for the confirmation. */
export function destroyTargets(state: OktaState): DestroyTarget[] {
  const targets: DestroyTarget[] = [];
  const names = state.spec?.name ? objectNames(state.spec) : undefined;
  if (state.ruleId) targets.push({ kind: 'rule', id: state.ruleId, ...(names ? { name: names.rule } : {}) });
  if (state.policyId) targets.push({ kind: 'policy', id: state.policyId, ...(names ? { name: names.policy } : {}) });
  for (const [name, id] of Object.entries(state.scopeIds ?? {})) targets.push({ kind: 'scope', id, name });
  if (state.authServerId) targets.push({ kind: 'authServer', id: state.authServerId, ...(state.spec?.name ? { name: state.spec.name } : {}) });
  if (state.appId) targets.push({ kind: 'app', id: state.appId, ...(state.spec?.name ? { name: state.spec.name } : {}) });
  return targets;
}

export async function destroy(
  client: OktaClient,
  state: OktaState,
  report: (event: DestroyEvent) => void = () => undefined,
): Promise<DestroyEvent[]> {
  const events: DestroyEvent[] = [];
  const note = (kind: ObjectKind, id: string, done: boolean, name?: string) => {
    const event: DestroyEvent = { kind, id, result: done ? 'deleted' : 'already gone', ...(name ? { name } : {}) };
    events.push(event);
    report(event);
  };
  const serverId = state.authServerId;
  const names = state.spec?.name ? objectNames(state.spec) : undefined;
  if (serverId) {
    if (state.policyId && state.ruleId) note('rule', state.ruleId, await deleteRule(client, serverId, state.policyId, state.ruleId), names?.rule);
    if (state.policyId) note('policy', state.policyId, await deletePolicy(client, serverId, state.policyId), names?.policy);
    const scopes = Object.entries(state.scopeIds ?? {});
    const results = await Promise.all(scopes.map(async ([name, id]) => [name, id, await deleteScope(client, serverId, id)] as const));
    for (const [name, id, done] of results) note('scope', id, done, name);
    note('authServer', serverId, await deleteAuthServer(client, serverId), names?.authServer);
  }
  if (state.appId) note('app', state.appId, await deleteApp(client, state.appId), names?.app);
  return events;
}

/** The keychain entries init made for the recorded client. */
export async function forgetClientCredentials(secrets: SecretStore, profile: string, clientId: string | undefined): Promise<void> {
  if (!clientId) return;
  await secrets.delete(secretRefs.clientSecret(profile, clientId));
  await secrets.delete(secretRefs.clientPrivateKey(profile, clientId));
}
