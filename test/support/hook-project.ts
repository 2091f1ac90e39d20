/**
 * A project folder for the hook verbs run in this process: a profile for the Okta emulator (SSWS, the API token
 * in the returned environment), a project state whose okta section is a provisioned client-credentials fixture
 * given init's names and marker (hook deploy attaches only to a rule of this setup), and policy.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProjectState } from '../../src/config/state.js';
import {
  provisionClientCredentials,
  type ClientCredentialsFixture,
  type EmulatorHandle,
} from '../../src/emulator/okta/index.js';
import { tempDir } from './cli.js';
import { asInitSetup } from './okta-api.js';

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
