/** Issue 19.11: `secret show` hands a consumer its client secret; `profiles status` checks a profile's credentials. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeWithKeychain, useLoggedInOrg, keychainLookup } from '../support/index.js';

describeWithKeychain('secret show and profiles status', () => {
  const org = useLoggedInOrg();
  let clientId: string;
  let secret: string;
  beforeAll(async () => {
    const init = await org.ws.run([
      'init',
      '--name',
      'handed-api',
      '--audience',
      'api://handed',
      '--scope',
      'handed:read',
      '--yes',
    ]);
    expect(init.code, init.stderr).toBe(0);
    clientId = (await org.ws.state()).profiles[org.ws.profile].okta.clientId;
    secret = (keychainLookup(`${org.ws.profile}/app:${clientId}`) ?? '').trim();
    expect(secret.length).toBeGreaterThan(20);
  });

  it('without --reveal it says the secret is there and prints no part of it', async () => {
    const result = await org.ws.run(['secret', 'show']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(clientId);
    expect(result.stdout).toContain('--reveal');
    expect(result.stdout + result.stderr).not.toContain(secret.slice(0, 8));
  });

  it('--reveal prints exactly the secret, on stdout only', async () => {
    const result = await org.ws.run(['secret', 'show', '--reveal']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${secret}\n`);
    expect(result.stderr).not.toContain(secret);
  });

  it('--to-env-file writes a 0600 file with the client id, secret and issuer', async () => {
    const file = join(org.ws.dir, 'consumer.env');
    const result = await org.ws.run(['secret', 'show', '--to-env-file', file]);
    expect(result.code, result.stderr).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).toContain(`OKTA_M2M_CLIENT_ID=${clientId}\n`);
    expect(text).toContain(`OKTA_M2M_CLIENT_SECRET=${secret}\n`);
    expect(text).toMatch(new RegExp(`OKTA_M2M_ISSUER=${org.emu.url.replace(/[.]/g, '\\.')}/oauth2/aus\\w+\\n`));
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('profiles status: org, auth mode, and that a token can be had', async () => {
    const result = await org.ws.run(['profiles', 'status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      profile: org.ws.profile,
      orgUrl: org.emu.url,
      authMode: 'ssws',
      canAuthenticate: true,
    });
  });

  it('profiles status with credentials Okta refuses: says so and exits non-zero', async () => {
    const result = await org.ws.run(['profiles', 'status'], {
      env: { OKTA_M2M_API_TOKEN: 'refused-token-00000000000000' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^token: +no: Okta rejected/m);
    expect(result.stderr).toContain('cannot authenticate');
  });
});
