import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import {
  describeWithKeychain,
  orgDigest,
  orgObjects,
  requireBuilt,
  withLoggedInOrg,
  type Workspace,
} from '../support/index.js';
import { expectKeptSecretGetsToken } from '../support/kept-secret.js';

const ARGS = [
  'init',
  '--name',
  'billing',
  '--audience',
  'api://billing',
  '--scope',
  'billing:read',
  '--scope',
  'billing:write',
  '--default-scope',
  'billing:read',
  '--yes',
];

/** The reference: what a clean run leaves in an empty org. */
function cleanRunDigest(): Promise<Awaited<ReturnType<typeof orgDigest>>> {
  return withLoggedInOrg({}, async (emu, ws) => {
    const result = await ws.run(ARGS);
    expect(result.code, result.stderr).toBe(0);
    return orgDigest(emu);
  });
}

const expectWorkingToken = (ws: Workspace) => expectKeptSecretGetsToken(ws, 'billing:read');

describeWithKeychain('init under faults converges', () => {
  let reference: Awaited<ReturnType<typeof orgDigest>>;

  beforeAll(async () => {
    requireBuilt();
    reference = await cleanRunDigest();
  }, 60_000);

  it.each([
    ['429s', ['429'] as const],
    ['500s', ['500'] as const],
    ['dropped connections', ['drop'] as const],
    ['a mix', ['429', '500', 'drop'] as const],
  ])(
    'with random %s, repeated runs reach the clean state with no duplicates',
    { timeout: 120_000 },
    async (_name, kinds) => {
      await withLoggedInOrg({ seed: 11 }, async (emu, ws) => {
        emu.setFaults({ faultRate: 0.3, faultKinds: [...kinds], seed: 5 });
        let last;
        let faults = 0;
        for (let run = 1; run <= 12; run += 1) {
          emu.clearRequestLog();
          last = await ws.run(ARGS);
          faults += emu.requestLog.filter((e) => e.fault).length;
          if (last.code === 0) break;
          expect(last.code, last.stderr).toBe(1);
          expect(last.stderr).toMatch(/error: /);
        }
        expect(last?.code, last?.stderr).toBe(0);
        expect(faults, 'the emulator injected faults').toBeGreaterThan(3);
        emu.clearFaults();
        // A last clean run finds nothing to do, and the org matches a clean run's.
        const settle = await ws.run(ARGS);
        expect(settle.code, settle.stderr).toBe(0);
        expect(settle.stderr).toMatch(/nothing to change/);
        expect(await orgDigest(emu)).toEqual(reference);
        await expectWorkingToken(ws);
      });
    },
  );

  it(
    'creates whose answers are lost are adopted, not repeated, and the app gets a new secret',
    { timeout: 60_000 },
    async () => {
      await withLoggedInOrg({}, async (emu, ws) => {
        // init's management requests: 1-2 look the app and the server up by name, 3-4 create them. Drop both
        // creates' connections after Okta did the work.
        emu.setFaults({ faultSchedule: { 3: 'drop-after', 4: 'drop-after' } });
        const result = await ws.run(ARGS);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/adopted app billing/);
        expect(result.stderr).toMatch(/adopted authorization server billing/);
        expect(result.stderr).toMatch(/created {2}client secret|created client secret/);
        const dropped = emu.requestLog.filter((e) => e.fault === 'drop-after');
        expect(dropped.map((e) => e.method)).toEqual(['POST', 'POST']);
        expect(await orgDigest(emu)).toEqual(reference);
        await expectWorkingToken(ws);
      });
    },
  );

  it.each([
    {
      what: 'a run that dies after Okta made the app but before the secret was kept is completed with a new secret',
      resume: ARGS,
      says: undefined,
    },
    {
      what: 'a bare init (no flags) completes an interrupted run: the setup is recorded before the first write',
      resume: ['init', '--yes'],
      says: /using the setup init applied here last time/,
    },
  ])('$what', { timeout: 60_000 }, async ({ resume, says }) => {
    await withLoggedInOrg({}, async (emu, ws) => {
      // Every write after the first four requests fails its connection after the work: the app and server get
      // made (their answers lost), and nothing else; the run fails.
      emu.setFaults({
        faultSchedule: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [i + 3, 'drop-after'])),
      });
      const failed = await ws.run(ARGS);
      expect(failed.code).toBe(1);
      emu.clearFaults();
      const resumed = await ws.run(resume);
      expect(resumed.code, resumed.stderr).toBe(0);
      if (says) expect(resumed.stderr).toMatch(says);
      expect(await orgDigest(emu)).toEqual(reference);
      await expectWorkingToken(ws);
    });
  });

  it(
    'destroy under random faults, run again until it succeeds, leaves the org as before',
    { timeout: 120_000 },
    async () => {
      await withLoggedInOrg({ seed: 3 }, async (emu, ws) => {
        const empty = await orgDigest(emu);
        expect((await ws.run(ARGS)).code).toBe(0);
        emu.setFaults({ faultRate: 0.35, faultKinds: ['429', '500', 'drop'], seed: 9 });
        let last;
        for (let run = 1; run <= 12; run += 1) {
          last = await ws.run(['destroy', '--yes']);
          if (last.code === 0) break;
        }
        expect(last?.code, last?.stderr).toBe(0);
        emu.clearFaults();
        expect(await orgDigest(emu)).toEqual(empty);
      });
    },
  );

  it('SIGINT in the middle of init, then init again, completes it', { timeout: 60_000 }, async () => {
    await withLoggedInOrg({ latencyMs: 120 }, async (emu, ws) => {
      const child = ws.spawn(ARGS);
      let stderr = '';
      child.stderr!.on('data', (c) => (stderr += c));
      child.stdin!.end();
      // Wait until the first object is recorded, then interrupt.
      const stateFile = join(ws.dir, '.okta-m2m', 'state.json');
      const deadline = Date.now() + 20_000;
      for (;;) {
        const text = await readFile(stateFile, 'utf8').catch(() => '');
        if (text.includes('"appId"') || text.includes('"authServerId"')) break;
        if (Date.now() > deadline) throw new Error(`init recorded nothing: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      expect(code).toBe(130);
      const partial = (await ws.state()).profiles[ws.profile].okta;
      expect(partial.ruleId).toBeUndefined();
      const result = await ws.run(ARGS);
      expect(result.code, result.stderr).toBe(0);
      expect(await orgDigest(emu)).toEqual(reference);
      await expectWorkingToken(ws);
      const { apps } = await orgObjects(emu);
      expect(apps.filter((a) => a.label === 'billing')).toHaveLength(1);
    });
  });
});
