/** Runs the CLI in this process with streams and an environment of the test's choosing. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli.js';
import type { Factories, Io } from '../../src/context.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  env?: Record<string, string>;
  cwd?: string;
  /** Swaps what the commands reach outside with (the AWS clients, the keychain). */
  factories?: Partial<Factories>;
}

export async function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
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
