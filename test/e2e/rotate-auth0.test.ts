/**
 * rotate secret on Auth0: one secret per application, so the rotation is immediate. The CLI says so, asks (or takes
 * --yes), stores the new secret in the keychain and verifies a token with it; the old secret is refused at once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  connectProfile,
  describeWithKeychain,
  requireBuilt,
  secretToolLookup,
  startEmulators,
  workspace,
  type Emulators,
  type Workspace,
} from '../support/index.js';

async function auth0Token(emus: Emulators, clientId: string, clientSecret: string, audience: string): Promise<number> {
  const res = await fetch(`${emus.auth0.url}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      audience,
    }),
  });
  return res.status;
}

describeWithKeychain('rotate secret --provider auth0 (built CLI, real keychain, Auth0 emulator)', () => {
  let emus: Emulators;
  let ws: Workspace;
  const audience = 'https://api.example.com/rotate';

  beforeAll(async () => {
    requireBuilt();
    emus = await startEmulators({ seed: 5 });
    ws = await workspace();
    await connectProfile(ws, emus);
  });
  afterAll(async () => {
    await emus?.stop();
    await ws?.cleanup();
  });

  it(
    'warns that the rotation is immediate, refuses to go on without --yes off a terminal, then rotates',
    { timeout: 60_000 },
    async () => {
      const init = await ws.run([
        'auth0',
        'init',
        '--name',
        'rotate-api',
        '--audience',
        audience,
        '--scope',
        'rotate:read',
        '--yes',
      ]);
      expect(init.code, init.stderr).toBe(0);
      const { clientId } = (await ws.state()).profiles[ws.profile].auth0;
      const oldSecret = (await secretToolLookup(`${ws.profile}/auth0-app:${clientId}`))!;
      expect(oldSecret).toBeTruthy();

      const unconfirmed = await ws.run(['rotate', 'secret']);
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toMatch(/invalidates the current secret at once/);
      expect(await auth0Token(emus, clientId, oldSecret, audience)).toBe(200);

      const finish = await ws.run(['rotate', 'secret', '--finish', '--yes']);
      expect(finish.code).toBe(2);

      const rotated = await ws.run(['rotate', 'secret', '--yes', '--print-new-secret']);
      expect(rotated.code, rotated.stderr).toBe(0);
      const newSecret = (await secretToolLookup(`${ws.profile}/auth0-app:${clientId}`))!;
      expect(newSecret).not.toBe(oldSecret);
      expect(rotated.stdout.trim()).toBe(newSecret);
      expect(rotated.stderr).not.toContain(newSecret);
      expect(await auth0Token(emus, clientId, oldSecret, audience)).toBe(401);
      const token = await ws.run(['token', 'get', '--provider', 'auth0', '--raw', '--no-cache']);
      expect(token.code, token.stderr).toBe(0);
    },
  );
});
