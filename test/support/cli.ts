/**
 * The CLI under test, two ways: spawnCli runs the built CLI (bin/okta-m2m.js) as a separate process, as a user
 * would; runCliInProcess and runInProcess call main() in this process with memory streams (fast: property tests,
 * the unit lane).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli.js';
import type { Factories, Io } from '../../src/context.js';
import { memoryStreams } from './memory-ui.js';
import { cliPath, repoRoot } from './paths.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  /** Node flags before the script, e.g. ['--import', hook]. */
  nodeArgs?: string[];
  timeoutMs?: number;
}

/** The environment of this process minus anything okta-m2m reads or that colours output, plus the test's own. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OKTA_M2M_') && key !== 'FORCE_COLOR') env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs the built CLI as a user would: a separate process, no TTY, killed after timeoutMs (default 20 s). */
export function spawnCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cliPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

type SpawnResult = CliResult;

/** spawnCli in a given folder, its config folder <cwd>/.config (the token suites' shape). */
export function runBuilt(
  args: string[],
  options: { cwd: string; env: Record<string, string>; stdin?: string; nodeArgs?: string[] },
): Promise<SpawnResult> {
  return spawnCli(args, {
    cwd: options.cwd,
    env: { OKTA_M2M_CONFIG_DIR: join(options.cwd, '.config'), ...options.env },
    input: options.stdin ?? '',
    nodeArgs: options.nodeArgs ?? [],
    timeoutMs: 60_000,
  });
}

/**
 * A long-running CLI (`hook serve`, for one): resolves on the first line it prints to stdout; `stop` is Ctrl-C
 * (SIGINT) and resolves with its exit code. Rejects if it exits before printing a line.
 */
export function whenServing(
  child: ChildProcess,
): Promise<{ line: string; stderr: () => string; stop: () => Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n'))
        resolve({
          line: stdout.trim(),
          stderr: () => stderr,
          stop: () => new Promise((done) => (child.once('close', (code) => done(code)), child.kill('SIGINT'))),
        });
    });
    child.on('close', (code) => reject(new Error(`exited ${code} before printing a line: ${stderr}`)));
  });
}

/** Stops a child process with a signal and waits for it to be gone; fine if it has already exited. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill(signal);
  await closed;
}

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's main() in this process with memory streams: for property tests that need thousands of runs. */
export async function runInProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  input = '',
): Promise<InProcessResult> {
  const { stdout, stderr, out, err } = memoryStreams();
  const stdin = Readable.from(input ? [Buffer.from(input)] : []);
  const code = await main(['node', 'okta-m2m', ...args], { stdout, stderr, stdin, env, cwd });
  return { code, stdout: out(), stderr: err() };
}

interface InProcessOptions {
  stdin?: string;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  env?: Record<string, string>;
  cwd?: string;
  /** Swaps what the commands reach outside with (the AWS clients, the keychain). */
  factories?: Partial<Factories>;
}

/**
 * main() in this process with streams whose TTY-ness the test chooses, in a fresh folder (config in <cwd>/.config)
 * unless cwd is given.
 */
export async function runCliInProcess(args: string[], options: InProcessOptions = {}): Promise<InProcessResult> {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.stdoutIsTTY ?? false, columns: 100 });
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  const stdin = Object.assign(Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]), {
    isTTY: options.stdinIsTTY ?? options.stdin === undefined,
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const cwd = options.cwd ?? (await tempDir());
  const io: Io = {
    stdout,
    stderr,
    stdin,
    cwd,
    env: { OKTA_M2M_CONFIG_DIR: join(cwd, '.config'), NO_COLOR: '1', ...options.env },
  };
  const code = await main(['node', 'okta-m2m', ...args], io, options.factories);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'okta-m2m-token-'));
}

/** The arguments of `okta-m2m sync auth0-role` for this role and group, then `flags`. */
export function syncArgs(role: string, group: string, ...flags: string[]): string[] {
  return ['sync', 'auth0-role', '--role', role, '--group', group, ...flags];
}

/** The arguments of `okta-m2m token get` from this issuer for this client, then `flags`. */
export function tokenGetArgs(issuer: string, clientId: string, ...flags: string[]): string[] {
  return ['token', 'get', '--issuer', issuer, '--client-id', clientId, ...flags];
}

/** The arguments of `okta-m2m token get` at this token endpoint for this client, then `flags`. */
export function tokenUrlArgs(tokenUrl: string, clientId: string, ...flags: string[]): string[] {
  return ['token', 'get', '--token-url', tokenUrl, '--client-id', clientId, ...flags];
}
