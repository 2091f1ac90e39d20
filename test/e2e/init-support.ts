/**
 * Shared by the init e2e tests: the built CLI as a child process (its own config dir and cwd, the real keychain),
 * the Okta emulator in process, and small probes (secret-tool, the emulator's request log, plain token requests).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built CLI; OKTA_M2M_E2E_ROOT points at another built tree (bin/ and dist/) when set. */
const BUILT = process.env.OKTA_M2M_E2E_ROOT ?? ROOT;
export const BIN = join(BUILT, 'bin', 'okta-m2m.js');

/** The keychain tests need a Secret Service (run under dbus-run-session with gnome-keyring unlocked). */
export const hasKeychain =
  Boolean(process.env.DBUS_SESSION_BUS_ADDRESS) && spawnSync('secret-tool', ['--version']).error === undefined;

export function requireBuilt(): void {
  if (!existsSync(join(BUILT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run "npm run build" first.');
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Workspace {
  dir: string;
  profile: string;
  env: NodeJS.ProcessEnv;
  outputs: string[];
  run(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult>;
  spawn(args: string[]): ReturnType<typeof spawn>;
  state(): Promise<any>;
  cleanup(): Promise<void>;
}

/** A fresh directory (config and project) and a unique profile, so test files can share one keychain. */
export async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-e2e-'));
  const profile = `e2e-${Math.random().toString(36).slice(2, 10)}`;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('OKTA_M2M_')) env[key] = value;
  Object.assign(env, { OKTA_M2M_CONFIG_DIR: join(dir, 'config'), OKTA_M2M_PROFILE: profile, NO_COLOR: '1' });
  const outputs: string[] = [];
  const ws: Workspace = {
    dir,
    profile,
    env,
    outputs,
    run(args, options = {}) {
      return new Promise((done, fail) => {
        const started = Date.now();
        const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
        child.on('error', fail);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          outputs.push(stdout, stderr);
          if (process.env.OKTA_M2M_E2E_TIMES) process.stderr.write(`[e2e] ${Date.now() - started} ms: okta-m2m ${args.join(' ')}\n`);
          done({ code, signal, stdout, stderr });
        });
        child.stdin.end(options.input ?? '');
      });
    },
    spawn(args) {
      return spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    },
    async state() {
      return JSON.parse(await readFile(join(dir, '.okta-m2m', 'state.json'), 'utf8'));
    },
    async cleanup() {
      // Leave no keychain entries of this profile behind, even when a test failed before destroy.
      for (const account of keychainAccounts().filter((a) => a.startsWith(`${profile}/`))) secretTool('clear', account);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return ws;
}

/** @napi-rs/keyring (keyring-rs) stores the account as the Secret Service attribute "username". */
function secretTool(action: 'lookup' | 'clear', account: string): string | undefined {
  const result = spawnSync('secret-tool', [action, 'service', 'okta-m2m', 'username', account], { encoding: 'utf8' });
  return result.status === 0 && result.stdout ? result.stdout : undefined;
}

/** Accounts stored under service okta-m2m. */
export function keychainAccounts(): string[] {
  const result = spawnSync('secret-tool', ['search', '--all', 'service', 'okta-m2m'], { encoding: 'utf8' });
  return [...`${result.stdout ?? ''}\n${result.stderr ?? ''}`.matchAll(/^attribute\.username = (.+)$/gm)].map((m) => m[1]!.trim());
}

export function keychainLookup(account: string): string | undefined {
  return secretTool('lookup', account);
}

export async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<EmulatorHandle> {
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  return startEmulator({ port: 0, rateLimits: 'off', seed: 7, ...options });
}

/** Every file under a directory, as text (to look for leaked secrets). */
export async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(await readFile(join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name), 'utf8'));
  }
  return out;
}

export async function login(ws: Workspace, emu: EmulatorHandle): Promise<RunResult> {
  return ws.run(['login', '--org-url', emu.url, '--api-token-stdin'], { input: emu.adminToken });
}

/** Objects of the org, through the management API (as an admin would see them). */
export async function orgObjects(emu: EmulatorHandle) {
  const get = async (path: string) => {
    const res = await fetch(`${emu.url}${path}`, { headers: { Authorization: `SSWS ${emu.adminToken}`, Accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return (await res.json()) as any[];
  };
  const apps = await get('/api/v1/apps?limit=200');
  const servers = await get('/api/v1/authorizationServers?limit=200');
  const details = [];
  for (const server of servers) {
    const scopes = (await get(`/api/v1/authorizationServers/${server.id}/scopes`)).filter((s) => !s.system);
    const policies = await get(`/api/v1/authorizationServers/${server.id}/policies`);
    const rules = [];
    for (const policy of policies) rules.push(...(await get(`/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules`)));
    details.push({ server, scopes, policies, rules });
  }
  return { apps, servers, details };
}

/** A comparable digest of what exists: names and settings, not ids. */
export async function orgDigest(emu: EmulatorHandle) {
  const { apps, details } = await orgObjects(emu);
  return {
    apps: apps.map((a) => `${a.label}|${a.status}|${a.credentials?.oauthClient?.token_endpoint_auth_method}`).sort(),
    servers: details
      .map((d) => ({
        name: d.server.name,
        status: d.server.status,
        audiences: d.server.audiences,
        scopes: d.scopes.map((s: any) => `${s.name}|${s.default}`).sort(),
        policies: d.policies.map((p: any) => `${p.name}|${p.status}|${p.conditions?.clients?.include?.length}`).sort(),
        rules: d.rules.map((r: any) => `${r.name}|${r.status}|${[...(r.conditions?.scopes?.include ?? [])].sort().join(',')}|${r.actions?.token?.accessTokenLifetimeMinutes}`).sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export async function mintWithSecret(tokenEndpoint: string, clientId: string, secret: string, scope?: string) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
  const res = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

export function decodeJwt(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

export const writeMethods = (log: Array<{ method: string; path: string }>) =>
  log.filter((e) => e.method !== 'GET' && !e.path.startsWith('/oauth2/') && !e.path.startsWith('/__emulator'));
