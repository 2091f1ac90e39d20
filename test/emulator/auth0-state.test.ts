import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { test } from '../support/fixtures.js';
import { startAuth0Emulator } from '../../src/emulator/auth0/index.js';
import { managementClient, postToken } from '../support/auth0-sdk.js';
import { clientCredentials } from '../support/auth0-requests.js';

describe('auth0 emulator: state file', () => {
  test('saves atomically with mode 0600 and reloads clients, grants, roles, users and the signing key', async ({
    tmp: dir,
  }) => {
    const statePath = join(dir, 'nested', 'auth0.json');
    const first = await startAuth0Emulator({ statePath, seedData: { roles: [{ name: 'staff', users: 20 }] } });
    const mgmt = managementClient(first);
    const api = await mgmt.resourceServers.create({ name: 'Kept', identifier: 'urn:kept', scopes: [{ value: 'go' }] });
    const app = await mgmt.clients.create({ name: 'kept-app', app_type: 'non_interactive' });
    await mgmt.clientGrants.create({ client_id: app.client_id!, audience: 'urn:kept', scope: ['go'] });
    const jwks1 = await (await fetch(first.jwksUri)).json();
    const mgmtId = first.managementClientId;
    const mgmtSecret = first.managementClientSecret;
    await first.stop();

    expect((await stat(statePath)).mode & 0o777).toBe(0o600);
    expect((await readdir(join(dir, 'nested'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // a different port: the Management API identifier follows the new issuer
    const second = await startAuth0Emulator({ statePath, seedData: { roles: [{ name: 'never-added' }] } });
    try {
      expect(second.managementClientId).toBe(mgmtId);
      expect(second.managementClientSecret).toBe(mgmtSecret);
      expect(await (await fetch(second.jwksUri)).json()).toEqual(jwks1);
      const m2 = managementClient(second);
      expect((await m2.resourceServers.get(api.id!)).identifier).toBe('urn:kept');
      const roles = await m2.roles.list();
      expect(roles.data.map((r) => r.name)).toEqual(['staff']);
      let members = 0;
      for await (const _ of await m2.roles.users.list(roles.data[0]!.id!, { take: 7 })) members++;
      expect(members).toBe(20);
      const tok = await postToken(second, clientCredentials(app.client_id!, app.client_secret!, 'urn:kept'));
      expect(tok.body.scope).toBe('go');
      expect((await m2.clientGrants.list({ client_id: mgmtId })).data[0]!.audience).toBe(second.managementAudience);
      await m2.clients.delete(app.client_id!);
      await second.flush();
    } finally {
      await second.stop();
    }
    const third = await startAuth0Emulator({ statePath });
    try {
      const ids = (await managementClient(third).clients.list()).data.map((c) => c.client_id);
      expect(ids).toEqual([mgmtId]);
    } finally {
      await third.stop();
    }
  });
});
