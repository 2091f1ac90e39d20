import {
  diffField,
  itemFor,
  planOf,
  sameSet,
  type Change,
  type Plan as ReconcilePlan,
  type PlanItem as ReconcilePlanItem,
} from '../../reconcile/plan.js';
import { authMethodOf, clientIdOf } from '../resources/apps.js';
import { policyClients } from '../resources/policies.js';
import { objectNames, type SetupSpec } from './spec.js';
import type { Observed, Orphan } from './observe.js';
import { withMarker, type Adopted } from './ownership.js';
import type { OktaApp, OktaAuthServer, OktaPolicy, OktaRule, OktaScope } from '../types.js';

/**
 * The plan from the desired setup and what exists: per object create / update / unchanged / delete, with the fields
 * that differ. Only what matters is compared: never priorities (Okta renumbers them) nor what Okta adds or never
 * returns.
 */
export type ObjectKind = 'app' | 'credential' | 'authServer' | 'scope' | 'policy' | 'rule' | 'orphan';
export type PlanItem = ReconcilePlanItem<ObjectKind>;
type Plan = ReconcilePlan<ObjectKind>;

// ---- comparison (pure) ----

function diff(changes: Change[], field: string, current: unknown, desired: unknown, equal = current === desired): void {
  diffField(changes, field, current, desired, { equal });
}

export function appChanges(spec: SetupSpec, app: OktaApp): Change[] {
  const changes: Change[] = [];
  const names = objectNames(spec);
  diffField(changes, 'label', app.label, names.app, { breaking: true });
  diff(changes, 'status', app.status, 'ACTIVE');
  diff(changes, 'token_endpoint_auth_method', authMethodOf(app), spec.authMethod);
  const grants = app.settings?.oauthClient?.grant_types;
  diff(changes, 'grant_types', grants, ['client_credentials'], sameSet(grants, ['client_credentials']));
  diff(
    changes,
    'dpop_bound_access_tokens',
    app.settings?.oauthClient?.dpop_bound_access_tokens ?? false,
    Boolean(spec.dpop),
  );
  return changes;
}

export function authServerChanges(spec: SetupSpec, server: OktaAuthServer, adopted = false): Change[] {
  const changes: Change[] = [];
  diffField(changes, 'name', server.name, objectNames(spec).authServer, { breaking: true });
  // An adopted server keeps its own description: the marker says okta-m2m made it.
  if (!adopted) diff(changes, 'description', server.description ?? '', withMarker(spec.description));
  diffField(changes, 'audiences', server.audiences, [spec.audience], {
    equal: sameSet(server.audiences, [spec.audience]),
    breaking: true,
  });
  diff(changes, 'status', server.status, 'ACTIVE');
  return changes;
}

export function scopeChanges(desired: SetupSpec['scopes'][number], scope: OktaScope): Change[] {
  const changes: Change[] = [];
  diff(changes, 'description', scope.description ?? '', desired.description);
  diff(changes, 'default', Boolean(scope.default), desired.default);
  return changes;
}

export function policyChanges(
  spec: SetupSpec,
  policy: OktaPolicy,
  clientId: string | undefined,
  adopted = false,
): Change[] {
  const changes: Change[] = [];
  const names = objectNames(spec);
  diff(changes, 'name', policy.name, names.policy);
  if (!adopted) diff(changes, 'description', policy.description ?? '', withMarker(spec.description));
  diff(changes, 'status', policy.status, 'ACTIVE');
  const clients = policy.conditions?.clients?.include;
  const wanted = policyClients(spec.allClients, clientId);
  // Without a client id yet (the app is about to be made), the clients will change once it exists.
  diff(
    changes,
    'clients',
    clients,
    clientId || spec.allClients ? wanted : ['(the new app)'],
    clientId || spec.allClients ? sameSet(clients, wanted) : false,
  );
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
  // Taking a scope away from the rule breaks the clients that ask for it.
  diffField(changes, 'scopes', scopes, wanted, {
    equal: sameSet(scopes, wanted),
    breaking: (scopes ?? []).some((s) => !wanted.includes(s)),
  });
  const groups = rule.conditions?.people?.groups?.include;
  diff(changes, 'groups', groups, ['EVERYONE'], sameSet(groups, ['EVERYONE']));
  diff(
    changes,
    'access token lifetime (min)',
    rule.actions?.token?.accessTokenLifetimeMinutes,
    spec.tokenLifetimeMinutes,
  );
  return changes;
}

