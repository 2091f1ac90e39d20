import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { test } from '../support/fixtures.js';
import { provisionClientCredentials, startEmulator } from '../../src/emulator/okta/index.js';
import { api, basicAuth, tokenRequest } from '../support/index.js';

describe('state persistence', () => {
  test('writes the state file with mode 0600 and reloads it on start', async ({ tmp: dir }) => {
    const statePath = join(dir, 'org.json');
    // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
    const first = await startEmulator({ port: 0, rateLimits: 'off', statePath, adminToken: '00persisted-token' });
    const fixture = await provisionClientCredentials(first.url, first.adminToken);
    await api(first, 'POST', '/api/v1/groups', { profile: { name: 'persisted-group' } });
    await first.stop();
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = await startEmulator({ port: 0, rateLimits: 'off', statePath, adminToken: '00persisted-token' });
    try {
      const app = await api(second, 'GET', `/api/v1/apps/${fixture.appId}`);
      expect(app.status).toBe(200);
      const groups = await api(second, 'GET', '/api/v1/groups?q=persisted');
      expect(groups.body).toHaveLength(1);
      // The port changed, so the issuer follows the new org URL, and the persisted secret and keys still work.
      const tokenUrl = `${second.url}/oauth2/${fixture.authServerId}/v1/token`;
      const token = await tokenRequest(
        tokenUrl,
        { grant_type: 'client_credentials', scope: fixture.scope },
        { Authorization: basicAuth(fixture.clientId, fixture.clientSecret!) },
      );
      expect(token.status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
