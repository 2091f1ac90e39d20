/**
 * Issue 19.4: one run at a time per project and profile. Two concurrent `init` runs against the emulator leave one
 * policy, one rule and one client secret; a run that finds the lock held by a live process fails naming it; a lock
 * left by a dead process is taken over.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeWithKeychain,
  emulator,
  login,
  orgObjects,
  requireBuilt,
  workspace,
  type Workspace,
} from '../support/index.js';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';

const INIT = ['init', '--name', 'locked-api', '--audience', 'api://locked', '--scope', 'locked:read', '--yes'];

describeWithKeychain('the project lock', () => {
  let ws: Workspace;
  let emu: EmulatorHandle;
  beforeAll(async () => {
    requireBuilt();
    emu = await emulator({ rateLimits: 'off' });
    ws = await workspace();
    expect((await login(ws, emu)).code).toBe(0);
  });
  afterAll(async () => {
    await ws.cleanup();
    await emu.stop();
  });

  const lockPath = () => join(ws.dir, '.okta-m2m', `lock-${encodeURIComponent(ws.profile)}.json`);

  it('two concurrent init runs: one waits for the other; one policy, one rule, one client secret', async () => {
    const [first, second] = await Promise.all([ws.run(INIT), ws.run(INIT)]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(`${first.stderr}${second.stderr}`).toMatch(/waiting for another run, okta-m2m init \(pid \d+\), to finish/);
    const { apps, details } = await orgObjects(emu);
    const server = details.find((d) => d.server.name === 'locked-api');
    expect(server).toBeDefined();
    expect(server!.policies).toHaveLength(1);
    expect(server!.rules).toHaveLength(1);
    const app = apps.find((a) => a.label === 'locked-api' || a.label.startsWith('locked-api'));
    expect(app).toBeDefined();
    const secrets = await fetch(`${emu.url}/api/v1/apps/${app.id}/credentials/secrets`, {
      headers: { Authorization: `SSWS ${emu.adminToken}` },
    });
    expect(((await secrets.json()) as Array<{ status: string }>).filter((s) => s.status === 'ACTIVE')).toHaveLength(1);
    expect(existsSync(lockPath())).toBe(false);
  });

  it('a lock held by a live process: init waits briefly, then fails naming its pid and command', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await mkdir(join(ws.dir, '.okta-m2m'), { recursive: true });
      await writeFile(
        lockPath(),
        JSON.stringify({ pid: holder.pid, command: 'destroy', startedAt: '2026-01-01T00:00:00.000Z' }),
      );
      const result = await ws.run(INIT, { env: { OKTA_M2M_LOCK_WAIT_MS: '400' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`pid ${holder.pid} ("okta-m2m destroy"`);
      expect(existsSync(lockPath())).toBe(true);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a stale lock from a dead process is taken over', async () => {
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((done) => dead.on('close', done));
    await writeFile(
      lockPath(),
      JSON.stringify({ pid: dead.pid, command: 'init', startedAt: '2026-01-01T00:00:00.000Z' }),
    );
    const result = await ws.run(INIT, { env: { OKTA_M2M_LOCK_WAIT_MS: '400' } });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(lockPath())).toBe(false);
  });
});
