/**
 * rotate secret and rotate key, end to end: the built CLI against the Okta emulator over real HTTP, the real
 * keychain. A consumer loop (token get, and status: management reads plus a token) runs for the whole rotation and
 * must never fail; afterwards the old credential is refused. An interrupted rotation (SIGINT at each step) completes
 * on a re-run with no third secret made.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { importPKCS8 } from 'jose';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  adminGet,
  clientAssertion,
  tokenRequest,
  type TestKey,
  describeWithKeychain,
  keychainAccounts,
  keychainLookup,
  oauthLogin,
  login,
  mintWithSecret,
  type Workspace,
  ownServiceApp,
} from '../support/index.js';
import { useSuiteWorkspaces } from '../support/suite-workspaces.js';

const INIT = () => [
  'init',
  '--name',
  `rotate-${Math.random().toString(36).slice(2, 8)}`,
  '--audience',
  'api://rotate',
  '--scope',
  'rotate:read',
  '--yes',
];

/** Runs consumers until stopped; every failure is kept. */
function consumerLoop(ws: Workspace) {
  const failures: string[] = [];
  let stopped = false;
  let ran: Array<() => void> = [];
  const done = (async () => {
    while (!stopped) {
      const waiting = ran;
      ran = [];
      const token = await ws.run(['token', 'get', '--no-cache', '--raw']);
      if (token.code !== 0) failures.push(`token get: ${token.stderr}`);
      const status = await ws.run(['status', '--json']);
      const parsed = status.code === 0 ? JSON.parse(status.stdout) : undefined;
      if (!parsed?.token?.ok) failures.push(`status: ${status.code} ${status.stdout.slice(0, 300)} ${status.stderr}`);
      for (const resolve of waiting) resolve();
    }
  })();
  return {
    failures,
    /** Resolves when a whole round that started after this call has run: the consumers worked in this state. */
    roundFromNow(): Promise<void> {
      return new Promise((resolve) => ran.push(resolve));
    },
    async stop() {
      stopped = true;
      await done;
    },
  };
}

/** The status of a private_key_jwt token request signed with this key (PEM) and kid. */
async function assertionToken(
  tokenEndpoint: string,
  clientId: string,
  pem: string,
  kid: string,
  scope = 'rotate:read',
): Promise<number> {
  const assertion = await clientAssertion(
    { privateKey: await importPKCS8(pem, 'RS256'), kid } as TestKey,
    clientId,
    tokenEndpoint,
    { expiresInSeconds: 60 },
  );
  const response = await tokenRequest(tokenEndpoint, {
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  });
  return response.status;
}

