/**
 * The fault matrix: a fault of every kind (429, 500, a connection dropped before Okta does the work, a connection
 * dropped after it) at EVERY management request position of a clean `init`, and of a clean `destroy`. After each:
 * re-running converges on exactly what a clean run leaves (same objects by kind and name, no duplicates), a further
 * re-run writes nothing, and the client secret in the keychain still gets a token. Then SIGINT at seeded points of a
 * real `init` process, and re-running completes it.
 *
 * The CLI runs in this process (main() with memory streams) against an in-process emulator: a schedule takes a
 * fraction of a second, so the whole matrix fits in CI's budget.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliPath } from '../support/index.js';
import { ORDERS_SCOPES } from '../support/example-commands.js';
import { runSchedule, untilSuccess } from '../support/fault-matrix.js';
import { expectKeptSecretGetsToken } from '../support/kept-secret.js';
import { secretToolLookup } from '../support/index.js';
import {
  describeWithKeychain,
  managementRequests,
  managementWrites,
  oktaEmulator,
  orgInventory,
  orgWorkspace,
  seeded,
  type OrgWorkspace,
} from '../support/index.js';
import type { EmulatorHandle, FaultKind } from '../../src/emulator/okta/index.js';

const INIT = ['init', '--yes', '--name', 'orders-api', ...ORDERS_SCOPES];
const KINDS: FaultKind[] = ['429', '500', 'drop-before', 'drop-after'];

let schedules = 0;

interface Org {
  emu: EmulatorHandle;
  ws: OrgWorkspace;
}

async function loggedIn(label: string, options: Parameters<typeof oktaEmulator>[0] = {}): Promise<Org> {
  const emu = await oktaEmulator(options);
  const ws = await orgWorkspace(label);
  const login = await ws.run(['login', '--org-url', emu.url, '--api-token-stdin'], emu.adminToken);
  expect(login.code, login.stderr).toBe(0);
  return { emu, ws };
}

async function teardown(emu: EmulatorHandle, ws: OrgWorkspace): Promise<void> {
  emu.clearFaults();
  await ws.run(['destroy', '--yes']).catch(() => undefined);
  await ws.cleanup();
  await emu.stop();
}

/** One schedule in a fresh logged-in org: a failure is kept under `what` and the matrix goes on; torn down after. */
async function schedule(
  label: string,
  what: string,
  failures: string[],
  body: (emu: EmulatorHandle, ws: OrgWorkspace) => Promise<void>,
  options: Parameters<typeof oktaEmulator>[0] = {},
): Promise<void> {
  const world = { setup: () => loggedIn(label, options), teardown: ({ emu, ws }: Org) => teardown(emu, ws) };
  if (await runSchedule(what, failures, world, ({ emu, ws }) => body(emu, ws))) schedules += 1;
}

/** When a SIGINT schedule interrupts its process: after the Nth management request arrives, or after a delay. */
type InterruptAt = { afterRequest: number } | { delayMs: number };

/**
 * A schedule whose org answers each request after 40 ms and counts the management requests; its body gets
 * `interrupted(args, at)`, which runs the built CLI as its own process, sends it SIGINT at `at`, and resolves with
 * its exit code: interrupted (130), or finished before the signal landed (0), never a crash.
 */
async function sigintSchedule(
  label: string,
  what: string,
  failures: string[],
  body: (
    emu: EmulatorHandle,
    ws: OrgWorkspace,
    interrupted: (args: string[], at: InterruptAt) => Promise<number | null>,
  ) => Promise<void>,
): Promise<void> {
  let seen = 0;
  let onRequest: (() => void) | undefined;
  const interrupted = async (ws: OrgWorkspace, args: string[], at: InterruptAt) => {
    seen = 0;
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: ws.dir,
      env: ws.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end();
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    const interrupt = () => {
      if (child.exitCode === null) child.kill('SIGINT');
    };
    if ('afterRequest' in at) onRequest = () => seen >= at.afterRequest && interrupt();
    else setTimeout(interrupt, at.delayMs);
    const { code, signal } = await closed;
    onRequest = undefined;
    if ('afterRequest' in at || signal === null) expect([0, 130], stderr).toContain(code);
    // A signal that comes before Node has run the first line of bin/okta-m2m.js kills the process (Node's default
    // action): a loaded machine can take longer than the delay to get there. Nothing of ours ran; the re-run starts
    // afresh. Once requests are on the wire, the handler is in place, so that case is always exit 130.
    else expect(signal).toBe('SIGINT');
    return code;
  };
  await schedule(label, what, failures, (emu, ws) => body(emu, ws, (args, at) => interrupted(ws, args, at)), {
    latencyMs: 40,
    log: (line) => {
      if (/^(GET|POST|PUT|DELETE) \/api\//.test(line)) {
        seen += 1;
        onRequest?.();
      }
    },
  });
}

