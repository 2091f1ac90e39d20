/**
 * The e2e suites' usual start: an Okta emulator in this process and a built-CLI workspace logged in to it with the
 * emulator's admin token (SSWS). `useLoggedInOrg` makes one for a whole suite (before its tests, removed after);
 * `withLoggedInOrg` makes one for a single test body and takes it down (destroy, cleanup, stop) even when it fails.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { EmulatorHandle, EmulatorOptions } from '../../src/emulator/okta/index.js';
import { oktaEmulator } from './emulators.js';
import { requireBuilt } from './paths.js';
import { login, workspace, type Workspace } from './workspace.js';

interface LoggedInOrg {
  emu: EmulatorHandle;
  ws: Workspace;
}

async function loginOk(ws: Workspace, emu: EmulatorHandle): Promise<void> {
  const result = await login(ws, emu);
  expect(result.code, result.stderr).toBe(0);
}

/** For a describe: the suite's org, filled in by a beforeAll (so read its fields inside tests and hooks). */
export function useLoggedInOrg(options: EmulatorOptions = {}): LoggedInOrg {
  const org = {} as LoggedInOrg;
  beforeAll(async () => {
    requireBuilt();
    org.emu = await oktaEmulator(options);
    org.ws = await workspace();
    await loginOk(org.ws, org.emu);
  });
  afterAll(async () => {
    // Set in beforeAll, unless it failed before.
    await (org.ws as Workspace | undefined)?.cleanup();
    await (org.emu as EmulatorHandle | undefined)?.stop();
  });
  return org;
}

/** For one test: `body` runs in a fresh org; afterwards faults are cleared and the setup destroyed. */
export async function withLoggedInOrg<T>(
  options: EmulatorOptions,
  body: (emu: EmulatorHandle, ws: Workspace) => Promise<T>,
): Promise<T> {
  const emu = await oktaEmulator(options);
  const ws = await workspace();
  try {
    await loginOk(ws, emu);
    return await body(emu, ws);
  } finally {
    emu.clearFaults();
    await ws.run(['destroy', '--yes']);
    await ws.cleanup();
    await emu.stop();
  }
}
