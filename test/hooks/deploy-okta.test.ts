import type { OktaClient } from '../../src/okta/client.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProjectState } from '../../src/config/state.js';
import {
  provisionClientCredentials,
  type ClientCredentialsFixture,
  type EmulatorHandle,
} from '../../src/emulator/okta/index.js';
import { buildTemplate, readBuiltZip, type BuiltZip } from '../../src/lambda/build.js';
import { applyRemove, deploy, planRemove, readHookRecords, type DeployRequest } from '../../src/lambda/deploy.js';
import { serveHandler, type ServeHandle } from '../../src/lambda/serve.js';
import { createOktaClient } from '../../src/okta/client.js';
import { readRule, ruleHookId } from '../../src/okta/resources/inline-hooks.js';
import type { OktaState } from '../../src/okta/setup/state.js';
import type { SecretStore } from '../../src/secrets/store.js';
import { fastAwsTiming, mapSecretStore, tokenHookDefaults, tokenHookFunction } from '../support/lambda-deploy.js';
import { fakeAws, type FakeAws } from '../support/fake-aws.js';
import { api, asInitSetup } from '../support/okta-api.js';
import { useOktaEmulator } from '../support/emulators.js';

// hook deploy token-hook end to end on the Okta side: AWS is the in-memory fake (no endpoint is reachable), Okta is
// the emulator over HTTP, and the function URL is the BUILT token-hook bundle served locally, so the emulator's
// "execute" call proves Okta and the function hold the same shared secret.

const timing = fastAwsTiming([1]);
const SECRET_ACCOUNT = 'default/hook-secret:token-hook';

let emu: EmulatorHandle;
let client: OktaClient;
let dir: string;
let zip: BuiltZip;
let served: ServeHandle;

useOktaEmulator((started) => (emu = started));
beforeAll(async () => {
  client = await createOktaClient({ orgUrl: emu.url, mode: 'ssws', token: emu.adminToken });
  dir = await mkdtemp(join(tmpdir(), 'okta-m2m-deploy-okta-'));
  const built = await buildTemplate('token-hook', { outDir: join(dir, 'build') });
  zip = await readBuiltZip(built.zipPath);
  served = await serveHandler(built.zipPath, { env: {} });
}, 60_000);
const savedEnv = { ...process.env };
afterAll(async () => {
  // The served handler reads its environment from process.env: put it back.
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  await served?.stop();
  await rm(dir, { recursive: true, force: true });
});

let aws: FakeAws;
let state: ProjectState;
let keychain: Map<string, string>;
let secrets: SecretStore;
let fixture: ClientCredentialsFixture;
let oktaState: OktaState;

beforeEach(async () => {
  aws = fakeAws();
  aws.urlFor = () => `${served.url}/`;
  state = await ProjectState.load(await mkdtemp(join(dir, 'project-')));
  keychain = new Map();
  secrets = mapSecretStore(keychain);
  fixture = await provisionClientCredentials(emu.url, emu.adminToken);
  // hook deploy attaches only to a rule of this setup (rule-ownership.ts): the fixture as init would have made it.
  const spec = await asInitSetup(emu, fixture, `hook-api-${fixture.ruleId}`);
  oktaState = {
    orgUrl: emu.url,
    spec,
    issuer: fixture.issuer,
    audience: fixture.audience,
    tokenEndpoint: fixture.tokenUrl,
    authServerId: fixture.authServerId,
    policyId: fixture.policyId,
    ruleId: fixture.ruleId,
  };
  emu.clearRequestLog();
});
afterEach(() => aws.restore());

const rule = () => ({ authServerId: fixture.authServerId, policyId: fixture.policyId, ruleId: fixture.ruleId });
const deps = () => ({ aws: aws.clients, secrets, state, timing });
const oktaWrites = () =>
  emu.requestLog.filter((e) => e.method !== 'GET' && !e.path.endsWith('/execute')).map((e) => `${e.method} ${e.path}`);

function request(over: Partial<DeployRequest> = {}): DeployRequest {
  return {
    ...tokenHookDefaults,
    zip,
    options: { policy: '{"*":["*"]}' },
    oktaState,
    okta: { client, hookName: `okta-m2m-token-hook-${fixture.ruleId}`, rule: rule() },
    ...over,
  };
}

/** Okta calls the hook (the emulator's execute) with its stored auth value; the function checks it against its env. */
async function oktaCallsHook(hookId: string, override: Record<string, string> = {}): Promise<number> {
  const env = aws.functions.get('okta-m2m-token-hook')!.config.Environment!.Variables!;
  Object.assign(process.env, { ...env, REQUIRE_ASSERTION: 'false', ALLOW_INSECURE_LOOPBACK: '1', ...override });
  const res = await api(emu, 'POST', `/api/v1/inlineHooks/${hookId}/execute`, {
    source: 'test',
    eventType: 'com.okta.oauth2.tokens.transform',
    data: { context: { protocol: { request: {} } } },
  });
  return res.status;
}