/** The client secret init kept in the keychain gets a token from the authorization server init made. */
const expectWorkingCredential = (ws: OrgWorkspace) => expectKeptSecretGetsToken(ws, 'orders:read');

describeWithKeychain('fault matrix', () => {
  let reference: Record<string, number | string>;
  // A new org is not empty: like every Okta org it has the `default` authorization server.
  let clean: Record<string, number | string>;
  let initPositions: number;
  let destroyPositions: number;
  let started: number;

  beforeAll(async () => {
    started = Date.now();
    // Measure: how many management requests a clean init (and a clean destroy) makes, and what a clean org holds.
    const { emu, ws } = await loggedIn('measure');
    try {
      clean = await orgInventory(emu);
      emu.clearRequestLog();
      const init = await ws.run(INIT);
      expect(init.code, init.stderr).toBe(0);
      initPositions = managementRequests(emu.requestLog).length;
      reference = await orgInventory(emu);
      emu.clearRequestLog();
      const destroy = await ws.run(['destroy', '--yes']);
      expect(destroy.code, destroy.stderr).toBe(0);
      destroyPositions = managementRequests(emu.requestLog).length;
      expect(await orgInventory(emu)).toEqual(clean);
    } finally {
      await ws.cleanup();
      await emu.stop();
    }
    // Sanity: the reference holds one of each object, and the runs make a real number of requests.
    expect(
      Object.values(reference)
        .filter((v) => typeof v === 'number')
        .every((n) => n === 1),
    ).toBe(true);
    expect(Object.keys(reference).filter((k) => !k.includes('#') && !(k in clean))).toHaveLength(6);
    expect(initPositions).toBeGreaterThanOrEqual(6);
    expect(destroyPositions).toBeGreaterThanOrEqual(6);
  }, 60_000);

  afterAll(() => {
    console.log(
      `fault matrix: ${schedules} schedules (init: ${initPositions} positions x ${KINDS.length} kinds, destroy: ${destroyPositions} x ${KINDS.length}, ` +
        `plus pairs and SIGINTs) in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  });

  it('init: every kind of fault at every management request position converges, with no duplicates', async () => {
    const failures: string[] = [];
    for (let position = 1; position <= initPositions; position += 1) {
      for (const kind of KINDS) {
        await schedule(`init-${position}-${kind}`, `${kind} at ${position}`, failures, async (emu, ws) => {
          emu.clearRequestLog();
          emu.setFaults({ faultSchedule: { [position]: kind } });
          const { runs } = await untilSuccess(ws, INIT);
          const faulted = emu.requestLog.filter((e) => e.fault);
          expect(faulted, `the fault at ${position} was injected`).toHaveLength(1);
          emu.clearFaults();
          expect(await orgInventory(emu), `org after ${kind} at ${position} (${runs} runs)`).toEqual(reference);
          // A further run finds nothing to do and writes nothing.
          emu.clearRequestLog();
          const settle = await ws.run(INIT);
          expect(settle.code, settle.stderr).toBe(0);
          expect(settle.stderr).toMatch(/nothing to change/);
          expect(managementWrites(emu.requestLog), `writes on the re-run after ${kind} at ${position}`).toEqual([]);
          await expectWorkingCredential(ws);
        });
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it('init: two faults in a row (the create and the lookup after it) still converge', async () => {
    const failures: string[] = [];
    const pairs: Array<[FaultKind, FaultKind]> = [
      ['drop-after', '500'],
      ['500', 'drop-before'],
      ['drop-after', 'drop-after'],
    ];
    for (let position = 1; position < initPositions; position += 1) {
      for (const [first, second] of pairs) {
        await schedule(`pair-${position}`, `${first}+${second} at ${position}`, failures, async (emu, ws) => {
          emu.setFaults({ faultSchedule: { [position]: first, [position + 1]: second } });
          await untilSuccess(ws, INIT);
          emu.clearFaults();
          expect(await orgInventory(emu)).toEqual(reference);
          emu.clearRequestLog();
          expect((await ws.run(INIT)).code).toBe(0);
          expect(managementWrites(emu.requestLog)).toEqual([]);
          await expectWorkingCredential(ws);
        });
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it('destroy: every kind of fault at every management request position; a re-run finishes and nothing is left', async () => {
    const failures: string[] = [];
    for (let position = 1; position <= destroyPositions; position += 1) {
      for (const kind of KINDS) {
        await schedule(`destroy-${position}-${kind}`, `${kind} at ${position}`, failures, async (emu, ws) => {
          const init = await ws.run(INIT);
          expect(init.code, init.stderr).toBe(0);
          const clientId = (await ws.state()).profiles[ws.profile].okta.clientId as string;
          emu.clearRequestLog();
          emu.setFaults({ faultSchedule: { [position]: kind } });
          await untilSuccess(ws, ['destroy', '--yes']);
          expect(
            emu.requestLog.filter((e) => e.fault),
            `the fault at ${position} was injected`,
          ).toHaveLength(1);
          emu.clearFaults();
          expect(await orgInventory(emu), `org after ${kind} at ${position}`).toEqual(clean);
          expect(
            await secretToolLookup(`${ws.profile}/app:${clientId}`),
            'the app secret left the keychain',
          ).toBeUndefined();
          // And again: nothing recorded, nothing to do, nothing written.
          emu.clearRequestLog();
          const again = await ws.run(['destroy', '--yes']);
          expect(again.code, again.stderr).toBe(0);
          expect(managementWrites(emu.requestLog)).toEqual([]);
        });
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it('SIGINT at seeded points of a real init process, then init again, completes it', async () => {
    const random = seeded(20261123);
    const failures: string[] = [];
    let interrupted = 0;
    for (let round = 0; round < 6; round += 1) {
      // Half the rounds interrupt after the Nth management request arrives, half after a random delay.
      const afterRequest = round % 2 === 0 ? 1 + Math.floor(random() * initPositions) : undefined;
      const delayMs = afterRequest === undefined ? 150 + Math.floor(random() * 900) : 0;
      await sigintSchedule(
        `sigint-${round}`,
        `round ${round} (${afterRequest ? `after request ${afterRequest}` : `after ${delayMs} ms`})`,
        failures,
        async (emu, ws, interruptedRun) => {
          const code = await interruptedRun(INIT, afterRequest !== undefined ? { afterRequest } : { delayMs });
          if (code === 130) interrupted += 1;
          const { runs } = await untilSuccess(ws, INIT);
          expect(runs).toBe(1);
          expect(
            await orgInventory(emu),
            `org after SIGINT (${afterRequest ? `request ${afterRequest}` : `${delayMs} ms`})`,
          ).toEqual(reference);
          emu.clearRequestLog();
          // The writes of THIS run: a request is logged when it completes, and one the killed process sent may still
          // complete now (entries carry their start time).
          const furtherStarted = Date.now();
          expect((await ws.run(INIT)).code).toBe(0);
          expect(managementWrites(emu.requestLog.filter((e) => Date.parse(e.time) >= furtherStarted))).toEqual([]);
          await expectWorkingCredential(ws);
        },
      );
    }
    expect(failures).toEqual([]);
    // Rounds interrupted by request count always land mid-run; delay-based ones may finish first on a fast machine.
    expect(interrupted, 'rounds were really interrupted mid-run').toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('SIGINT after the Nth management request of a real destroy process, then destroy again, finishes', async () => {
    const failures: string[] = [];
    let interrupted = 0;
    for (const afterRequest of [1, 3, 5, 7]) {
      await sigintSchedule(
        `sigint-destroy-${afterRequest}`,
        `after request ${afterRequest}`,
        failures,
        async (emu, ws, interruptedRun) => {
          expect((await ws.run(INIT)).code).toBe(0);
          const clientId = (await ws.state()).profiles[ws.profile].okta.clientId as string;
          const code = await interruptedRun(['destroy', '--yes'], { afterRequest });
          if (code === 130) interrupted += 1;
          await untilSuccess(ws, ['destroy', '--yes']);
          expect(await orgInventory(emu), `org after SIGINT at request ${afterRequest}`).toEqual(clean);
          expect(await secretToolLookup(`${ws.profile}/app:${clientId}`)).toBeUndefined();
        },
      );
    }
    expect(failures).toEqual([]);
    expect(interrupted, 'most rounds were really interrupted mid-run').toBeGreaterThanOrEqual(2);
  }, 120_000);
});
