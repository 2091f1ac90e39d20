/** Runs the built CLI (bin/okta-m2m.js, dist/) as a user would: a separate process, its own cwd and config dir. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'okta-m2m.js');

export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run "npm run build" first.');
}

export interface SpawnResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of this process minus anything okta-m2m reads, plus the test's own. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('OKTA_M2M_')) env[name] = value;
  return { ...env, NO_COLOR: '1', ...extra };
}

export function runBuilt(
  args: string[],
  options: { cwd: string; env: Record<string, string>; stdin?: string; nodeArgs?: string[] },
): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: options.cwd,
      env: cleanEnv({ OKTA_M2M_CONFIG_DIR: join(options.cwd, '.config'), ...options.env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(options.stdin ?? '');
  });
}

/** Every file under a directory, with its content (to prove nothing secret was written). */
export async function filesUnder(dir: string): Promise<Array<{ path: string; content: string }>> {
  const found: Array<{ path: string; content: string }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    found.push({ path, content: await readFile(path, 'latin1') });
  }
  return found;
}
