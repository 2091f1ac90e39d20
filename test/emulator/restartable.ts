import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator/okta/index.js';

/** Emulators a test starts (and may stop and restart on a state file), all stopped and their files removed by cleanup(). */
export function restartableEmulators() {
  const running = new Set<EmulatorHandle>();
  const dirs: string[] = [];
  return {
    start: async (options: EmulatorOptions = {}): Promise<EmulatorHandle> => {
      // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
      const emulator = await startEmulator({ port: 0, rateLimits: 'off', ...options });
      running.add(emulator);
      return emulator;
    },
    stop: async (emulator: EmulatorHandle): Promise<void> => {
      running.delete(emulator);
      await emulator.stop();
    },
    statePath: async (): Promise<string> => {
      const dir = await mkdtemp(join(tmpdir(), 'okta-emulator-'));
      dirs.push(dir);
      return join(dir, 'org.json');
    },
    cleanup: async (): Promise<void> => {
      for (const emulator of running) await emulator.stop();
      running.clear();
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    },
  };
}
