/** The emulators the tests run against: in this process (to read their request logs), or as `emulator start`. */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { startAuth0Emulator, type Auth0Emulator, type Auth0EmulatorOptions } from '../../src/emulator/auth0/index.js';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator/okta/index.js';
import { auth0TokenRequest } from './auth0-token.js';
import { cliPath } from './paths.js';

/** A seeded PRNG for reproducible random choices in tests: the emulators' own. */
export { seededRandom as seeded } from '../../src/emulator/core/prng.js';

/**
 * The Okta emulator in this process, on a free port, seeded. Okta's per-plan rate limits are off unless asked for:
 * the suites using it are not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are).
 */
export function oktaEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator({ port: 0, seed: 7, rateLimits: 'off', ...options });
}
/**
 * For a file or a describe: an Okta emulator started before its tests (port 0; Okta's per-plan limits off unless
 * `options` say otherwise) and stopped after them. `set` receives it, for the suite's own variable.
 */
export function useOktaEmulator(set: (emulator: EmulatorHandle) => void, options: EmulatorOptions = {}): void {
  let started: EmulatorHandle | undefined;
  beforeAll(async () => {
    started = await startEmulator({ port: 0, rateLimits: 'off', ...options });
    set(started);
  });
  afterAll(async () => {
    await started?.stop();
  });
}

export interface Emulators {
  okta: EmulatorHandle;
  auth0: Auth0Emulator;
  stop(): Promise<void>;
}

/** The Okta and Auth0 emulators side by side, in this process. */
export async function startEmulators(auth0Options: Auth0EmulatorOptions = {}): Promise<Emulators> {
  // Not about rate limits: syncing thousands of users within Okta's developer-plan limits (50 user creates a minute
  // for one app) would take far longer than a test may; test/emulator/fidelity.test.ts checks the limits.
  const [okta, auth0] = await Promise.all([oktaEmulator({ rateLimits: 'off' }), startAuth0Emulator(auth0Options)]);
  return {
    okta,
    auth0,
    stop: async () => {
      await Promise.all([okta.stop(), auth0.stop()]);
    },
  };
}

interface EmulatorProcess {
  child: ChildProcess;
  info: { orgUrl: string; adminToken: string; auth0?: Record<string, string> };
  stderr: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts `okta-m2m emulator start --json` as its own process, as a user would, and waits for its first line. */
export function startEmulatorProcess(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<EmulatorProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, '--json', 'emulator', 'start', '--port', '0', ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) {
        clearTimeout(timer);
        resolve({
          child,
          info: JSON.parse(line),
          stderr: () => stderr,
          stop: (signal = 'SIGINT') =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              child.once('close', (code) => done(code));
              child.kill(signal);
            }),
        });
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited ${code}: ${stderr}`));
    });
    child.stdin.end();
  });
}

/** The Auth0 emulator's request log (an array, or an object with list() in older builds). */
export function auth0Log(
  auth0: Auth0Emulator,
): Array<{ method: string; path: string; status: number; fault?: string }> {
  const log = auth0.requestLog as unknown;
  return Array.isArray(log) ? log : (log as { list(): [] }).list();
}

export function clearAuth0Log(auth0: Auth0Emulator): void {
  const emu = auth0 as unknown as { clearRequestLog?: () => void; requestLog: { clear?: () => void } };
  if (typeof emu.clearRequestLog === 'function') emu.clearRequestLog();
  else emu.requestLog.clear?.();
}

/** Management API writes in the Auth0 emulator's log (the token endpoint is not a change to the tenant). */
export function auth0Writes(auth0: Auth0Emulator): string[] {
  return auth0Log(auth0)
    .filter((e) => e.method !== 'GET' && e.method !== 'HEAD' && e.path.startsWith('/api/v2/'))
    .map((e) => `${e.method} ${e.path}`);
}

/** Writes in the Okta emulator's log, the OAuth endpoints left out. */
export function oktaWrites(okta: EmulatorHandle): string[] {
  return okta.requestLog
    .filter((e) => e.method !== 'GET' && e.method !== 'HEAD' && !e.path.startsWith('/oauth2/'))
    .map((e) => `${e.method} ${e.path}`);
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

/**
 * Raw Management API calls on the Auth0 emulator with a token of its own management app (no code of ours in the
 * way), as someone working in the Auth0 Dashboard would make them.
 */
export async function auth0Management(
  auth0: Auth0Emulator,
): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>> {
  const tokenRes = await auth0TokenRequest(
    auth0,
    auth0.managementClientId,
    auth0.managementClientSecret,
    auth0.managementAudience,
  );
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  return async (method, path, body) => {
    const res = await fetch(`${auth0.managementBaseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** A management app of the Auth0 emulator granted only `scopes` on the Management API, made by its own client. */
export async function limitedManagementApp(
  auth0: Auth0Emulator,
  name: string,
  scopes: string[],
): Promise<{ clientId: string; clientSecret: string; grantStatus: number }> {
  const management = await auth0Management(auth0);
  const client = (await management('POST', '/clients', { name, app_type: 'non_interactive' })).body as {
    client_id: string;
    client_secret: string;
  };
  const grant = await management('POST', '/client-grants', {
    client_id: client.client_id,
    audience: auth0.managementAudience,
    scope: scopes,
  });
  return { clientId: client.client_id, clientSecret: client.client_secret, grantStatus: grant.status };
}
