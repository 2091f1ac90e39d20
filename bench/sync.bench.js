// `okta-m2m sync auth0-role` against both emulators, as its own process:
// - users synced per second for a 1,000-user role with 20 ms injected on every call of both sides, next to the
//   ideal for its concurrency (each new user costs three calls: an Auth0 read, an Okta create, an Okta add);
// - users synced per second under the emulator's default plan (Okta's Integrator Free Plan limits), next to the
//   ceiling those limits allow: one API token gets 50 % of 100 calls a window to POST /api/v1/users and to
//   /api/v1/groups*, and each new user costs one of each, so 50 users a window. The minute is scaled down to
//   WINDOW_MS so that several windows pass in seconds; the ratio to the ceiling is what a real minute would give.
// - peak memory (VmHWM) of a sync over a 50,000-user role, next to the same over a 1,000-user role: streaming
//   means the role's size barely shows. In both memory runs the Okta group already holds everyone, so the run is
//   all paging and measures what the role costs to hold, not the per-user calls.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, round } from './lib.js';

export const title = 'sync auth0-role';
const LATENCY_MS = 20;
const CONCURRENCY = 8;
const WINDOW_MS = 5000;
const LIMITED_USERS = 300;

export default async function run() {
  const [{ startEmulator, seedGroupMembers }, { startAuth0Emulator }] = await Promise.all([
    import('../dist/emulator.js'),
    import('../dist/emulator-auth0.js'),
  ]);
  const results = [];

  // Throughput under latency.
  {
    const okta = await startEmulator({ port: 0, latencyMs: LATENCY_MS, rateLimits: 'off' }); // throughput under latency, not under Okta's limits
    const auth0 = await startAuth0Emulator({
      latencyMs: LATENCY_MS,
      seedData: { roles: [{ name: 'bench', users: 1000 }] },
    });
    const ws = await workspace(okta, auth0);
    try {
      const { ms } = await sync(ws, [
        '--role',
        'bench',
        '--group',
        'bench',
        '--create-group',
        '--concurrency',
        String(CONCURRENCY),
      ]);
      const perSecond = 1000 / (ms / 1000);
      const ideal = CONCURRENCY / ((3 * LATENCY_MS) / 1000);
      results.push(
        {
          name: `users synced per second (1,000 new users, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY})`,
          value: round(perSecond, 0),
          unit: 'users/s',
          ratio: round(perSecond / ideal),
        },
        { name: 'ideal for that latency and concurrency (baseline)', value: round(ideal, 0), unit: 'users/s' },
      );
    } finally {
      await Promise.all([okta.stop(), auth0.stop(), ws.cleanup()]);
    }
  }

  // Throughput under the default plan's rate limits, against the ceiling they allow.
  {
    const okta = await startEmulator({ port: 0, rateLimits: 'developer', rateLimitWindowMs: WINDOW_MS });
    const auth0 = await startAuth0Emulator({ seedData: { roles: [{ name: 'limited', users: LIMITED_USERS }] } });
    const ws = await workspace(okta, auth0);
    try {
      // Start on a window's edge, so that the run is whole windows.
      await new Promise((resolve) => setTimeout(resolve, WINDOW_MS - (Date.now() % WINDOW_MS)));
      const { ms } = await sync(ws, [
        '--role',
        'limited',
        '--group',
        'limited',
        '--create-group',
        '--concurrency',
        String(CONCURRENCY),
      ]);
      const refused = okta.requestLog.filter((e) => e.status === 429).length;
      const perSecond = LIMITED_USERS / (ms / 1000);
      const ceiling = 50 / (WINDOW_MS / 1000);
      results.push(
        {
          name: `users synced per second under the developer plan (${LIMITED_USERS} new users, minute scaled to ${WINDOW_MS / 1000} s, ${refused} calls refused)`,
          value: round(perSecond, 1),
          unit: 'users/s',
          ratio: round(perSecond / ceiling),
          atLeast: 0.9,
        },
        { name: 'ceiling under those limits: 50 users a window (baseline)', value: round(ceiling, 1), unit: 'users/s' },
      );
    } finally {
      await Promise.all([okta.stop(), auth0.stop(), ws.cleanup()]);
    }
  }

  // Peak memory: 50,000 against 1,000.
  const peaks = {};
  for (const users of [1000, 50_000]) {
    const okta = await startEmulator({ port: 0, rateLimits: 'off' });
    const auth0 = await startAuth0Emulator({ seedData: { roles: [{ name: 'everyone', users }] } });
    seedGroupMembers(
      okta.state,
      'everyone',
      [...auth0.tenant.store.users.values()].map((user) => user.email),
    );
    const ws = await workspace(okta, auth0);
    try {
      peaks[users] = (await sync(ws, ['--role', 'everyone', '--group', 'everyone'])).peakKiB;
    } finally {
      await Promise.all([okta.stop(), auth0.stop(), ws.cleanup()]);
    }
  }
  results.push(
    { name: 'peak memory, 1,000-user role (baseline)', value: round(peaks[1000] / 1024, 1), unit: 'MiB' },
    {
      name: 'peak memory, 50,000-user role',
      value: round(peaks[50_000] / 1024, 1),
      unit: 'MiB',
      ratio: round(peaks[50_000] / peaks[1000]),
    },
  );
  return results;
}

async function workspace(okta, auth0) {
  const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-bench-sync-'));
  await mkdir(join(dir, 'config'));
  const profile = {
    orgUrl: okta.url,
    authMode: 'ssws',
    auth0: { domain: auth0.domain, clientId: auth0.managementClientId, baseUrl: auth0.url },
  };
  await writeFile(
    join(dir, 'config', 'profiles.json'),
    JSON.stringify({ version: 1, current: 'bench', profiles: { bench: profile } }),
    { mode: 0o600 },
  );
  const env = {
    ...process.env,
    NO_COLOR: '1',
    OKTA_M2M_CONFIG_DIR: join(dir, 'config'),
    OKTA_M2M_API_TOKEN: okta.adminToken,
    OKTA_M2M_AUTH0_MANAGEMENT_SECRET: auth0.managementClientSecret,
  };
  return { dir, env, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs the sync; returns its wall time and its peak resident memory (VmHWM, polled from /proc). */
function sync(ws, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, 'sync', 'auth0-role', ...args, '--yes'], {
      cwd: ws.dir,
      env: ws.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let peakKiB = 0;
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const poll = setInterval(async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (hwm > peakKiB) peakKiB = hwm;
    }, 20);
    child.on('close', (code) => {
      clearInterval(poll);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`sync exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve({ ms, peakKiB });
    });
  });
}
