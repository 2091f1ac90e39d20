/**
 * A fresh init keeps the new app's client secret while its next step (the scopes and the policy) is on the wire, and
 * that step ends only when the secret is kept. When the keychain refuses that one write, init fails with the
 * keychain's error, the project state holds every id it made, and the next init (with a keychain that works) gives
 * the app a new secret it keeps, without making anything twice.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { SecretStore } from '../../src/secrets/store.js';
import { orgInventory, runCliInProcess, useOktaEmulator } from '../support/index.js';
import { mintWithSecret } from '../support/okta-api.js';

const INIT = ['init', '--yes', '--name', 'ledger', '--scope', 'ledger:read'];

/** A keychain in memory that refuses to keep app client secrets while `refuse` is set. */
function keychain(entries: Map<string, string>, refuse: { appSecrets: boolean }) {
  return () =>
    new SecretStore(
      {
        get: async (account) => entries.get(account),
        set: async (account, value) => {
          if (refuse.appSecrets && account.includes('/app:')) throw new Error('the keychain is locked');
          entries.set(account, value);
        },
        delete: async (account) => entries.delete(account),
      },
      {},
    );
}

describe('init keeps the new client secret in the step after the app is made', () => {
  let emu: EmulatorHandle;
  useOktaEmulator((started) => (emu = started));

  it('fails when the keychain refuses the secret, and the next run completes with a new secret', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'okta-m2m-kept-'));
    const entries = new Map<string, string>();
    const refuse = { appSecrets: true };
    const run = (args: string[], stdin?: string) =>
      runCliInProcess(args, { cwd, factories: { secrets: keychain(entries, refuse) }, ...(stdin ? { stdin } : {}) });
    expect((await run(['login', '--org-url', emu.url, '--api-token-stdin'], emu.adminToken)).code).toBe(0);

    const failed = await run(INIT);
    expect(failed.code, failed.stderr).not.toBe(0);
    expect(failed.stderr).toMatch(/keychain cannot be reached to store or read the client secret/);
    const state = JSON.parse(await readFile(join(cwd, '.okta-m2m', 'state.json'), 'utf8')).profiles.default.okta;
    // The step that kept the secret ran to its end: its ids are recorded with the app's and the server's.
    expect(state).toMatchObject({
      appId: expect.any(String),
      authServerId: expect.any(String),
      policyId: expect.any(String),
      scopeIds: { 'ledger:read': expect.any(String) },
    });
    expect([...entries.keys()].some((account) => account.includes('/app:'))).toBe(false);
    const made = await orgInventory(emu);

    refuse.appSecrets = false;
    const completed = await run(INIT);
    expect(completed.code, completed.stderr).toBe(0);
    // What the failed run made is used, not made again; the rule, which it did not reach, is added.
    const after = await orgInventory(emu);
    expect(after).toMatchObject(made);
    expect(Object.keys(after).filter((key) => !(key in made))).toEqual([
      expect.stringMatching(/^rule:ledger\/okta-m2m client credentials\//),
    ]);
    expect(Object.values(after).filter((count) => typeof count === 'number' && count !== 1)).toEqual([]);
    const secret = entries.get(`default/app:${state.clientId}`);
    expect(secret, 'the new secret is kept').toBeTruthy();
    const { tokenEndpoint } = JSON.parse(await readFile(join(cwd, '.okta-m2m', 'state.json'), 'utf8')).profiles.default
      .okta;
    const token = await mintWithSecret(tokenEndpoint, state.clientId, secret!, 'ledger:read');
    expect(token.status, JSON.stringify(token.body)).toBe(200);
  });
});