describe('hook deploy token-hook with Okta', () => {
  it("registers the hook with the function URL and the secret, attaches it to init's rule, and a re-run writes nothing", async () => {
    const result = await deploy(request(), deps());
    const hookId = result.inlineHookId!;
    expect(hookId).toBeTruthy();
    const secret = keychain.get(SECRET_ACCOUNT)!;

    const hook = emu.state.inlineHooks.get(hookId)!;
    expect(hook.type).toBe('com.okta.oauth2.tokens.transform');
    expect(hook.status).toBe('ACTIVE');
    expect(hook.channel.config.uri).toBe(`${served.url}/`);
    expect(hook.channel.config.authScheme).toEqual({ type: 'HEADER', key: 'Authorization' });
    expect(emu.state.inlineHookAuthValues.get(hookId)).toBe(secret);
    expect(ruleHookId(await readRule(client, rule()))).toBe(hookId);
    expect(readHookRecords(state, 'default')['token-hook']).toMatchObject({ inlineHookId: hookId, rule: rule() });
    expect(await readFile(state.file, 'utf8')).not.toContain(secret);

    // Okta and the (built, served) function agree on the secret.
    expect(await oktaCallsHook(hookId)).toBe(200);
    // (and a function with another secret refuses Okta: the emulator reports the hook's 401)
    expect(await oktaCallsHook(hookId, { HOOK_SECRET: 'not-the-shared-secret-0000' })).toBe(400);

    aws.reset();
    emu.clearRequestLog();
    const again = await deploy(request(), deps());
    expect(again.changed).toBe(false);
    expect(aws.writes()).toEqual([]);
    expect(oktaWrites()).toEqual([]);
    expect(again.inlineHookId).toBe(hookId);
  });

  it('--rotate-secret puts the new secret in the function and in Okta (they still agree)', async () => {
    const { inlineHookId } = await deploy(request(), deps());
    const old = keychain.get(SECRET_ACCOUNT);
    emu.clearRequestLog();
    await deploy(request({ rotateSecret: true }), deps());
    const fresh = keychain.get(SECRET_ACCOUNT)!;
    expect(fresh).not.toBe(old);
    expect(emu.state.inlineHookAuthValues.get(inlineHookId!)).toBe(fresh);
    expect(oktaWrites()).toEqual([`PUT /api/v1/inlineHooks/${inlineHookId}`]);
    expect(await oktaCallsHook(inlineHookId!)).toBe(200);
  });

  it('re-attaches when the rule lost the hook, and adopts a hook found by name when the state forgot it', async () => {
    const { inlineHookId } = await deploy(request(), deps());
    const current = await readRule(client, rule());
    const body = JSON.parse(JSON.stringify(current)) as Record<string, any>;
    delete body.actions.token.inlineHook;
    delete body._links;
    delete body.created;
    delete body.lastUpdated;
    await fetch(
      `${emu.url}/api/v1/authorizationServers/${fixture.authServerId}/policies/${fixture.policyId}/rules/${fixture.ruleId}`,
      {
        method: 'PUT',
        headers: {
          Authorization: `SSWS ${emu.adminToken}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify(body),
      },
    );
    await state.set('default', 'hooks', undefined);
    emu.clearRequestLog();
    const result = await deploy(request(), deps());
    expect(result.inlineHookId).toBe(inlineHookId);
    expect(oktaWrites()).toEqual([
      `PUT /api/v1/authorizationServers/${fixture.authServerId}/policies/${fixture.policyId}/rules/${fixture.ruleId}`,
    ]);
  });

  it('hook remove detaches and deletes the hook in Okta, then the AWS side', async () => {
    const { inlineHookId } = await deploy(request(), deps());
    emu.clearRequestLog();
    aws.reset();
    const plan = await planRemove(
      {
        ...tokenHookFunction,
        okta: { client, hookName: `okta-m2m-token-hook-${fixture.ruleId}` },
        oktaState,
      },
      deps(),
    );
    expect(plan.steps.slice(0, 2).map((s) => [s.resource, s.action])).toEqual([
      ['Okta policy rule', 'update'],
      ['Okta inline hook', 'delete'],
    ]);
    await applyRemove(plan, deps());
    expect(oktaWrites()).toEqual([
      `PUT /api/v1/authorizationServers/${fixture.authServerId}/policies/${fixture.policyId}/rules/${fixture.ruleId}`,
      `POST /api/v1/inlineHooks/${inlineHookId}/lifecycle/deactivate`,
      `DELETE /api/v1/inlineHooks/${inlineHookId}`,
    ]);
    expect(ruleHookId(await readRule(client, rule()))).toBeUndefined();
    expect(emu.state.inlineHooks.get(inlineHookId!)).toBeUndefined();
    expect(aws.writes()).toEqual([
      'lambda:DeleteFunctionUrlConfig',
      'lambda:DeleteFunction',
      'iam:DetachRolePolicy',
      'iam:DeleteRole',
    ]);
    expect(keychain.size).toBe(0);
    expect(readHookRecords(state, 'default')).toEqual({});
  });

  it('without a rule in the state: registers the hook, attaches nowhere', async () => {
    const result = await deploy(request({ okta: { client, hookName: `lonely-${fixture.ruleId}` } }), deps());
    expect(result.plan.find((s) => s.resource === 'Okta policy rule')?.action).toBe('skip');
    expect(ruleHookId(await readRule(client, rule()))).toBeUndefined();
    expect(result.inlineHookId).toBeTruthy();
  });
});
