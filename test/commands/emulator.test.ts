import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { test } from '../support/fixtures.js';
import { spawnCli } from '../support/index.js';
import { startEmulatorProcess } from '../support/index.js';

describe('okta-m2m emulator start', () => {
  test('serves an org with the admin token it prints, keeps its state in a 0600 file and reloads it', async ({
    tmp,
  }) => {
    const statePath = join(tmp, 'org.json');
    const first = await startEmulatorProcess(['--state', statePath]);
    const { orgUrl, adminToken } = first.info;
    expect(orgUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await fetch(`${orgUrl}/api/v1/groups`, {
      method: 'POST',
      headers: { Authorization: `SSWS ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ profile: { name: 'emulator-cmd-group' } }),
    });
    expect(created.status).toBe(200);
    const unauthorized = await fetch(`${orgUrl}/api/v1/groups`, { headers: { Authorization: 'SSWS wrong' } });
    expect(unauthorized.status).toBe(401);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);

    const second = await startEmulatorProcess(['--state', statePath]);
    try {
      const groups = await fetch(`${second.info.orgUrl}/api/v1/groups?q=emulator-cmd`, {
        headers: { Authorization: `SSWS ${second.info.adminToken}` },
      });
      expect(((await groups.json()) as Array<{ profile: { name: string } }>).map((g) => g.profile.name)).toEqual([
        'emulator-cmd-group',
      ]);
    } finally {
      await second.stop();
    }
  });

  it('starts an Auth0 tenant beside it with --auth0', async () => {
    const emulator = await startEmulatorProcess(['--auth0', '--auth0-port', '0']);
    try {
      const auth0 = emulator.info.auth0!;
      const token = await fetch(auth0.tokenUrl!, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: auth0.managementClientId,
          client_secret: auth0.managementClientSecret,
          audience: auth0.managementAudience,
        }),
      });
      expect(token.status).toBe(200);
      expect(((await token.json()) as { access_token: string }).access_token.split('.')).toHaveLength(3);
    } finally {
      await emulator.stop();
    }
  });

  it('refuses bad numbers as usage errors', async () => {
    for (const args of [
      ['--port', 'x'],
      ['--fault-rate', '2'],
      ['--fault', 'teapot'],
    ]) {
      const result = await spawnCli(['emulator', 'start', ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/error: /);
    }
  });
});
