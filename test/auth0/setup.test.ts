import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALL_MANAGEMENT_SCOPES, startAuth0Emulator, type Auth0Emulator } from '../../src/emulator/auth0/index.js';
import { createAuth0Management, type Auth0Management } from '../../src/auth0/client.js';
import { applyPlan, type Auth0ApplyEvent } from '../../src/auth0/setup/apply.js';
import { destroy, destroyPlan, keptByDestroy } from '../../src/auth0/setup/destroy.js';
import { observe } from '../../src/auth0/setup/observe.js';
import { computePlan } from '../../src/auth0/setup/plan.js';
import { validateAuth0Spec } from '../../src/auth0/setup/spec.js';
import { Auth0StateRecorder, readAuth0State } from '../../src/auth0/setup/state.js';
import { ProjectState } from '../../src/config/state.js';
import { SecretStore } from '../../src/secrets/store.js';
import { secretRefs } from '../../src/secrets/refs.js';
import { RemoteError, UsageError } from '../../src/errors.js';
import { auth0RequestLog, clearAuth0RequestLog } from '../support/auth0-request-log.js';
import { memorySecretBackend } from '../support/memory-secrets.js';

function writes(emu: Auth0Emulator): string[] {
  return auth0RequestLog(emu)
    .filter((e) => e.method !== 'GET' && e.path.startsWith('/api/v2/'))
    .map((e) => `${e.method} ${e.path.replace(/\/[^/?]+$/, '/:id')}`);
}

