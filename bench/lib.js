// Shared helpers for benchmarks: timing child processes and summarising samples.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cli = join(repoRoot, 'bin', 'okta-m2m.js');

/** Runs a command to completion and returns its wall time in ms. */
export function timeProcess(command, args, { env = process.env, input = '' } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 300)}`));
      else resolve(ms);
    });
    child.stdin.end(input);
  });
}

export function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const median = (samples) => percentile(samples, 50);

/**
 * Interleaves the candidates round by round so drift on a busy machine hits them alike, and stops at `rounds` or
 * when `budgetMs` is spent, whichever comes first.
 */
export async function interleave(candidates, { rounds = 15, budgetMs = 20_000 } = {}) {
  const samples = Object.fromEntries(Object.keys(candidates).map((name) => [name, []]));
  const deadline = Date.now() + budgetMs;
  for (let round = 0; round < rounds && Date.now() < deadline; round += 1) {
    for (const [name, run] of Object.entries(candidates)) samples[name].push(await run());
  }
  return samples;
}

export const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A figure in milliseconds: the median of `samples`, and its ratio to the baseline's median against `goal`. */
export const medianFigure = (name, samples, baseline, goal) => ({
  name,
  value: round(median(samples)),
  unit: 'ms',
  ratio: round(median(samples) / baseline),
  goal,
});

/**
 * Sends requests made by `makeRequest()` with `concurrency` in flight until `count` are done or `budgetMs` is spent;
 * returns per-request latencies (ms) and the achieved rate.
 */
export async function load(makeRequest, { concurrency = 8, count = 2000, budgetMs = 10_000 } = {}) {
  const latencies = [];
  const deadline = Date.now() + budgetMs;
  let issued = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (issued < count && Date.now() < deadline) {
      issued += 1;
      const t0 = process.hrtime.bigint();
      await makeRequest();
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { latencies, perSecond: latencies.length / seconds };
}

/** A bare node:http server answering a small JSON body: the floor any HTTP service here can reach. */
export async function bareServer(body = '{"ok":true}') {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Starts a long-running CLI command (e.g. `hook serve`) and resolves with its first stdout line and a stop(). */
export function startCliServer(args, { env = process.env, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) {
        resolve({
          line: stdout.split('\n')[0].trim(),
          stop: () =>
            new Promise((done) =>
              child.exitCode !== null ? done() : (child.once('close', done), child.kill('SIGTERM')),
            ),
        });
      }
    });
    child.on('close', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(0, 400)}`)));
  });
}
