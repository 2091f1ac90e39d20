import { diffField, itemFor, planOf, sameSet, type Change, type Plan as ReconcilePlan, type PlanItem as ReconcilePlanItem } from '../../reconcile/plan.js';
import { authMethodOf, clientIdOf } from '../resources/apps.js';
import { policyClients } from '../resources/policies.js';
import { objectNames, type SetupSpec } from './spec.js';
import type { Observed } from './observe.js';
import type { OktaApp, OktaAuthServer, OktaPolicy, OktaRule, OktaScope } from '../types.js';

/**
 * The plan from the desired setup and what exists: per object create / update / unchanged / delete, with the fields
 * that differ. Only what matters is compared: never priorities (Okta renumbers them) nor what Okta adds or never
 * returns.
 */
export type ObjectKind = 'app' | 'credential' | 'authServer' | 'scope' | 'policy' | 'rule';
export type PlanItem = ReconcilePlanItem<ObjectKind>;
export type Plan = ReconcilePlan<ObjectKind>;

// ---- comparison (pure) ----

function diff(changes: Change[], field: string, current: unknown, desired: unknown, equal = current === desired): void {
  diffField(changes, field, current, desired, { equal });
}

export function appChanges(spec: SetupSpec, app: OktaApp): Change[] {
  const changes: Change[] = [];
  const names = objectNames(spec);
  diff(changes, 'label', app.label, names.app);
  diff(changes, 'status', app.status, 'ACTIVE');
  diff(changes, 'token_endpoint_auth_method', authMethodOf(app), spec.authMethod);
  const grants = app.settings?.oauthClient?.grant_types;
  diff(changes, 'grant_types', grants, ['client_credentials'], sameSet(grants, ['client_credentials']));
  return changes;
}

export function authServerChanges(spec: SetupSpec, server: OktaAuthServer): Change[] {
  const changes: Change[] = [];
  diff(changes, 'name', server.name, objectNames(spec).authServer);
  diff(changes, 'description', server.description ?? '', spec.description);
  diff(changes, 'audiences', server.audiences, [spec.audience], sameSet(server.audiences, [spec.audience]));
  diff(changes, 'status', server.status, 'ACTIVE');
  return changes;
}

export function scopeChanges(desired: SetupSpec['scopes'][number], scope: OktaScope): Change[] {
  const changes: Change[] = [];
  diff(changes, 'description', scope.description ?? '', desired.description);
  diff(changes, 'default', Boolean(scope.default), desired.default);
  return changes;
}

export function policyChanges(spec: SetupSpec, policy: OktaPolicy, clientId: string | undefined): Change[] {
  const changes: Change[] = [];
  const names = objectNames(spec);
  diff(changes, 'name', policy.name, names.policy);
  diff(changes, 'description', policy.description ?? '', spec.description);
  diff(changes, 'status', policy.status, 'ACTIVE');
  const clients = policy.conditions?.clients?.include;
  const wanted = policyClients(spec.allClients, clientId);
  // Without a client id yet (the app is about to be made), the clients will change once it exists.
  diff(changes, 'clients', clients, clientId || spec.allClients ? wanted : ['(the new app)'], clientId || spec.allClients ? sameSet(clients, wanted) : false);
  return changes;
}

export function ruleChanges(spec: SetupSpec, rule: OktaRule): Change[] {
  const changes: Change[] = [];
  diff(changes, 'name', rule.name, objectNames(spec).rule);
  diff(changes, 'status', rule.status, 'ACTIVE');
  const grants = rule.conditions?.grantTypes?.include;
  diff(changes, 'grant types', grants, ['client_credentials'], sameSet(grants, ['client_credentials']));
  const scopes = rule.conditions?.scopes?.include;
  const wanted = spec.scopes.map((s) => s.name);
  diff(changes, 'scopes', scopes, wanted, sameSet(scopes, wanted));
  const groups = rule.conditions?.people?.groups?.include;
  diff(changes, 'groups', groups, ['EVERYONE'], sameSet(groups, ['EVERYONE']));
  diff(changes, 'access token lifetime (min)', rule.actions?.token?.accessTokenLifetimeMinutes, spec.tokenLifetimeMinutes);
  return changes;
}

/** The plan from the desired setup and what exists. Pure. */
export function computePlan(spec: SetupSpec, observed: Observed): Plan {
  const names = objectNames(spec);
  const items: PlanItem[] = [];
  const app = observed.app;
  items.push(itemFor('app', names.app, app, app ? appChanges(spec, app) : []));

  const secretKind = spec.authMethod === 'private_key_jwt' ? 'key pair' : 'client secret';
  if (app) {
    if (observed.credential === 'missing') {
      items.push({ kind: 'credential', name: secretKind, action: 'create', ownership: 'ours', changes: [], notes: [`no ${secretKind} in the keychain: a new one will be made`] });
    } else if (observed.credential === 'key-not-registered') {
      items.push({ kind: 'credential', name: secretKind, action: 'update', ownership: 'ours', changes: [], notes: ['the stored key is not on the app: it will be added'] });
    } else {
      items.push({ kind: 'credential', name: secretKind, action: 'unchanged', ownership: 'ours', changes: [] });
    }
  }

  const server = observed.authServer;
  items.push(itemFor('authServer', names.authServer, server, server ? authServerChanges(spec, server) : []));

  for (const scope of spec.scopes) {
    const existing = observed.scopes.find((s) => s.name === scope.name);
    items.push(itemFor('scope', scope.name, existing, existing ? scopeChanges(scope, existing) : []));
  }
  for (const id of observed.staleScopeIds) {
    const stale = observed.scopes.find((s) => s.id === id);
    items.push({ kind: 'scope', name: stale?.name ?? id, id, action: 'delete', ownership: 'ours', changes: [], notes: ['no longer in the setup'] });
  }

  const clientId = app ? clientIdOf(app) : undefined;
  const policy = observed.policy;
  items.push(itemFor('policy', names.policy, policy, policy ? policyChanges(spec, policy, clientId) : []));
  const rule = observed.rule;
  items.push(itemFor('rule', names.rule, rule, rule ? ruleChanges(spec, rule) : []));

  return planOf(items);
}
