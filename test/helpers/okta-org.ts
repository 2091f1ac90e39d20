/**
 * For the reliability and security suites: an in-process Okta emulator, a workspace whose CLI runs in this process
 * (runInProcess: main() with memory streams) or as a child, and what the org holds, counted by kind and name.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator/okta/index.js';
import { runCli, type CliResult } from './cli.js';
import { runInProcess, type InProcessResult } from './in-process.js';

/** The keychain tests need a Secret Service (scripts/test.js runs vitest inside a private one). */
export const hasKeychain =
  Boolean(process.env.DBUS_SESSION_BUS_ADDRESS) && spawnSync('secret-tool', ['--version']).error === undefined;

export function oktaEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  return startEmulator({ port: 0, rateLimits: 'off', seed: 7, ...options });
}

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
    spawn: (args, input = '') => runCli(args, { env, cwd: dir, input, timeoutMs: 60_000 }),
    state: async () => JSON.parse(await readFile(join(dir, '.okta-m2m', 'state.json'), 'utf8')),
    cleanup: async () => {
      for (const account of [`${profile}/okta-api-token`, `${profile}/okta-private-key`]) {
        spawnSync('secret-tool', ['clear', 'service', 'okta-m2m', 'username', account]);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** GET on the management API as the admin. */
export async function adminGet(emu: EmulatorHandle, path: string): Promise<any[]> {
  const res = await fetch(`${emu.url}${path}`, { headers: { Authorization: `SSWS ${emu.adminToken}`, Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return (await res.json()) as any[];
}

/**
 * What the org holds, by kind and name, with counts: {"app:orders-api": 1, "scope:orders-api/orders:read": 1, ...}.
 * A duplicate shows as a count of 2; a leftover as a key a clean org does not have. Also the settings that matter.
 */
export async function orgInventory(emu: EmulatorHandle): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const add = (key: string) => (out[key] = ((out[key] as number | undefined) ?? 0) + 1);
  for (const app of await adminGet(emu, '/api/v1/apps?limit=200')) {
    add(`app:${app.label}`);
    out[`app:${app.label}#settings`] = `${app.status}|${app.credentials?.oauthClient?.token_endpoint_auth_method}`;
  }
  for (const server of await adminGet(emu, '/api/v1/authorizationServers?limit=200')) {
    add(`authServer:${server.name}`);
    out[`authServer:${server.name}#settings`] = `${server.status}|${(server.audiences ?? []).join(',')}`;
    for (const scope of await adminGet(emu, `/api/v1/authorizationServers/${server.id}/scopes`)) {
      if (!scope.system) add(`scope:${server.name}/${scope.name}|default=${scope.default}`);
    }
    for (const policy of await adminGet(emu, `/api/v1/authorizationServers/${server.id}/policies`)) {
      add(`policy:${server.name}/${policy.name}|${policy.status}`);
      for (const rule of await adminGet(emu, `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules`)) {
        const scopes = [...(rule.conditions?.scopes?.include ?? [])].sort().join(',');
        add(`rule:${server.name}/${policy.name}/${rule.name}|${rule.status}|${scopes}|${rule.actions?.token?.accessTokenLifetimeMinutes}`);
      }
    }
  }
  return out;
}

/** Management writes (not GET, not the OAuth endpoints, not the control API) in a request log. */
export function managementWrites(log: Array<{ method: string; path: string }>): Array<{ method: string; path: string }> {
  return log.filter((e) => e.method !== 'GET' && e.method !== 'HEAD' && (e.path.startsWith('/api/') || e.path.startsWith('/oauth2/v1/clients/')));
}

export function managementRequests(log: Array<{ method: string; path: string }>): Array<{ method: string; path: string }> {
  return log.filter((e) => e.path.startsWith('/api/') || e.path.startsWith('/oauth2/v1/clients/'));
}

/** Every regular file under a directory: [path, content]. */
export async function filesUnder(dir: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    out.push([path, await readFile(path, 'utf8').catch(() => '')]);
  }
  return out;
}

/** A small seeded PRNG for reproducible random choices in tests: the emulators' own. */
export { seededRandom as seeded } from '../../src/emulator/core/prng.js';

/** Stops a child process with a signal and waits for it to be gone; fine if it has already exited. */
export async function stopChild(child: import('node:child_process').ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill(signal);
  await closed;
}
