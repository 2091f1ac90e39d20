import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's main() in this process with memory streams: for property tests that need thousands of runs. */
export async function runInProcess(args: string[], env: NodeJS.ProcessEnv, cwd: string, input = ''): Promise<InProcessResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const stdin = Readable.from(input ? [Buffer.from(input)] : []);
  const code = await main(['node', 'okta-m2m', ...args], { stdout, stderr, stdin, env, cwd });
  return { code, stdout: out, stderr: err };
}
