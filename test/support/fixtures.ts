/**
 * vitest fixtures (test.extend) for the things most suites start and stop by hand: an Okta emulator in this
 * process, an org workspace and a temp folder, each made only when a test names it and cleaned up after it even
 * when the test fails. `test.scoped({ oktaOptions: {...} })` inside a describe changes the emulator's options.
 *
 *   import { test } from '../support/fixtures.js';
 *   test('...', async ({ okta, orgWs }) => { ... });
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from 'vitest';
import type { EmulatorHandle, EmulatorOptions } from '../../src/emulator/okta/index.js';
import { oktaEmulator } from './emulators.js';
import { orgWorkspace, type OrgWorkspace } from './workspace.js';

interface SupportFixtures {
  oktaOptions: EmulatorOptions;
  /** The Okta emulator in this process (port 0, seed 7, plus oktaOptions), stopped after the test. */
  okta: EmulatorHandle;
  /** orgWorkspace() labelled after the test, its folder and keychain entries removed after it. */
  orgWs: OrgWorkspace;
  /** A temp folder, removed after the test. */
  tmp: string;
}

export const test = base.extend<SupportFixtures>({
  oktaOptions: [{}, { injected: false }],
  okta: async ({ oktaOptions }, use) => {
    const emulator = await oktaEmulator(oktaOptions);
    try {
      await use(emulator);
    } finally {
      await emulator.stop();
    }
  },
  orgWs: async ({ task }, use) => {
    const ws = await orgWorkspace(
      task.name
        .replace(/[^a-z0-9]+/gi, '-')
        .slice(0, 24)
        .toLowerCase() || 'test',
    );
    try {
      await use(ws);
    } finally {
      await ws.cleanup();
    }
  },
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  tmp: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-test-'));
    try {
      await use(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});
