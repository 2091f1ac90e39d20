/**
 * A project folder for the hook verbs run in this process: a profile for the Okta emulator (SSWS, the API token
 * in the returned environment), a project state whose okta section is a provisioned client-credentials fixture
 * given init's names and marker (hook deploy attaches only to a rule of this setup), and policy.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ProjectState } from '../../src/config/state.js';
import {
  provisionClientCredentials,
  startEmulator,
  type ClientCredentialsFixture,
  type EmulatorHandle,
} from '../../src/emulator/okta/index.js';
import type { SecretBackend } from '../../src/secrets/store.js';
import { runCliInProcess, tempDir, type InProcessResult } from './cli.js';
import { fakeAws, type FakeAws } from './fake-aws.js';
import { requireKeychain, testKeychainService } from './keychain.js';
import { asInitSetup } from './okta-api.js';
import { SERVE_TOKEN_HOOK } from './example-commands.js';

export interface HookProject {
  cwd: string;
  fixture: ClientCredentialsFixture;
  /** OKTA_M2M_API_TOKEN and the test keychain service. */
  env: Record<string, string>;
}

export async function hookProject(emu: EmulatorHandle, keychainService: string): Promise<HookProject> {
  const cwd = await tempDir();
  const fixture = await provisionClientCredentials(emu.url, emu.adminToken);
  await mkdir(join(cwd, '.config'), { recursive: true });
  await writeFile(
    join(cwd, '.config', 'profiles.json'),
    JSON.stringify({ version: 1, current: 'default', profiles: { default: { orgUrl: emu.url, authMode: 'ssws' } } }),
  );
  const state = await ProjectState.load(cwd);
  await state.set('default', 'okta', {
    orgUrl: emu.url,
    spec: await asInitSetup(emu, fixture, `hook-api-${fixture.ruleId}`),
    issuer: fixture.issuer,
    audience: fixture.audience,
    tokenEndpoint: fixture.tokenUrl,
    clientId: fixture.clientId,
    authServerId: fixture.authServerId,
    policyId: fixture.policyId,
    ruleId: fixture.ruleId,
    scopes: [fixture.scope],
  });
  await writeFile(join(cwd, 'policy.json'), '{ "0oa-caller": ["api.read"] }');
  return { cwd, fixture, env: { OKTA_M2M_API_TOKEN: emu.adminToken, OKTA_M2M_KEYCHAIN_SERVICE: keychainService } };
}

interface HookProjectSuite extends HookProject {
  emu: EmulatorHandle;
  /** The test keychain service the project's secrets go to, and its backend (checked before the tests). */
  service: string;
  keychain: SecretBackend;
  /** The AWS SDK mock, fresh for each test. */
  aws: FakeAws;
  /** The CLI in this process, in the project, with the fake AWS clients. */
  cli: (args: string[]) => Promise<InProcessResult>;
  /** The project's state file. */
  stateFile: () => string;
}

/**
 * For a file of `hook` verb tests run in this process: a keychain service of its own and the Okta emulator (Okta's
 * per-plan limits off: these suites are not about rate limits) for the file, and for each test a fresh hookProject
 * and fake AWS; the token hook's secret is deleted after each test. Read the fields inside tests and hooks.
 */
export function useHookProject(label: string): HookProjectSuite {
  const suite = {
    service: testKeychainService(label),
    cli: (args: string[]) =>
      runCliInProcess(args, { cwd: suite.cwd, env: suite.env, factories: { aws: async () => suite.aws.clients } }),
    stateFile: () => join(suite.cwd, '.okta-m2m', 'state.json'),
  } as HookProjectSuite;
  beforeAll(async () => {
    suite.keychain = await requireKeychain(suite.service);
    suite.emu = await startEmulator({ port: 0, rateLimits: 'off' });
  });
  afterAll(async () => {
    await (suite.emu as EmulatorHandle | undefined)?.stop();
  });
  beforeEach(async () => {
    suite.aws = fakeAws();
    Object.assign(suite, await hookProject(suite.emu, suite.service));
  });
  afterEach(async () => {
    suite.aws.restore();
    await suite.keychain.delete('default/hook-secret:token-hook').catch(() => false);
  });
  return suite;
}

/** `hook deploy <template>` in eu-west-1, then the flags given. */
export function hookDeployArgs(template: string, ...flags: string[]): string[] {
  return ['hook', 'deploy', template, '--region', 'eu-west-1', ...flags];
}

/** `hook serve token-hook --register` as the demo runs it (example-commands.js), then `extra`. */
export function hookServeRegisterArgs(...extra: string[]): string[] {
  return [...SERVE_TOKEN_HOOK, ...extra];
}