describe('auth0 init as spec -> observe -> plan -> apply, and destroy (real SDK, emulator)', () => {
  let emu: Auth0Emulator;
  let mgmt: Auth0Management;
  let dir: string;
  const profile = 'p';

  beforeAll(async () => {
    // update:client_keys lets a lost create answer be recovered by rotating the secret.
    emu = await startAuth0Emulator({ seed: 9, managementScopes: [...ALL_MANAGEMENT_SCOPES] });
    mgmt = await createAuth0Management(
      {
        domain: emu.domain,
        baseUrl: emu.url,
        clientId: emu.managementClientId,
        clientSecret: emu.managementClientSecret,
      },
      { baseBackoffMs: 5 },
    );
    dir = await mkdtemp(join(tmpdir(), 'auth0-setup-'));
  });
  afterAll(async () => {
    await emu?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A case of its own: a directory, an in-memory keychain and the spec. */
  function fresh(label: string, spec: Parameters<typeof validateAuth0Spec>[0]) {
    const backend = memorySecretBackend();
    return { cwd: join(dir, label), backend, secrets: new SecretStore(backend, {}), spec: validateAuth0Spec(spec) };
  }

  /** A fresh case, its project state and what observe finds before anything is made. */
  async function observedFresh(label: string, spec: Parameters<typeof validateAuth0Spec>[0]) {
    const made = fresh(label, spec);
    const state = await ProjectState.load(made.cwd);
    const observed = await observe(mgmt, made.spec, undefined, made.secrets, profile);
    return { ...made, state, observed };
  }

  async function run(
    spec: ReturnType<typeof validateAuth0Spec>,
    cwd: string,
    secrets: SecretStore,
    events: Auth0ApplyEvent[] = [],
    warnings: string[] = [],
  ) {
    const state = await ProjectState.load(cwd);
    const recorded = readAuth0State(state, profile);
    const observed = await observe(mgmt, spec, recorded, secrets, profile);
    const plan = computePlan(spec, observed);
    const recorder = new Auth0StateRecorder(state, profile, recorded ?? { domain: emu.domain });
    const result = await applyPlan(
      { mgmt, profile, secrets, recorder, report: (e) => events.push(e), warn: (w) => warnings.push(w) },
      spec,
      observed,
    );
    return { plan, result, state };
  }

  test('validates the spec', () => {
    expect(() => validateAuth0Spec({ audience: 'x' })).toThrow(UsageError);
    expect(() => validateAuth0Spec({ name: 'n' })).toThrow(UsageError);
    expect(() => validateAuth0Spec({ name: 'n', audience: 'has space' })).toThrow(UsageError);
    expect(() => validateAuth0Spec({ name: 'n', audience: 'a', scopes: ['a b'] })).toThrow(UsageError);
    expect(validateAuth0Spec({ name: ' n ', audience: 'a', scopes: ['x', 'x', 'y'] })).toEqual({
      name: 'n',
      audience: 'a',
      scopes: ['x', 'y'],
    });
  });

  test('creates, then finds everything unchanged and writes nothing; a scope change is an update in place', async () => {
    const { cwd, backend, secrets, spec } = fresh('one', {
      name: 'billing',
      audience: 'https://billing.example.com',
      scopes: ['bill:read'],
    });
    const events: Auth0ApplyEvent[] = [];
    const first = await run(spec, cwd, secrets, events);
    expect(first.plan.items.map((i) => i.action)).toEqual(['create', 'create', 'create']);
    expect(events.map((e) => `${e.action} ${e.kind}`)).toEqual([
      'created resource server',
      'created application',
      'created client grant',
    ]);
    const clientId = first.result.clientId!;
    expect(backend.entries.get(secretRefs.auth0ClientSecret(profile, clientId).account)).toBe(
      emu.tenant.store.clients.get(clientId)!.client_secret,
    );

    clearAuth0RequestLog(emu);
    const again = await run(spec, cwd, secrets);
    expect(again.plan.changed).toBe(false);
    expect(writes(emu)).toEqual([]);

    // Found by identifier and name when the state is gone (another checkout, say): still nothing to do.
    clearAuth0RequestLog(emu);
    const elsewhere = await run(spec, join(dir, 'elsewhere'), secrets);
    expect(elsewhere.plan.changed).toBe(false);
    expect(elsewhere.result.clientId).toBe(clientId);
    expect(writes(emu)).toEqual([]);
    // There, init only found them: its destroy would leave them alone.
    expect(elsewhere.result.made).toEqual({ resourceServer: false, client: false, clientGrant: false });
    expect(destroyPlan(elsewhere.result)).toEqual([]);
    expect(keptByDestroy(elsewhere.result).map((i) => i.kind)).toEqual([
      'client grant',
      'application',
      'resource server',
    ]);
    expect(first.result.made).toEqual({ resourceServer: true, client: true, clientGrant: true });

    clearAuth0RequestLog(emu);
    const wider = validateAuth0Spec({ ...spec, scopes: ['bill:read', 'bill:write'] });
    const changed = await run(wider, cwd, secrets);
    expect(changed.plan.items.map((i) => i.action)).toEqual(['update', 'unchanged', 'update']);
    expect(writes(emu)).toEqual(['PATCH /api/v2/resource-servers/:id', 'PATCH /api/v2/client-grants/:id']);

    // Destroy removes what the state records, grant first, and forgets the secret.
    clearAuth0RequestLog(emu);
    const state = await ProjectState.load(cwd);
    const recorded = readAuth0State(state, profile)!;
    await destroy({ mgmt, profile, secrets, recorder: new Auth0StateRecorder(state, profile, recorded) }, recorded);
    expect(writes(emu)).toEqual([
      'DELETE /api/v2/client-grants/:id',
      'DELETE /api/v2/clients/:id',
      'DELETE /api/v2/resource-servers/:id',
    ]);
    expect(emu.tenant.store.clients.has(clientId)).toBe(false);
    expect(backend.entries.size).toBe(0);
    expect((await ProjectState.load(cwd)).get(profile, 'auth0')).toBeUndefined();
  });

  test('an application create whose answer is lost is adopted, not made twice, and gets a new secret', async () => {
    const { backend, secrets, spec, state, observed } = await observedFresh('lost', {
      name: 'lost-answer',
      audience: 'https://lost.example.com',
      scopes: ['x:read'],
    });
    // Request 1 creates the API, request 2 the application: its connection drops after the write.
    emu.setFaults({ faultSchedule: { 2: 'drop-after' } } as never);
    const events: Auth0ApplyEvent[] = [];
    try {
      await applyPlan(
        {
          mgmt,
          profile,
          secrets,
          recorder: new Auth0StateRecorder(state, profile, { domain: emu.domain }),
          report: (e) => events.push(e),
        },
        spec,
        observed,
      );
    } finally {
      emu.setFaults({ faultSchedule: {} });
    }
    const named = [...emu.tenant.store.clients.values()].filter((c) => c.name === 'lost-answer');
    expect(named).toHaveLength(1);
    expect(events.map((e) => `${e.action} ${e.kind}`)).toEqual([
      'created resource server',
      'rotated client secret',
      'adopted application',
      'created client grant',
    ]);
    const clientId = named[0]!.client_id;
    expect(backend.entries.get(secretRefs.auth0ClientSecret(profile, clientId).account)).toBe(named[0]!.client_secret);
  });

  test('an interrupted apply keeps the ids it made; the next run completes it without duplicates', async () => {
    const { cwd, secrets, spec, state, observed } = await observedFresh('interrupted', {
      name: 'half-done',
      audience: 'https://half.example.com',
      scopes: ['h:read'],
    });
    // The grant create fails with 500 each time (after the API and the app were made): three tries, then it gives up.
    emu.setFaults({ faultSchedule: { 3: '500', 5: '500', 7: '500' } } as never);
    const error = await applyPlan(
      { mgmt, profile, secrets, recorder: new Auth0StateRecorder(state, profile, { domain: emu.domain }) },
      spec,
      observed,
    ).catch((e: unknown) => e);
    emu.setFaults({ faultSchedule: {} });
    expect(error).toBeInstanceOf(RemoteError);
    const partial = readAuth0State(await ProjectState.load(cwd), profile)!;
    expect(partial.resourceServerId).toBeTruthy();
    expect(partial.clientId).toBeTruthy();
    expect(partial.clientGrantId).toBeUndefined();

    const rerun = await run(spec, cwd, secrets);
    expect(rerun.plan.items.map((i) => i.action)).toEqual(['unchanged', 'unchanged', 'create']);
    expect([...emu.tenant.store.clients.values()].filter((c) => c.name === 'half-done')).toHaveLength(1);
    expect(emu.tenant.store.grantFor(partial.clientId!, spec.audience)?.scope).toEqual(['h:read']);
  });
});
