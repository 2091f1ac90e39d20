import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  allFiles,
  decodeJwt,
  oktaEmulator,
  describeWithKeychain,
  keychainLookup,
  login,
  mintWithSecret,
  orgDigest,
  orgObjects,
  requireBuilt,
  workspace,
  writeMethods,
  type Workspace,
} from '../support/index.js';
import { runJson, runOk } from '../support/run-ok.js';
import { ORDERS_API, ORDERS_SCOPES } from '../support/example-commands.js';

describeWithKeychain('login, init, status, destroy on the emulator', () => {
  let emu: EmulatorHandle;
  let ws: Workspace;
  let before: Awaited<ReturnType<typeof orgDigest>>;
  const secrets: string[] = [];
  const initArgs = ['init', ...ORDERS_API, ...ORDERS_SCOPES, '--yes'];

  beforeAll(async () => {
    requireBuilt();
    emu = await oktaEmulator();
    ws = await workspace();
    before = await orgDigest(emu);
    secrets.push(emu.adminToken);
  });
  afterAll(async () => {
    await ws?.cleanup();
    await emu?.stop();
  });

  it('rejects a bad API token with a clear message and saves nothing', async () => {
    const result = await ws.run(['login', '--org-url', emu.url, '--api-token-stdin'], {
      input: '00notavalidtoken0000000000',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the API token is invalid or expired/);
    expect(result.stderr).toMatch(/hint: .*okta-m2m login/);
    expect(keychainLookup(`${ws.profile}/okta-api-token`)).toBeUndefined();
    const debug = await ws.run(['login', '--org-url', emu.url, '--api-token-stdin', '--debug'], {
      input: '00notavalidtoken0000000000',
    });
    expect(debug.stderr).toMatch(/request id: \S+/);
    expect(debug.stderr).not.toContain('00notavalidtoken0000000000');
  });

  it('refuses to prompt without a terminal, naming the flag', async () => {
    const result = await ws.run(['login', '--org-url', emu.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--api-token-stdin/);
  });

  it('logs in with an API token from stdin', async () => {
    const result = await login(ws, emu);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/30 days/);
    expect(keychainLookup(`${ws.profile}/okta-api-token`)).toBe(emu.adminToken);
    const profiles = JSON.parse(await readFile(join(ws.dir, 'config', 'profiles.json'), 'utf8'));
    expect(profiles.profiles[ws.profile]).toEqual({ orgUrl: emu.url, authMode: 'ssws' });
  });

  it('init without a setup and without a terminal is a usage error naming the flags', async () => {
    for (const args of [['init'], ['init', '--no-input']]) {
      const result = await ws.run(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--name/);
    }
    const noYes = await ws.run(['init', '--name', 'orders-api', '--scope', 'orders:read']);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/^hint: Pass --yes to confirm\.$/m);
  });

  it('init makes the app, server, scopes, policy and rule, and a token can be had from them', async () => {
    const result = await ws.run([...initArgs, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const outputs = JSON.parse(result.stdout);
    const state = (await ws.state()).profiles[ws.profile].okta;
    expect(Object.keys(state).sort()).toEqual(
      [
        'orgUrl',
        'appId',
        'clientId',
        'authMethod',
        'authServerId',
        'issuer',
        'tokenEndpoint',
        'audience',
        'scopes',
        'defaultScope',
        'policyId',
        'ruleId',
        'scopeIds',
        'spec',
        'marker',
      ].sort(),
    );
    expect(state).toMatchObject({
      orgUrl: emu.url,
      authMethod: 'client_secret_basic',
      issuer: `${emu.url}/oauth2/${state.authServerId}`,
      tokenEndpoint: `${emu.url}/oauth2/${state.authServerId}/v1/token`,
      audience: 'api://orders',
      scopes: ['orders:read', 'orders:write'],
      defaultScope: 'orders:read',
    });
    expect(outputs).toMatchObject({
      clientId: state.clientId,
      issuer: state.issuer,
      tokenEndpoint: state.tokenEndpoint,
      tokenCommand: `okta-m2m token get --profile ${ws.profile}`,
    });

    const { apps, details } = await orgObjects(emu);
    const app = apps.find((a) => a.id === state.appId);
    expect(app).toMatchObject({
      label: 'orders-api',
      status: 'ACTIVE',
      settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'] } },
    });
    const mine = details.find((d) => d.server.id === state.authServerId)!;
    expect(mine.server).toMatchObject({ name: 'orders-api', status: 'ACTIVE', audiences: ['api://orders'] });
    expect(mine.scopes.map((s: any) => s.name).sort()).toEqual(['orders:read', 'orders:write']);
    expect(mine.policies).toHaveLength(1);
    expect(mine.policies[0]).toMatchObject({
      id: state.policyId,
      status: 'ACTIVE',
      conditions: { clients: { include: [state.clientId] } },
    });
    expect(mine.rules).toHaveLength(1);
    expect(mine.rules[0]).toMatchObject({
      id: state.ruleId,
      status: 'ACTIVE',
      conditions: { grantTypes: { include: ['client_credentials'] } },
    });

    const secret = keychainLookup(`${ws.profile}/app:${state.clientId}`);
    expect(secret).toBeTruthy();
    secrets.push(secret!);
    const token = await mintWithSecret(state.tokenEndpoint, state.clientId, secret!, 'orders:read orders:write');
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    const claims = decodeJwt(token.body.access_token);
    expect(claims).toMatchObject({ iss: state.issuer, aud: 'api://orders', cid: state.clientId });
    expect([...claims.scp].sort()).toEqual(['orders:read', 'orders:write']);
    // The default scope is granted when the request names none.
    const byDefault = await mintWithSecret(state.tokenEndpoint, state.clientId, secret!);
    expect(byDefault.status).toBe(200);
    expect(decodeJwt(byDefault.body.access_token).scp).toEqual(['orders:read']);
  });

  it('a second init with the same setup makes no write request', async () => {
    emu.clearRequestLog();
    const result = await ws.run(initArgs);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/nothing to change/);
    expect(writeMethods(emu.requestLog)).toEqual([]);
    expect(emu.requestLog.length).toBeGreaterThan(0);
    // And with no flags at all, it re-applies what it applied last time: still nothing to write.
    emu.clearRequestLog();
    expect((await ws.run(['init'])).code).toBe(0);
    expect(writeMethods(emu.requestLog)).toEqual([]);
  });

  it('--dry-run prints the plan of a changed setup and changes nothing', async () => {
    emu.clearRequestLog();
    const plan = await runJson(ws, [
      'init',
      ...ORDERS_API,
      '--scope',
      'orders:read,orders:admin',
      '--token-lifetime',
      '30',
      '--dry-run',
      '--json',
    ]);
    expect(plan.changed).toBe(true);
    const actions = plan.items.map((i: any) => `${i.kind}:${i.name}:${i.action}`);
    expect(actions).toContain('scope:orders:admin:create');
    expect(actions).toContain('scope:orders:write:delete');
    expect(plan.items.find((i: any) => i.kind === 'rule').changes.join(' ')).toMatch(/lifetime.*60 -> 30/);
    expect(writeMethods(emu.requestLog)).toEqual([]);
  });

  it('a changed setup is updated in place', { timeout: 60_000 }, async () => {
    const first = (await ws.state()).profiles[ws.profile].okta;
    await runOk(ws, [
      'init',
      '--name',
      'orders-api',
      '--audience',
      'api://orders-v2',
      '--scope',
      'orders:read,orders:admin',
      '--token-lifetime',
      '30',
      '--yes',
      '--allow-breaking',
    ]);
    const state = (await ws.state()).profiles[ws.profile].okta;
    expect(state.appId).toBe(first.appId);
    expect(state.authServerId).toBe(first.authServerId);
    expect(state.policyId).toBe(first.policyId);
    expect(state.ruleId).toBe(first.ruleId);
    expect(state.scopes).toEqual(['orders:read', 'orders:admin']);
    expect(Object.keys(state.scopeIds).sort()).toEqual(['orders:admin', 'orders:read']);
    const { details } = await orgObjects(emu);
    const mine = details.find((d) => d.server.id === state.authServerId)!;
    expect(mine.server.audiences).toEqual(['api://orders-v2']);
    expect(mine.scopes.map((s: any) => s.name).sort()).toEqual(['orders:admin', 'orders:read']);
    expect(mine.rules[0].actions.token.accessTokenLifetimeMinutes).toBe(30);
    expect([...mine.rules[0].conditions.scopes.include].sort()).toEqual(['orders:admin', 'orders:read']);
    emu.clearRequestLog();
    expect((await ws.run(['init'])).code).toBe(0);
    expect(writeMethods(emu.requestLog)).toEqual([]);
  });

  it('status shows the objects, no drift, and that a token can be had', { timeout: 60_000 }, async () => {
    const result = await ws.run(['status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status).toMatchObject({
      profile: ws.profile,
      orgUrl: emu.url,
      complete: true,
      drift: false,
      token: { ok: true },
    });
    expect(status.objects.map((o: any) => o.kind)).toEqual([
      'app',
      'credential',
      'authServer',
      'scope',
      'scope',
      'policy',
      'rule',
    ]);
    const human = await ws.run(['status']);
    expect(human.stdout).toMatch(/token:\s+yes/);
  });

  it('status reports drift made outside okta-m2m, and init corrects it', { timeout: 60_000 }, async () => {
    const state = (await ws.state()).profiles[ws.profile].okta;
    const res = await fetch(
      `${emu.url}/api/v1/authorizationServers/${state.authServerId}/policies/${state.policyId}/lifecycle/deactivate`,
      {
        method: 'POST',
        headers: { Authorization: `SSWS ${emu.adminToken}`, Accept: 'application/json' },
      },
    );
    expect(res.status).toBeLessThan(300);
    const status = JSON.parse((await ws.run(['status', '--json', '--no-token'])).stdout);
    expect(status.drift).toBe(true);
    expect(status.objects.find((o: any) => o.kind === 'policy')).toMatchObject({
      status: 'drifted',
      changes: ['status: INACTIVE -> ACTIVE'],
    });
    expect((await ws.run(['init', '--yes'])).code).toBe(0);
    expect(JSON.parse((await ws.run(['status', '--json'])).stdout)).toMatchObject({
      drift: false,
      token: { ok: true },
    });
  });

  it('destroy --yes removes what init made and leaves the org as before', { timeout: 60_000 }, async () => {
    const state = (await ws.state()).profiles[ws.profile].okta;
    const refused = await ws.run(['destroy']);
    expect(refused.code).toBe(2);
    const result = await ws.run(['destroy', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(await orgDigest(emu)).toEqual(before);
    expect((await ws.state()).profiles[ws.profile]).toBeUndefined();
    expect(keychainLookup(`${ws.profile}/app:${state.clientId}`)).toBeUndefined();
    const again = await ws.run(['destroy', '--yes']);
    expect(again.code).toBe(0);
  });

  it('never wrote a secret to stdout, stderr, the state or the config', async () => {
    const files = await allFiles(ws.dir);
    const everything = [...ws.outputs, ...files].join('\n');
    for (const secret of secrets) expect(everything.includes(secret), 'a secret leaked').toBe(false);
  });
});
