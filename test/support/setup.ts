/**
 * For the e2e suites about one Okta setup: an emulator (limits off), a workspace logged in to it and an init of the
 * named setup in beforeAll; destroy and clean-up in afterAll. Read the handles inside tests (they are set then).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { oktaEmulator } from './emulators.js';
import { requireBuilt } from './paths.js';
import { login, workspace, type Workspace } from './workspace.js';

export interface InitialisedSetup {
  emu: EmulatorHandle;
  ws: Workspace;
  /** The okta section of the project state after init. */
  okta: Record<string, any>;
}

export function useInitialisedSetup(name: string, scope: string): InitialisedSetup {
  const setup = {} as InitialisedSetup;
  beforeAll(async () => {
    requireBuilt();
    setup.emu = await oktaEmulator({ rateLimits: 'off' });
    setup.ws = await workspace();
    expect((await login(setup.ws, setup.emu)).code).toBe(0);
    const init = await setup.ws.run(['init', '--name', name, '--scope', scope, '--yes']);
    expect(init.code, init.stderr).toBe(0);
    setup.okta = (await setup.ws.state()).profiles[setup.ws.profile].okta;
  });
  afterAll(async () => {
    await setup.ws?.run(['destroy', '--yes']);
    await setup.ws?.cleanup();
    await setup.emu?.stop();
  });
  return setup;
}
