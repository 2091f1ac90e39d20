/**
 * For e2e suites whose tests each want a workspace of their own (the built CLI, the real keychain): the suite's
 * Okta emulator and its fresh workspaces (`useSuiteWorkspaces`), or a fresh logged-in org per call
 * (`useFreshOrgs`). Everything made is removed after the suite; a suite without a build fails at once.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Auth0EmulatorOptions } from '../../src/emulator/auth0/index.js';
import type { EmulatorHandle, EmulatorOptions } from '../../src/emulator/okta/index.js';
import { oktaEmulator, startEmulators, type Emulators } from './emulators.js';
import { requireBuilt } from './paths.js';
import { login, workspace, type Workspace } from './workspace.js';

interface SuiteWorkspaces {
  /** A new workspace, removed after the suite's tests. */
  fresh: () => Promise<Workspace>;
  /** Every workspace made so far. */
  made: readonly Workspace[];
}

/**
 * One Okta emulator for the suite (started before its tests, handed to `set` for the suite's own variable) and
 * fresh workspaces that the suite cleans up after its tests.
 */
export function useSuiteWorkspaces(set: (emu: EmulatorHandle) => void, options: EmulatorOptions = {}): SuiteWorkspaces {
  const workspaces: Workspace[] = [];
  let started: EmulatorHandle | undefined;
  beforeAll(async () => {
    requireBuilt();
    started = await oktaEmulator(options);
    set(started);
  });
  afterAll(async () => {
    for (const ws of workspaces) await ws.cleanup();
    await started?.stop();
  });
  return {
    made: workspaces,
    fresh: async () => {
      const ws = await workspace();
      workspaces.push(ws);
      return ws;
    },
  };
}

interface FreshOrgs {
  /** A new Okta emulator and a workspace logged in to it with the emulator's admin token (SSWS). */
  loggedIn(): Promise<{ ws: Workspace; emu: EmulatorHandle }>;
  /** A workspace alone, removed with the rest. */
  workspace(): Promise<Workspace>;
}

/** A fresh org per call, for suites whose tests change what the org holds (roles, apps) beyond a clean-up. */
export function useFreshOrgs(options: EmulatorOptions = {}): FreshOrgs {
  const workspaces: Workspace[] = [];
  const emulators: EmulatorHandle[] = [];
  beforeAll(() => requireBuilt());
  afterAll(async () => {
    for (const ws of workspaces) await ws.cleanup();
    for (const emu of emulators) await emu.stop();
  });
  const fresh = async () => {
    const ws = await workspace();
    workspaces.push(ws);
    return ws;
  };
  return {
    workspace: fresh,
    async loggedIn() {
      const emu = await oktaEmulator(options);
      emulators.push(emu);
      const ws = await fresh();
      const made = await login(ws, emu);
      expect(made.code, made.stderr).toBe(0);
      return { ws, emu };
    },
  };
}

/**
 * For a describe: the Okta and Auth0 emulators side by side and one workspace, made before its tests (handed to
 * `set`, for the suite's own variables), stopped and removed after them.
 */
export function useEmulatorsWorkspace(
  set: (made: { emus: Emulators; ws: Workspace }) => void,
  auth0Options: Auth0EmulatorOptions = {},
): void {
  let emus: Emulators | undefined;
  let ws: Workspace | undefined;
  beforeAll(async () => {
    requireBuilt();
    emus = await startEmulators(auth0Options);
    ws = await workspace();
    set({ emus, ws });
  }, 60_000);
  afterAll(async () => {
    await emus?.stop();
    await ws?.cleanup();
  });
}