/** An existing object okta-m2m did not make: 'adopted'; taken over by this run: action 'adopt'. */
function owned(item: PlanItem, kind: keyof Adopted, observed: Observed): PlanItem {
  if (!observed.adopted[kind]) return item;
  const out: PlanItem = { ...item, ownership: 'adopted' };
  if (observed.adopting[kind]) out.action = 'adopt';
  return out;
}

/** The plan from the desired setup and what exists. Pure. */
export function computePlan(spec: SetupSpec, observed: Observed): Plan {
  const names = objectNames(spec);
  const items: PlanItem[] = [];
  const app = observed.app;
  items.push(owned(itemFor('app', names.app, app, app ? appChanges(spec, app) : []), 'app', observed));

  const secretKind = spec.authMethod === 'private_key_jwt' ? 'key pair' : 'client secret';
  if (app) {
    if (observed.credential === 'missing') {
      items.push({
        kind: 'credential',
        name: secretKind,
        action: 'create',
        ownership: 'ours',
        changes: [],
        notes: [`no ${secretKind} in the keychain: a new one will be made`],
      });
    } else if (observed.credential === 'key-not-registered') {
      items.push({
        kind: 'credential',
        name: secretKind,
        action: 'update',
        ownership: 'ours',
        changes: [],
        notes: ['the stored key is not on the app: it will be added'],
      });
    } else {
      items.push({ kind: 'credential', name: secretKind, action: 'unchanged', ownership: 'ours', changes: [] });
    }
  }

  const server = observed.authServer;
  items.push(
    owned(
      itemFor(
        'authServer',
        names.authServer,
        server,
        server ? authServerChanges(spec, server, observed.adopted.authServer) : [],
      ),
      'authServer',
      observed,
    ),
  );

  for (const scope of spec.scopes) {
    const existing = observed.scopes.find((s) => s.name === scope.name);
    items.push(itemFor('scope', scope.name, existing, existing ? scopeChanges(scope, existing) : []));
  }
  for (const id of observed.staleScopeIds) {
    const stale = observed.scopes.find((s) => s.id === id);
    items.push({
      kind: 'scope',
      name: stale?.name ?? id,
      id,
      action: 'delete',
      ownership: 'ours',
      breaking: true,
      changes: [],
      notes: ['no longer in the setup'],
    });
  }

  const clientId = app ? clientIdOf(app) : undefined;
  const policy = observed.policy;
  items.push(
    owned(
      itemFor(
        'policy',
        names.policy,
        policy,
        policy ? policyChanges(spec, policy, clientId, observed.adopted.policy) : [],
      ),
      'policy',
      observed,
    ),
  );
  const rule = observed.rule;
  items.push(itemFor('rule', names.rule, rule, rule ? ruleChanges(spec, rule) : []));
  for (const orphan of observed.orphans) items.push(orphanItem(orphan));

  return planOf(items);
}

const ORPHAN_WHAT: Record<Orphan['kind'], string> = {
  policy: 'access policy',
  rule: 'rule',
  secret: 'client secret',
};

/** An orphan is its own kind of item: removed with the plan's confirmation, never a breaking change. */
export function orphanItem(orphan: Orphan): PlanItem {
  const what = ORPHAN_WHAT[orphan.kind];
  return {
    kind: 'orphan',
    name: orphan.kind === 'secret' ? what : `${what} ${orphan.name}`,
    id: orphan.id,
    action: 'delete',
    ownership: 'ours',
    changes: [],
    notes: [
      orphan.kind === 'secret'
        ? 'left by an earlier run: an active secret of the app that is not the one in the keychain'
        : orphan.kind === 'rule'
          ? "left by an earlier run: a second rule of the setup's name in its policy, not the one the state records"
          : "left by an earlier run: okta-m2m's marker and the setup's name, not the policy the state records (its rules go with it)",
    ],
  };
}
