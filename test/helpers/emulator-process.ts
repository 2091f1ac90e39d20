import { spawn, type ChildProcess } from 'node:child_process';
import { cliPath } from './cli.js';

export interface EmulatorProcess {
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
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
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
    child.stdin!.end();
  });
}
