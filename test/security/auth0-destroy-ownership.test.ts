// Issue 15.1 on Auth0: `auth0 destroy` reads each object the project state names and deletes only the setup's own
// (the application with okta-m2m's marker in client_metadata and the setup's name, the API with the spec's
// identifier and name, the grant of that application for that audience). A tampered state naming a hand-made
// application, API or grant leaves it alone with a message naming it. The built CLI against the Auth0 emulator.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  auth0Management,
  auth0Writes,
  clearAuth0Log,
  connectProfile,
  describeWithKeychain,
  requireBuilt,
  startEmulators,
  workspace,
  type Emulators,
  type Workspace,
} from '../support/index.js';

describeWithKeychain('auth0 destroy deletes only what carries okta-m2m marker and the setup names', () => {
  let emus: Emulators;
  let ws: Workspace;
  let management: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
  let prod: { clientId: string; apiId: string; grantId: string; sameNameClientId: string };
  let original: string;
  const stateFile = () => join(ws.dir, '.okta-m2m', 'state.json');

  beforeAll(async () => {
    requireBuilt();
    emus = await startEmulators({ seed: 15 });
    ws = await workspace();
    await connectProfile(ws, emus);
    management = await auth0Management(emus.auth0);
    // Production, made by hand: an API, its M2M application and their grant; and (below) an application that
    // happens to have the setup's name, without the marker.
    const api = await management('POST', '/resource-servers', {
      name: 'payments',
      identifier: 'https://payments.example.com',
      scopes: [{ value: 'pay', description: 'pay' }],
    });
    const client = await management('POST', '/clients', {
      name: 'payments-prod',
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
    });
    const grant = await management('POST', '/client-grants', {
      client_id: client.body.client_id,
      audience: 'https://payments.example.com',
      scope: ['pay'],
    });
    for (const made of [api, client, grant]) expect(made.status, JSON.stringify(made.body)).toBe(201);

    const init = await ws.run([
      'auth0',
      'init',
      '--name',
      'harmless-demo',
      '--audience',
      'https://harmless.example.com',
      '--scope',
      'demo:read',
      '--yes',
    ]);
    expect(init.code, init.stderr).toBe(0);
    original = await readFile(stateFile(), 'utf8');
    // Made by hand after init (before, init would have taken it over by its name).
    const sameName = await management('POST', '/clients', {
      name: 'harmless-demo',
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
    });
    expect(sameName.status, JSON.stringify(sameName.body)).toBe(201);
    prod = {
      apiId: api.body.id,
      clientId: client.body.client_id,
      grantId: grant.body.id,
      sameNameClientId: sameName.body.client_id,
    };
  }, 60_000);

  afterAll(async () => {
    await emus?.stop();
    await ws?.cleanup();
  });

  const store = () => emus.auth0.tenant.store;
  const prodIntact = () => {
    expect(store().clients.has(prod.clientId)).toBe(true);
    expect(store().clients.has(prod.sameNameClientId)).toBe(true);
    expect(store().resourceServers.has(prod.apiId)).toBe(true);
    expect(store().clientGrants.has(prod.grantId)).toBe(true);
  };
  async function tampered(fields: Record<string, string>): Promise<void> {
    const doc = JSON.parse(original);
    Object.assign(doc.profiles[ws.profile].auth0, fields);
    await writeFile(stateFile(), JSON.stringify(doc));
  }

  it('init marks the application it makes in client_metadata and records the marker', () => {
    const state = JSON.parse(original).profiles[ws.profile].auth0;
    expect(state.marker).toBe('okta-m2m');
    expect(store().clients.get(state.clientId)?.client_metadata).toEqual({ 'okta-m2m': 'harmless-demo' });
  });

  it.each([
    [
      'a hand-made application',
      () => ({ clientId: prod.clientId }),
      () => prod.clientId,
      /"payments-prod", not this setup's "harmless-demo"/,
    ],
    [
      'a hand-made application of the same name, without the marker',
      () => ({ clientId: prod.sameNameClientId }),
      () => prod.sameNameClientId,
      /has no okta-m2m marker/,
    ],
    [
      'a hand-made API',
      () => ({ resourceServerId: prod.apiId }),
      () => prod.apiId,
      /"payments" \(https:\/\/payments\.example\.com\), not this setup's/,
    ],
    [
      'a hand-made grant',
      () => ({ clientGrantId: prod.grantId }),
      () => prod.grantId,
      /client grant .*not this setup's/,
    ],
  ])(
    'a state naming %s: destroy deletes nothing and says which',
    { timeout: 60_000 },
    async (_what, fields, id, message) => {
      await tampered(fields());
      clearAuth0Log(emus.auth0);
      for (const args of [
        ['auth0', 'destroy', '--yes'],
        ['auth0', 'destroy', '--dry-run'],
      ]) {
        const run = await ws.run(args);
        expect(run.code, run.stderr).toBe(1);
        expect(run.stderr).toContain(id());
        expect(run.stderr).toMatch(message);
        expect(run.stderr).toMatch(/nothing was deleted/);
        expect(run.stderr).not.toMatch(/\n\s+at /);
      }
      expect(auth0Writes(emus.auth0)).toEqual([]);
      prodIntact();
    },
  );

  it('the untampered state destroys exactly the setup, and production stays', { timeout: 60_000 }, async () => {
    await writeFile(stateFile(), original);
    const state = JSON.parse(original).profiles[ws.profile].auth0;
    const destroyed = await ws.run(['auth0', 'destroy', '--yes']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(store().clients.has(state.clientId)).toBe(false);
    expect(store().resourceServers.has(state.resourceServerId)).toBe(false);
    expect(store().clientGrants.has(state.clientGrantId)).toBe(false);
    prodIntact();
  });
});
