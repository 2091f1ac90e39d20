/**
 * A throwaway folder per test that is both the CLI's config folder (<dir>/config) and its project folder, with a
 * profile name no other test uses (so keychain entries never collide), and the CLI to run in it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { cleanEnv, runInProcess, spawnCli, type CliResult, type InProcessResult } from './cli.js';
import type { Emulators } from './emulators.js';
import { clearKeychainAccounts, keychainAccounts } from './keychain.js';
import { cliPath } from './paths.js';

/** A profile name no other test uses. */
export function uniqueProfile(label: string): string {
  return `t-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A folder alone: its path, the env pointing the CLI's config into it, and its removal. */
export async function tempWorkspace(
  prefix = 'okta-m2m-test-',
): Promise<{ dir: string; env: NodeJS.ProcessEnv; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    env: { OKTA_M2M_CONFIG_DIR: join(dir, 'config') },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

const projectState = async (dir: string): Promise<any> =>
  JSON.parse(await readFile(join(dir, '.okta-m2m', 'state.json'), 'utf8'));

export interface OrgWorkspace {
  dir: string;
  configDir: string;
  profile: string;
  env: NodeJS.ProcessEnv;
  /** main() in this process. */
  run(args: string[], input?: string): Promise<InProcessResult>;
  /** The built CLI as a child process. */
  spawn(args: string[], input?: string): Promise<CliResult>;
  state(): Promise<any>;
  cleanup(): Promise<void>;
}

/** For the reliability and security suites: the CLI mostly in this process, the built one when it must be. */
export async function orgWorkspace(label: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<OrgWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), `okta-m2m-${label}-`));
  const profile = `r-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const configDir = join(dir, 'config');
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  for (const key of Object.keys(env)) if (key.startsWith('OKTA_M2M_') && !(key in extraEnv)) delete env[key];
  Object.assign(env, { OKTA_M2M_CONFIG_DIR: configDir, OKTA_M2M_PROFILE: profile, NO_COLOR: '1' });
  delete env.FORCE_COLOR;
  return {
    dir,
    configDir,
    profile,
    env,
    run: (args, input = '') => runInProcess(args, env, dir, input),
    spawn: (args, input = '') => spawnCli(args, { env, cwd: dir, input, timeoutMs: 60_000 }),
    state: () => projectState(dir),
    cleanup: async () => {
      await clearKeychainAccounts([`${profile}/okta-api-token`, `${profile}/okta-private-key`]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What the e2e suites' runs return. */
export type RunResult = CliResult;

export interface Workspace {
  dir: string;
  profile: string;
  env: NodeJS.ProcessEnv;
  /** stdout and stderr of every finished run, in order (to look for leaked secrets). */
  outputs: string[];
  run(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult>;
  /** A long-running CLI (stdin already ended) for the test to signal. */
  spawn(args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  state(): Promise<any>;
  cleanup(): Promise<void>;
}

/** For the e2e suites: every run is the built CLI as a child process, with the real keychain. */
export async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-e2e-'));
  const profile = `e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const env = cleanEnv({ OKTA_M2M_CONFIG_DIR: join(dir, 'config'), OKTA_M2M_PROFILE: profile });
  const outputs: string[] = [];
  return {
    dir,
    profile,
    env,
    outputs,
    async run(args, options = {}) {
      const result = await spawnCli(args, {
        cwd: dir,
        env: { ...env, ...options.env },
        input: options.input ?? '',
        timeoutMs: options.timeoutMs ?? 90_000,
      });
      outputs.push(result.stdout, result.stderr);
      return result;
    },
    spawn(args, extra = {}) {
      const child = spawn(process.execPath, [cliPath, ...args], {
        cwd: dir,
        env: { ...env, ...extra },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin.end();
      return child;
    },
    state: () => projectState(dir),
    async cleanup() {
      // Leave no keychain entries of this profile behind, even when a test failed before destroy.
      await clearKeychainAccounts(keychainAccounts().filter((account) => account.startsWith(`${profile}/`)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `okta-m2m login` with the emulator's admin token on stdin. */
export async function login(ws: Workspace, emu: EmulatorHandle): Promise<RunResult> {
  return ws.run(['login', '--org-url', emu.url, '--api-token-stdin'], { input: emu.adminToken });
}

/** The arguments of `okta-m2m login --oauth` as okta-m2m's own service app, with its key file, plus `extra`. */
export function oauthLoginArgs(orgUrl: string, clientId: string, keyFile: string, ...extra: string[]): string[] {
  return ['login', '--oauth', '--org-url', orgUrl, '--client-id', clientId, '--private-key-file', keyFile, ...extra];
}

/** `okta-m2m login --oauth` as okta-m2m's own service app, with its key file (a path in the workspace), plus `extra`. */
export function oauthLogin(
  ws: Workspace,
  emu: EmulatorHandle,
  clientId: string,
  keyFile: string,
  ...extra: string[]
): Promise<RunResult> {
  return ws.run(oauthLoginArgs(emu.url, clientId, keyFile, ...extra));
}

/**
 * A profile connected to both emulators without running login: the file written as login writes it, the secrets
 * in the environment variables the secret store reads first (what CI does).
 */
export async function connectProfile(
  ws: Pick<Workspace, 'dir' | 'profile' | 'env'>,
  emus: Pick<Emulators, 'okta' | 'auth0'>,
  management?: { clientId: string; clientSecret: string },
): Promise<void> {
  await mkdir(join(ws.dir, 'config'), { recursive: true });
  const doc = {
    version: 1,
    current: ws.profile,
    profiles: {
      [ws.profile]: {
        orgUrl: emus.okta.url,
        authMode: 'ssws',
        auth0: {
          domain: emus.auth0.domain,
          clientId: management?.clientId ?? emus.auth0.managementClientId,
          baseUrl: emus.auth0.url,
        },
      },
    },
  };
  await writeFile(join(ws.dir, 'config', 'profiles.json'), JSON.stringify(doc), { mode: 0o600 });
  ws.env.OKTA_M2M_API_TOKEN = emus.okta.adminToken;
  ws.env.OKTA_M2M_AUTH0_MANAGEMENT_SECRET = management?.clientSecret ?? emus.auth0.managementClientSecret;
}
