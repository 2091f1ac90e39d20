/**
 * Issue 19.4: one run at a time per project and profile. Two concurrent `init` runs against the emulator leave one
 * policy, one rule and one client secret; a run that finds the lock held by a live process fails naming it; a lock
 * left by a dead process is taken over.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithKeychain, useLoggedInOrg, orgObjects } from '../support/index.js';

const INIT = ['init', '--name', 'locked-api', '--audience', 'api://locked', '--scope', 'locked:read', '--yes'];

describeWithKeychain('the project lock', () => {
  const org = useLoggedInOrg();

  const lockPath = () => join(org.ws.dir, '.okta-m2m', `lock-${encodeURIComponent(org.ws.profile)}.json`);

  it('two concurrent init runs: one waits for the other; one policy, one rule, one client secret', async () => {
    const [first, second] = await Promise.all([org.ws.run(INIT), org.ws.run(INIT)]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(`${first.stderr}${second.stderr}`).toMatch(/waiting for another run, okta-m2m init \(pid \d+\), to finish/);
    const { apps, details } = await orgObjects(org.emu);
    const server = details.find((d) => d.server.name === 'locked-api');
    expect(server).toBeDefined();
    expect(server!.policies).toHaveLength(1);
    expect(server!.rules).toHaveLength(1);
    const app = apps.find((a) => a.label === 'locked-api' || a.label.startsWith('locked-api'));
    expect(app).toBeDefined();
    const secrets = await fetch(`${org.emu.url}/api/v1/apps/${app.id}/credentials/secrets`, {
      headers: { Authorization: `SSWS ${org.emu.adminToken}` },
    });
    expect(((await secrets.json()) as Array<{ status: string }>).filter((s) => s.status === 'ACTIVE')).toHaveLength(1);
    expect(existsSync(lockPath())).toBe(false);
  });

  it('a lock held by a live process: init waits briefly, then fails naming its pid and command', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await mkdir(join(org.ws.dir, '.okta-m2m'), { recursive: true });
      await writeFile(
        lockPath(),
        JSON.stringify({ pid: holder.pid, command: 'destroy', startedAt: '2026-01-01T00:00:00.000Z' }),
      );
      const result = await org.ws.run(INIT, { env: { OKTA_M2M_LOCK_WAIT_MS: '400' } });
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
    const result = await org.ws.run(INIT, { env: { OKTA_M2M_LOCK_WAIT_MS: '400' } });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(lockPath())).toBe(false);
  });
});
