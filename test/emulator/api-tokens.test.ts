// The SSWS API token endpoints (../shared/okta/management-minimal.yaml, tag ApiToken: listApiTokens, getApiToken,
// revokeApiToken, revokeCurrentApiToken, example ApiTokenListMetadataResponse).
import { afterEach, describe, expect, it } from 'vitest';
import { api, expectOktaError } from '../support/index.js';
import { restartableEmulators } from './restartable.js';

const emulators = restartableEmulators();
const start = emulators.start;
afterEach(() => emulators.cleanup());

describe('API tokens (/api/v1/api-tokens)', () => {
  it("lists and reads the admin token's metadata, never the token", async () => {
    const emulator = await start();
    const listed = await api(emulator, 'GET', '/api/v1/api-tokens');
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    const token = listed.body[0];
    expect(token).toMatchObject({
      id: expect.stringMatching(/^00T[A-Za-z0-9]{17}$/),
      name: expect.any(String),
      clientName: 'Okta API',
      tokenWindow: 'P30D',
      network: { connection: 'ANYWHERE' },
    });
    expect(token._links.self).toEqual({
      href: `${emulator.url}/api/v1/api-tokens/${token.id}`,
      hints: { allow: ['GET', 'DELETE'] },
    });
    expect(JSON.stringify(listed.body)).not.toContain(emulator.adminToken);
    expect(JSON.stringify(listed.body)).not.toContain('tokenHash');
    expect((await api(emulator, 'GET', `/api/v1/api-tokens/${token.id}`)).body.id).toBe(token.id);
    expectOktaError(await api(emulator, 'GET', '/api/v1/api-tokens/00Tnosuchtoken000000'), 404, 'E0000007');
  });

  it('DELETE /api/v1/api-tokens/current revokes the calling token, which then gets 401 E0000011, also after a restart', async () => {
    const statePath = await emulators.statePath();
    const emulator = await start({ statePath, adminToken: '00' + 'r'.repeat(40) });
    expect((await api(emulator, 'DELETE', '/api/v1/api-tokens/current')).status).toBe(204);
    const after = await api(emulator, 'GET', '/api/v1/apps');
    expectOktaError(after, 401, 'E0000011');
    expect(after.body.errorSummary).toBe('Invalid token provided');
    await emulators.stop(emulator);
    const restarted = await start({ statePath, adminToken: '00' + 'r'.repeat(40) });
    expectOktaError(await api(restarted, 'GET', '/api/v1/apps'), 401, 'E0000011');
  });

  it('lists only the token the emulator accepts after a restart with another admin token', async () => {
    const statePath = await emulators.statePath();
    const first = await start({ statePath, adminToken: '00' + 'a'.repeat(40) });
    const [before] = (await api(first, 'GET', '/api/v1/api-tokens')).body;
    await emulators.stop(first);
    const second = await start({ statePath, adminToken: '00' + 'b'.repeat(40) });
    const listed = (await api(second, 'GET', '/api/v1/api-tokens')).body;
    expect(listed).toHaveLength(1);
    expect(listed[0].id).not.toBe(before.id);
  });

  it('DELETE /api/v1/api-tokens/{id} revokes that token', async () => {
    const emulator = await start();
    const [token] = (await api(emulator, 'GET', '/api/v1/api-tokens')).body;
    expect((await api(emulator, 'DELETE', `/api/v1/api-tokens/${token.id}`)).status).toBe(204);
    expectOktaError(await api(emulator, 'GET', '/api/v1/api-tokens'), 401, 'E0000011');
  });
});
