// `okta-m2m hook serve` as a real child process (the built CLI, optionally with the DNS preload): resolves once the
// served URL is printed, and stops it with SIGINT as a person would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../../support/index.js';

export interface ServedProcess {
  url: string;
  stdout: () => string;
  stderr: () => string;
  stop(): Promise<void>;
}

export function serveProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; input?: string } = {},
): Promise<ServedProcess> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
    for (const key of Object.keys(env))
      if (key.startsWith('OKTA_M2M_') && !(options.env && key in options.env)) delete env[key];
    // A project folder of its own: serving scim-bridge records its bridge key in the project state there.
    const cwd = mkdtempSync(join(tmpdir(), 'okta-m2m-serve-process-'));
    const child: ChildProcess = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), cliPath, 'hook', 'serve', ...args],
      {
        cwd,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    let settled = false;
    const closed = new Promise<void>((done) => child.once('close', () => done())).then(() =>
      rmSync(cwd, { recursive: true, force: true }),
    );
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`hook serve printed no URL in time: ${err}`));
    }, 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /^(http:\/\/\S+)$/m.exec(out)?.[1];
      if (url && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({
          url,
          stdout: () => out,
          stderr: () => err,
          stop: async () => {
            child.kill('SIGINT');
            await closed;
          },
        });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('close', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`hook serve exited (${String(code)}) before serving: ${err}`));
    });
    child.stdin!.end(options.input ?? '');
  });
}
