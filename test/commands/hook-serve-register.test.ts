import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import { hookServeRegisterArgs } from '../support/hook-project.js';
import { cliPath, spawnCli, tempWorkspace, uniqueProfile, whenServing } from '../support/index.js';

let emulator: EmulatorHandle;
let ws: Awaited<ReturnType<typeof tempWorkspace>>;
let env: NodeJS.ProcessEnv;
let init: { clientId: string; tokenEndpoint: string; issuer: string };

beforeAll(async () => {
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  emulator = await startEmulator({ port: 0, rateLimits: 'off' });
  ws = await tempWorkspace();
  env = { ...ws.env, OKTA_M2M_PROFILE: uniqueProfile('obo') };
  const login = await spawnCli(['login', '--org-url', emulator.url, '--api-token-stdin'], {
    env,
    cwd: ws.dir,
    input: emulator.adminToken,
  });
  expect(login.code, login.stderr).toBe(0);
  const made = await spawnCli(
    ['--json', 'init', '--yes', '--name', 'obo-api', '--scope', 'orders:read', '--default-scope', 'orders:read'],
    { env, cwd: ws.dir },
  );
  expect(made.code, made.stderr).toBe(0);
  init = JSON.parse(made.stdout);
}, 60_000);

afterAll(async () => {
  await spawnCli(['destroy', '--yes'], { env, cwd: ws.dir });
  await spawnCli(['logout'], { env, cwd: ws.dir });
  await emulator.stop();
  await ws.cleanup();
});

async function serveRegistered(
  extra: string[] = [],
): Promise<{ url: string; stop: () => Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [cliPath, ...hookServeRegisterArgs(...extra)], {
    env: { ...process.env, ...env, NO_COLOR: '1' },
    cwd: ws.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { line, stderr, stop } = await whenServing(child);
  return { url: line, stderr, stop };
}

const tokenWith = (assertion: string) =>
  spawnCli(['token', 'get', '--raw', '--no-cache', '--token-url', `${init.tokenEndpoint}?assertion=${assertion}`], {
    env,
    cwd: ws.dir,
  });

describe('okta-m2m hook serve token-hook --register', () => {
  it('is called by Okta during a real token request: on-behalf-of tokens carry act; bad assertions get no token; Ctrl-C unregisters', async () => {
    await writeFile(join(ws.dir, 'policy.json'), JSON.stringify({ [init.clientId]: ['orders:read'] }));
    const assertion = (await spawnCli(['token', 'get', '--raw', '--no-cache'], { env, cwd: ws.dir })).stdout.trim();
    expect(assertion.split('.')).toHaveLength(3);

    const served = await serveRegistered();
    const hooks = await (
      await fetch(`${emulator.url}/api/v1/inlineHooks`, { headers: { Authorization: `SSWS ${emulator.adminToken}` } })
    ).json();
    expect(hooks).toMatchObject([
      { name: 'okta-m2m-token-hook-local', status: 'ACTIVE', channel: { config: { uri: served.url } } },
    ]);

    const onBehalf = await tokenWith(assertion);
    expect(onBehalf.code, onBehalf.stderr).toBe(0);
    expect(decodeJwt(onBehalf.stdout.trim())).toMatchObject({ act: { sub: init.clientId, iss: init.issuer } });

    const [header, payload] = assertion.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(assertion), sub: 'someone-else' })).toString('base64url')}.${assertion.split('.')[2]}`;
    for (const bad of [tampered, `${header}.${payload}.`]) {
      const denied = await tokenWith(bad);
      expect(denied.code).toBe(1);
      expect(denied.stdout).toBe('');
      // Okta fails a token request whose hook answers with an error as 400 server_error (TokenHookResponse.error).
      expect(denied.stderr).toMatch(/server_error/);
      // The hook refused it, not the access policy: the hint says so.
      expect(denied.stderr).toMatch(
        /hint: A token inline hook on the access policy rule \(or the policy\) refused the request/,
      );
      expect(denied.stderr).not.toMatch(/access policy is not assigned/);
    }

    expect(await served.stop()).toBe(0);
    expect(served.stderr()).not.toContain(assertion);
    const after = await (
      await fetch(`${emulator.url}/api/v1/inlineHooks`, { headers: { Authorization: `SSWS ${emulator.adminToken}` } })
    ).json();
    expect(after).toEqual([]);
    const plain = await tokenWith(assertion);
    expect(decodeJwt(plain.stdout.trim()).act).toBeUndefined();
  }, 90_000);

  it("--env ISSUER=<another authorization server> verifies assertions with that server's keys, not init's", async () => {
    // Another API's server (billing-api), in the same org: its client's token is the assertion.
    const billing = await tempWorkspace();
    const billingEnv = { ...billing.env, OKTA_M2M_PROFILE: uniqueProfile('billing') };
    try {
      const login = await spawnCli(['login', '--org-url', emulator.url, '--api-token-stdin'], {
        env: billingEnv,
        cwd: billing.dir,
        input: emulator.adminToken,
      });
      expect(login.code, login.stderr).toBe(0);
      const made = await spawnCli(
        [
          '--json',
          'init',
          '--yes',
          '--name',
          'billing-api',
          '--scope',
          'billing:read',
          '--default-scope',
          'billing:read',
        ],
        { env: billingEnv, cwd: billing.dir },
      );
      expect(made.code, made.stderr).toBe(0);
      const other = JSON.parse(made.stdout) as { issuer: string; audience: string };
      const assertion = (
        await spawnCli(['token', 'get', '--raw', '--no-cache'], { env: billingEnv, cwd: billing.dir })
      ).stdout.trim();
      expect(assertion.split('.')).toHaveLength(3);

      await writeFile(join(ws.dir, 'policy.json'), JSON.stringify({ [init.clientId]: ['orders:read'] }));
      const served = await serveRegistered(['--env', `ISSUER=${other.issuer}`, '--env', `AUDIENCE=${other.audience}`]);
      try {
        const onBehalf = await tokenWith(assertion);
        expect(onBehalf.code, onBehalf.stderr).toBe(0);
        expect(decodeJwt(onBehalf.stdout.trim())).toMatchObject({ act: { iss: other.issuer } });
      } finally {
        expect(await served.stop()).toBe(0);
      }
    } finally {
      await spawnCli(['destroy', '--yes'], { env: billingEnv, cwd: billing.dir });
      await spawnCli(['logout'], { env: billingEnv, cwd: billing.dir });
      await billing.cleanup();
    }
  }, 90_000);

  it('refuses --register for the scim-bridge, and without init', async () => {
    const bridge = await spawnCli(['hook', 'serve', 'scim-bridge', '--register'], { env, cwd: ws.dir });
    expect(bridge.code).toBe(2);
    const other = await tempWorkspace();
    try {
      const noInit = await spawnCli(['hook', 'serve', 'token-hook', '--register'], { env: other.env, cwd: other.dir });
      expect(noInit.code).toBe(1);
      expect(noInit.stderr).toMatch(/okta-m2m init/);
    } finally {
      await other.cleanup();
    }
  });
});
