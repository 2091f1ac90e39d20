/**
 * Shared by the auth0 and sync e2e tests: the built CLI as a child process (its own config dir and cwd), the Okta
 * and Auth0 emulators in this process (so a test can read their request logs and change the tenant), and a profile
 * written directly when a test is not about login (secrets then come from the environment variables).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import { startAuth0Emulator, type Auth0Emulator, type Auth0EmulatorOptions } from '../../src/emulator/auth0/index.js';

import { BIN, type RunResult } from './init-support.js';

// One definition of the built CLI's location, the keychain check and a run's result for every e2e test.
export { BIN, ROOT, hasKeychain, requireBuilt, type RunResult } from './init-support.js';

export interface Workspace {
  dir: string;
  profile: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult>;
  spawn(args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  state(): Promise<any>;
  cleanup(): Promise<void>;
}

export async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-auth0-e2e-'));
  const profile = `a0-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('OKTA_M2M_') && key !== 'FORCE_COLOR') env[key] = value;
  Object.assign(env, { OKTA_M2M_CONFIG_DIR: join(dir, 'config'), OKTA_M2M_PROFILE: profile, NO_COLOR: '1' });
  return {
    dir,
    profile,
    env,
    run(args, options = {}) {
      return new Promise((done, fail) => {
        const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
        child.on('error', fail);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          done({ code, signal, stdout, stderr });
        });
        child.stdin.end(options.input ?? '');
      });
    },
    spawn(args, extra = {}) {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...env, ...extra }, stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdin?.end();
      return child;
    },
    async state() {
      return JSON.parse(await readFile(join(dir, '.okta-m2m', 'state.json'), 'utf8'));
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface Emulators {
  okta: EmulatorHandle;
  auth0: Auth0Emulator;
  stop(): Promise<void>;
}

export async function startEmulators(auth0Options: Auth0EmulatorOptions = {}): Promise<Emulators> {
  // Not about rate limits: syncing thousands of users within Okta's developer-plan limits (50 user creates a minute
  // for one app) would take far longer than a test may; test/emulator/fidelity.test.ts checks the limits.
  const [okta, auth0] = await Promise.all([startEmulator({ port: 0, seed: 7, rateLimits: 'off' }), startAuth0Emulator(auth0Options)]);
  return {
    okta,
    auth0,
    stop: async () => {
      await Promise.all([okta.stop(), auth0.stop()]);
    },
  };
}

/**
 * A profile connected to both emulators without running login: the file written as login writes it, the secrets
 * in the environment variables the secret store reads first (what CI does).
 */
export async function connectProfile(ws: Workspace, emus: Emulators, management?: { clientId: string; clientSecret: string }): Promise<void> {
  await mkdir(join(ws.dir, 'config'), { recursive: true });
  const doc = {
    version: 1,
    current: ws.profile,
    profiles: {
      [ws.profile]: {
        orgUrl: emus.okta.url,
        authMode: 'ssws',
        auth0: { domain: emus.auth0.domain, clientId: management?.clientId ?? emus.auth0.managementClientId, baseUrl: emus.auth0.url },
      },
    },
  };
  await writeFile(join(ws.dir, 'config', 'profiles.json'), JSON.stringify(doc), { mode: 0o600 });
  ws.env.OKTA_M2M_API_TOKEN = emus.okta.adminToken;
  ws.env.OKTA_M2M_AUTH0_MANAGEMENT_SECRET = management?.clientSecret ?? emus.auth0.managementClientSecret;
}

/** Management API writes in the Auth0 emulator's log (the token endpoint is not a change to the tenant). */
export function auth0Writes(auth0: Auth0Emulator): string[] {
  return auth0Log(auth0)
    .filter((e) => e.method !== 'GET' && e.method !== 'HEAD' && e.path.startsWith('/api/v2/'))
    .map((e) => `${e.method} ${e.path}`);
}

/** The emulator's request log (an array, or an object with list() in older builds). */
export function auth0Log(auth0: Auth0Emulator): Array<{ method: string; path: string; status: number; fault?: string }> {
  const log = auth0.requestLog as unknown;
  return Array.isArray(log) ? log : (log as { list(): [] }).list();
}

export function clearAuth0Log(auth0: Auth0Emulator): void {
  const emu = auth0 as unknown as { clearRequestLog?: () => void; requestLog: { clear?: () => void } };
  if (typeof emu.clearRequestLog === 'function') emu.clearRequestLog();
  else emu.requestLog.clear?.();
}

export function oktaWrites(okta: EmulatorHandle): string[] {
  return okta.requestLog.filter((e) => e.method !== 'GET' && e.method !== 'HEAD' && !e.path.startsWith('/oauth2/')).map((e) => `${e.method} ${e.path}`);
}

/** Logins of an Okta group's members, straight from the emulator's state. */
export function groupLogins(okta: EmulatorHandle, groupName: string): string[] {
  const state = okta.state as unknown as {
    groups: { find(p: (g: any) => boolean): any };
    groupMembers: Map<string, { values(): Iterable<{ id: string }> } | undefined>;
    users: { get(id: string): any };
  };
  const group = state.groups.find((g) => g.profile?.name === groupName);
  if (!group) return [];
  const members = state.groupMembers.get(group.id);
  if (!members) return [];
  return [...members.values()].map((m) => String(state.users.get(m.id)?.profile?.login ?? '').toLowerCase()).sort();
}

export function lastJson(stdout: string): any {
  return JSON.parse(stdout);
}