async function untilStep(ws: Workspace, step: string): Promise<void> {
  const stateFile = join(ws.dir, '.okta-m2m', 'state.json');
  const deadline = Date.now() + 30_000;
  while (!(await readFile(stateFile, 'utf8').catch(() => '')).includes(`"step": "${step}"`)) {
    if (Date.now() > deadline) throw new Error(`the rotation never reached step ${step}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** okta-m2m's own service app, as an admin sets it up: a public key, the okta.* scopes granted, a super admin role. */

const rotationAccounts = (ws: Workspace) =>
  keychainAccounts().filter((a) => a.startsWith(`${ws.profile}/`) && a.includes('#'));

describeWithKeychain('rotate secret and rotate key (emulator, real keychain, built CLI)', () => {
  let emu: EmulatorHandle;
  const { fresh } = useSuiteWorkspaces((started) => (emu = started), { rateLimits: 'off' });

  /** `rotate <what>` interrupted by SIGINT (exit 130) once the state records `step`. */
  async function interruptAt(ws: Workspace, what: 'secret' | 'key', step: string): Promise<void> {
    const child = ws.spawn(['rotate', what, '--grace', '1s', '--yes']);
    child.stdin!.end();
    await untilStep(ws, step);
    child.kill('SIGINT');
    expect(await new Promise((r) => child.on('close', r))).toBe(130);
  }

  /** `rotate <what> --finish` with the faults off; the credentials (secrets or keys) the org made meanwhile. */
  async function finishRotation(ws: Workspace, what: 'secret' | 'key') {
    emu.clearFaults();
    const rerun = await ws.run(['rotate', what, '--finish', '--yes']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const credentials = what === 'secret' ? /\/credentials\/secrets$/ : /\/credentials\/jwks$/;
    return emu.requestLog.filter((e) => e.method === 'POST' && credentials.test(e.path) && e.status === 201);
  }

  async function setup(extra: string[] = []) {
    const ws = await fresh();
    expect((await login(ws, emu)).code).toBe(0);
    const init = await ws.run([...INIT(), ...extra]);
    expect(init.code, init.stderr).toBe(0);
    return { ws, okta: (await ws.state()).profiles[ws.profile].okta };
  }

  it(
    'rotate secret: zero downtime under a consumer loop, then the old secret is refused',
    { timeout: 120_000 },
    async () => {
      const { ws, okta } = await setup();
      const oldSecret = keychainLookup(`${ws.profile}/app:${okta.clientId}`)!;
      expect(oldSecret).toBeTruthy();
      const loop = consumerLoop(ws);
      const first = await ws.run(['rotate', 'secret', '--yes', '--to-env-file', 'consumer.env']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/rotation in progress/);
      expect((await ws.state()).profiles[ws.profile].rotation.step).toBe('switched');
      expect(await adminGet(emu, `/api/v1/apps/${okta.appId}/credentials/secrets`)).toHaveLength(2);
      const status = JSON.parse((await ws.run(['status', '--json'])).stdout);
      expect(status.rotation).toMatchObject({ kind: 'secret', step: 'switched' });
      expect(status.rotation.credentials.map((c: any) => c.role).sort()).toEqual(['new', 'old']);
      // The consumers get tokens while both secrets are active, not only before or after.
      await loop.roundFromNow();
      const finish = await ws.run(['rotate', 'secret', '--finish', '--yes', '--json']);
      expect(finish.code, finish.stderr).toBe(0);
      expect(JSON.parse(finish.stdout)).toMatchObject({ finished: true });
      await loop.stop();
      expect(loop.failures).toEqual([]);

      const newSecret = keychainLookup(`${ws.profile}/app:${okta.clientId}`)!;
      expect(newSecret).not.toBe(oldSecret);
      expect((await mintWithSecret(okta.tokenEndpoint, okta.clientId, oldSecret, 'rotate:read')).status).toBe(401);
      expect((await mintWithSecret(okta.tokenEndpoint, okta.clientId, newSecret, 'rotate:read')).status).toBe(200);
      expect(await adminGet(emu, `/api/v1/apps/${okta.appId}/credentials/secrets`)).toHaveLength(1);
      const envFile = join(ws.dir, 'consumer.env');
      expect((await stat(envFile)).mode & 0o777).toBe(0o600);
      expect(await readFile(envFile, 'utf8')).toBe(
        `OKTA_M2M_CLIENT_ID=${okta.clientId}\nOKTA_M2M_CLIENT_SECRET=${newSecret}\n`,
      );
      expect(rotationAccounts(ws)).toEqual([]);
      expect((await ws.state()).profiles[ws.profile].rotation).toBeUndefined();
      for (const text of ws.outputs) expect(text).not.toContain(newSecret);
    },
  );

  it('rotate secret --print-new-secret prints the new secret on stdout only', { timeout: 60_000 }, async () => {
    const { ws, okta } = await setup();
    const result = await ws.run(['rotate', 'secret', '--finish', '--yes', '--print-new-secret']);
    expect(result.code, result.stderr).toBe(0);
    const newSecret = keychainLookup(`${ws.profile}/app:${okta.clientId}`)!;
    expect(result.stdout.trim()).toBe(newSecret);
    expect(result.stderr).not.toContain(newSecret);
    const dry = await ws.run(['rotate', 'secret', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, resume: false });
    expect(await adminGet(emu, `/api/v1/apps/${okta.appId}/credentials/secrets`)).toHaveLength(1);
  });

  it(
    "rotate secret --print-bridge-token prints the SCIM app's new bridge token, sealed to the recorded bridge key",
    { timeout: 60_000 },
    async () => {
      const { ws, okta } = await setup();
      const { generateBridgeKeyPair, sealedTokenOpener } = await import('../../src/scim/sealed-token.js');
      const refused = await ws.run(['rotate', 'secret', '--finish', '--yes', '--print-bridge-token']);
      // No bridge key recorded: refused before any write, with a hint.
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/No bridge key is recorded/);
      expect(await adminGet(emu, `/api/v1/apps/${okta.appId}/credentials/secrets`)).toHaveLength(1);
      // What hook deploy records: the public half of the bridge key, in the project state.
      const pair = await generateBridgeKeyPair();
      const stateFile = join(ws.dir, '.okta-m2m', 'state.json');
      const state = JSON.parse(await readFile(stateFile, 'utf8'));
      state.profiles[ws.profile].scimBridge = {
        kid: pair.kid,
        publicJwk: pair.publicJwk,
        source: 'hook deploy',
        privateKeyIn: 'environment',
      };
      await writeFile(stateFile, JSON.stringify(state, null, 2));
      const result = await ws.run(['rotate', 'secret', '--finish', '--yes', '--print-bridge-token']);
      expect(result.code, result.stderr).toBe(0);
      const newSecret = keychainLookup(`${ws.profile}/app:${okta.clientId}`)!;
      const opened = await (await sealedTokenOpener(pair.privateJwk)).open(result.stdout.trim());
      expect(opened).toMatchObject({ clientId: okta.clientId, clientSecret: newSecret });
      expect(result.stderr).toContain(`sealed to the bridge key ${pair.kid}`);
      for (const text of [result.stdout, result.stderr]) expect(text).not.toContain(newSecret);
    },
  );

  for (const step of ['started', 'created', 'switched', 'finishing'] as const) {
    it(
      `rotate secret interrupted (SIGINT) at step "${step}" completes on a re-run, with no third secret`,
      { timeout: 90_000 },
      async () => {
        const { ws, okta } = await setup();
        emu.setFaults({ latencyMs: 150 });
        emu.clearRequestLog();
        try {
          await interruptAt(ws, 'secret', step);
          expect((await ws.state()).profiles[ws.profile].rotation.step).toBe(step);
          expect(await finishRotation(ws, 'secret')).toHaveLength(1);
          expect(await adminGet(emu, `/api/v1/apps/${okta.appId}/credentials/secrets`)).toHaveLength(1);
          const current = keychainLookup(`${ws.profile}/app:${okta.clientId}`)!;
          expect((await mintWithSecret(okta.tokenEndpoint, okta.clientId, current, 'rotate:read')).status).toBe(200);
          expect(rotationAccounts(ws)).toEqual([]);
        } finally {
          emu.clearFaults();
        }
      },
    );
  }

  it(
    'rotate key: zero downtime for a private_key_jwt app, then the old key is refused',
    { timeout: 120_000 },
    async () => {
      const { ws, okta } = await setup(['--auth-method', 'private_key_jwt']);
      const oldKey = keychainLookup(`${ws.profile}/app-key:${okta.clientId}`)!;
      const oldKid = okta.keyId as string;
      const loop = consumerLoop(ws);
      const first = await ws.run(['rotate', 'key', '--yes']);
      expect(first.code, first.stderr).toBe(0);
      expect(await adminGet(emu, `/api/v1/apps/${okta.appId}/credentials/jwks`)).toHaveLength(2);
      // The consumers get tokens while both keys are registered, not only before or after.
      await loop.roundFromNow();
      const finish = await ws.run(['rotate', 'key', '--finish', '--yes']);
      expect(finish.code, finish.stderr).toBe(0);
      await loop.stop();
      expect(loop.failures).toEqual([]);
      const after = (await ws.state()).profiles[ws.profile];
      expect(after.okta.keyId).not.toBe(oldKid);
      expect(after.rotation).toBeUndefined();
      const keys = await adminGet(emu, `/api/v1/apps/${okta.appId}/credentials/jwks`);
      expect(keys.map((k) => k.kid)).toEqual([after.okta.keyId]);
      expect(await assertionToken(okta.tokenEndpoint, okta.clientId, oldKey, oldKid)).toBe(401);
      expect(rotationAccounts(ws)).toEqual([]);
    },
  );

  for (const step of ['started', 'created', 'switched', 'finishing'] as const) {
    it(
      `rotate key interrupted (SIGINT) at step "${step}" completes on a re-run, with no third key`,
      { timeout: 90_000 },
      async () => {
        const { ws, okta } = await setup(['--auth-method', 'private_key_jwt']);
        emu.setFaults({ latencyMs: 150 });
        emu.clearRequestLog();
        try {
          await interruptAt(ws, 'key', step);
          expect(await finishRotation(ws, 'key')).toHaveLength(1);
          const after = (await ws.state()).profiles[ws.profile];
          expect((await adminGet(emu, `/api/v1/apps/${okta.appId}/credentials/jwks`)).map((k) => k.kid)).toEqual([
            after.okta.keyId,
          ]);
          const token = await ws.run(['token', 'get', '--no-cache', '--raw']);
          expect(token.code, token.stderr).toBe(0);
          expect(rotationAccounts(ws)).toEqual([]);
        } finally {
          emu.clearFaults();
        }
      },
    );
  }

  it(
    "rotate key --login: okta-m2m's own service app, while init re-runs (management calls) keep working",
    { timeout: 120_000 },
    async () => {
      const ws = await fresh();
      const { clientId, pem, kid } = await ownServiceApp(emu);
      await writeFile(join(ws.dir, 'key.pem'), pem, { mode: 0o600 });
      const loginResult = await oauthLogin(ws, emu, clientId, 'key.pem', '--key-id', kid);
      expect(loginResult.code, loginResult.stderr).toBe(0);
      const init = await ws.run(INIT());
      expect(init.code, init.stderr).toBe(0);
      const failures: string[] = [];
      let stopped = false;
      let runs = 0;
      const loop = (async () => {
        while (!stopped) {
          const again = await ws.run(['init', '--yes']);
          if (again.code !== 0) failures.push(again.stderr);
          runs += 1;
        }
      })();
      const rotated = await ws.run(['rotate', 'key', '--login', '--finish', '--yes', '--json']);
      stopped = true;
      await loop;
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(failures).toEqual([]);
      expect(runs).toBeGreaterThan(0);
      const profiles = JSON.parse(await readFile(join(ws.dir, 'config', 'profiles.json'), 'utf8'));
      const newKid = profiles.profiles[ws.profile].keyId;
      expect(newKid).not.toBe(kid);
      expect((await adminGet(emu, `/api/v1/apps/${clientId}/credentials/jwks`)).map((k) => k.kid)).toEqual([newKid]);
      expect(await assertionToken(`${emu.url}/oauth2/v1/token`, clientId, pem, kid, 'okta.apps.read')).toBe(401);
      const status = await ws.run(['status', '--no-token']);
      expect(status.code, status.stderr).toBe(0);
    },
  );
});
