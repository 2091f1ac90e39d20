import { itemFor, planOf, sameSet, type Change, type Plan, type PlanItem } from '../../reconcile/plan.js';
import type { Auth0Observed } from './observe.js';
import type { Auth0SetupSpec } from './spec.js';

/** The plan of `auth0 init` from the desired setup and what exists. Pure. */
export type Auth0ObjectKind = 'resource server' | 'application' | 'client grant';
export type Auth0PlanItem = PlanItem<Auth0ObjectKind>;
type Auth0Plan = Plan<Auth0ObjectKind> & { warnings: string[] };

/** Scope lists read as Auth0 writes them: space-separated. */
function words(list: readonly string[]): string {
  return list.join(' ') || '(none)';
}

function resourceServerChanges(spec: Auth0SetupSpec, rs: NonNullable<Auth0Observed['resourceServer']>): Change[] {
  const changes: Change[] = [];
  if (rs.name !== spec.name) changes.push({ field: 'name', from: rs.name, to: spec.name });
  const have = (rs.scopes ?? []).map((s) => s.value);
  if (!sameSet(have, spec.scopes)) changes.push({ field: 'scopes', from: words(have), to: words(spec.scopes) });
  return changes;
}

function clientChanges(spec: Auth0SetupSpec, client: NonNullable<Auth0Observed['client']>): Change[] {
  const changes: Change[] = [];
  if (client.name !== spec.name) changes.push({ field: 'name', from: client.name, to: spec.name });
  if (client.app_type !== 'non_interactive')
    changes.push({ field: 'app_type', from: client.app_type, to: 'non_interactive' });
  if (!(client.grant_types ?? []).includes('client_credentials')) {
    changes.push({ field: 'grant_types', from: words(client.grant_types ?? []), to: '+ client_credentials' });
  }
  const method = client.token_endpoint_auth_method;
  if (method !== undefined && method !== 'client_secret_post' && method !== 'client_secret_basic') {
    changes.push({ field: 'token_endpoint_auth_method', from: method, to: 'client_secret_post' });
  }
  return changes;
}

function grantChanges(spec: Auth0SetupSpec, grant: NonNullable<Auth0Observed['grant']>): Change[] {
  return sameSet(grant.scope ?? [], spec.scopes)
    ? []
    : [{ field: 'scope', from: words(grant.scope ?? []), to: words(spec.scopes) }];
}

export function grantName(spec: Auth0SetupSpec): string {
  return `${spec.name} -> ${spec.audience}`;
}

/** The plan item of one object: what it is and how it differs when `found`, else a create with what it will be. */
function planned(
  kind: Auth0ObjectKind,
  name: string,
  found: { id: string | undefined; changes: Change[] } | undefined,
  whenNew: string,
): Auth0PlanItem {
  const item = itemFor(kind, name, found && { id: found.id }, found?.changes ?? []);
  if (!found) item.notes = [whenNew];
  return item;
}

export function computePlan(spec: Auth0SetupSpec, observed: Auth0Observed): Auth0Plan {
  const warnings: string[] = [];
  const { resourceServer: rs, client, grant } = observed;
  const items = [
    planned(
      'resource server',
      spec.audience,
      rs && { id: rs.id, changes: resourceServerChanges(spec, rs) },
      `scopes: ${words(spec.scopes)}`,
    ),
    planned(
      'application',
      spec.name,
      client && { id: client.client_id, changes: clientChanges(spec, client) },
      'machine to machine, client_credentials',
    ),
    planned(
      'client grant',
      grantName(spec),
      grant && { id: grant.id, changes: grantChanges(spec, grant) },
      `scope: ${words(spec.scopes)}`,
    ),
  ];
  if (client && !observed.hasSecret) {
    warnings.push(
      `the client secret of ${client.client_id} is not in the keychain: copy it from the Auth0 Dashboard and pipe it to ` +
        '"okta-m2m token get --provider auth0 --client-secret-stdin", or delete the application and run init again.',
    );
  }
  return { ...planOf(items), warnings };
}
