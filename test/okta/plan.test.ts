import { describe, expect, it } from 'vitest';
import { describeChange } from '../../src/reconcile/plan.js';
import type { Observed } from '../../src/okta/setup/observe.js';
import { computePlan } from '../../src/okta/setup/plan.js';
import { withMarker } from '../../src/okta/setup/ownership.js';
import { objectNames, validateSpec } from '../../src/okta/setup/spec.js';
import { desiredApp } from '../../src/okta/resources/apps.js';
import { desiredRule } from '../../src/okta/resources/rules.js';

const spec = validateSpec({
  name: 'orders',
  audience: 'api://orders',
  scopes: ['orders:read', 'orders:write'],
  defaultScope: 'orders:read',
});
const names = objectNames(spec);

function existing(): Observed {
  const app = {
    ...desiredApp(names.app, 'client_secret_basic'),
    id: '0oa1',
    status: 'ACTIVE',
    credentials: { oauthClient: { client_id: '0oa1', token_endpoint_auth_method: 'client_secret_basic' } },
  };
  return {
    app,
    authServer: {
      id: 'aus1',
      name: names.authServer,
      description: withMarker(spec.description),
      audiences: ['api://orders'],
      status: 'ACTIVE',
    },
    scopes: [
      { id: 'scp1', name: 'orders:read', description: 'orders:read (okta-m2m)', default: true },
      { id: 'scp2', name: 'orders:write', description: 'orders:write (okta-m2m)', default: false },
    ],
    policy: {
      id: 'pol1',
      name: names.policy,
      description: withMarker(spec.description),
      status: 'ACTIVE',
      priority: 7,
      conditions: { clients: { include: ['0oa1'] } },
    },
    // Okta renumbers priorities and returns what it adds (an inline hook attached by someone else): not drift.
    rule: {
      ...desiredRule(names.rule, ['orders:write', 'orders:read'], 60),
      id: 'rul1',
      priority: 3,
      actions: { token: { accessTokenLifetimeMinutes: 60, inlineHook: { id: 'cal1' } } },
    },
    credential: 'present',
    staleScopeIds: [],
    adopted: {},
    adopting: {},
    orphans: [],
  };
}

describe('computePlan', () => {
  it('creates everything in an empty org', () => {
    const plan = computePlan(spec, {
      scopes: [],
      credential: 'missing',
      staleScopeIds: [],
      adopted: {},
      adopting: {},
      orphans: [],
    });
    expect(plan.changed).toBe(true);
    expect(plan.items.map((i) => `${i.kind}:${i.action}`)).toEqual([
      'app:create',
      'authServer:create',
      'scope:create',
      'scope:create',
      'policy:create',
      'rule:create',
    ]);
  });

  it('sees no change when everything matches, whatever the priorities', () => {
    const plan = computePlan(spec, existing());
    expect(plan.items.filter((i) => i.action !== 'unchanged')).toEqual([]);
    expect(plan.changed).toBe(false);
  });

  it('lists the fields that differ', () => {
    const observed = existing();
    observed.rule!.actions!.token!.accessTokenLifetimeMinutes = 30;
    observed.authServer!.audiences = ['api://other'];
    observed.scopes[1]!.description = 'old';
    observed.policy!.status = 'INACTIVE';
    const plan = computePlan(spec, observed);
    const changed = Object.fromEntries(
      plan.items
        .filter((i) => i.action === 'update')
        .map((i) => [`${i.kind}:${i.name}`, i.changes.map(describeChange)]),
    );
    expect(changed).toEqual({
      [`authServer:${names.authServer}`]: ['audiences: [api://other] -> [api://orders]'],
      'scope:orders:write': ['description: old -> orders:write (okta-m2m)'],
      [`policy:${names.policy}`]: ['status: INACTIVE -> ACTIVE'],
      [`rule:${names.rule}`]: ['access token lifetime (min): 30 -> 60'],
    });
  });

  it('plans a new secret when the keychain lost it, and deletes scopes dropped from the setup', () => {
    const observed = existing();
    observed.credential = 'missing';
    observed.scopes.push({ id: 'scp3', name: 'orders:admin', description: '' });
    observed.staleScopeIds = ['scp3'];
    const plan = computePlan(spec, observed);
    expect(plan.items.find((i) => i.kind === 'credential')).toMatchObject({ action: 'create', name: 'client secret' });
    expect(plan.items.find((i) => i.action === 'delete')).toMatchObject({
      kind: 'scope',
      name: 'orders:admin',
      id: 'scp3',
    });
  });

  it('sees an auth method change', () => {
    const plan = computePlan({ ...spec, authMethod: 'private_key_jwt' }, { ...existing(), credential: 'missing' });
    const app = plan.items.find((i) => i.kind === 'app');
    expect(app?.changes.map(describeChange)).toEqual([
      'token_endpoint_auth_method: client_secret_basic -> private_key_jwt',
    ]);
    expect(plan.items.find((i) => i.kind === 'credential')).toMatchObject({ action: 'create', name: 'key pair' });
  });

  it('wants all clients in the policy with allClients', () => {
    const plan = computePlan({ ...spec, allClients: true }, existing());
    expect(plan.items.find((i) => i.kind === 'policy')?.changes.map(describeChange)).toEqual([
      'clients: [0oa1] -> [ALL_CLIENTS]',
    ]);
  });
});
