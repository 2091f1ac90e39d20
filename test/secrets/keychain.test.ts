import { describe, expect, it } from 'vitest';
import { SecretStore } from '../../src/secrets/store.js';
import { keychainBackend } from '../../src/secrets/keychain.js';
import { secretRefs } from '../../src/secrets/refs.js';
import { redact } from '../../src/secrets/redact.js';
import { SecretStoreError } from '../../src/errors.js';
import { secretToolLookup, secretToolStore } from '../support/index.js';
import { oktaEmulator, spawnCli, tempWorkspace, uniqueProfile } from '../support/index.js';
import { scimTokenEncodeArgs } from '../support/scim-token.js';
import { privateSessionBus, secretServicePid } from '../support/session-bus.js';

describe('the OS keychain (Secret Service)', () => {
  it('stores, reads and deletes under service okta-m2m, visible to secret-tool', async () => {
    const store = new SecretStore(keychainBackend(), {});
    const ref = secretRefs.oktaApiToken(uniqueProfile('kc'));
    await store.set(ref, 'keychain-canary-001');
    expect(await secretToolLookup(ref.account)).toBe('keychain-canary-001');
    expect(await store.get(ref)).toBe('keychain-canary-001');
    expect(await store.delete(ref)).toBe(true);
    expect(await secretToolLookup(ref.account)).toBeUndefined();
    expect(await store.get(ref)).toBeUndefined();
    expect(await store.delete(ref)).toBe(false);
  });

  it('reads what another program stored, and registers it for redaction', async () => {
    const ref = secretRefs.clientSecret(uniqueProfile('kc'), '0oa-other');
    await secretToolStore(ref.account, 'stored-by-secret-tool-77');
    const store = new SecretStore(keychainBackend(), {});
    expect(await store.get(ref)).toBe('stored-by-secret-tool-77');
    expect(redact('value=stored-by-secret-tool-77')).not.toContain('stored-by-secret-tool-77');
    await store.delete(ref);
  });

  it('reads each entry once a run, and then answers with what the run wrote or deleted', async () => {
    const keychain = keychainBackend();
    const readAccounts: string[] = [];
    let failNext = true;
    const store = new SecretStore(
      {
        ...keychain,
        get: (account) => {
          readAccounts.push(account);
          if (failNext) {
            failNext = false;
            return Promise.reject(new Error('Message recipient disconnected from message bus without replying'));
          }
          return keychain.get(account);
        },
      },
      {},
    );
    const ref = secretRefs.clientSecret(uniqueProfile('kc'), '0oa-once');
    await secretToolStore(ref.account, 'read-once-secret-1');
    // A failed read is not kept: the next caller reads again.
    await expect(store.get(ref)).rejects.toThrow(SecretStoreError);
    expect(await Promise.all([store.get(ref), store.get(ref), store.get(ref)])).toEqual(
      Array(3).fill('read-once-secret-1'),
    );
    expect(readAccounts).toEqual([ref.account, ref.account]);

    await store.set(ref, 'read-once-secret-2');
    expect(await store.get(ref)).toBe('read-once-secret-2');
    expect(await secretToolLookup(ref.account)).toBe('read-once-secret-2');
    expect(await store.delete(ref)).toBe(true);
    expect(await store.get(ref)).toBeUndefined();
    expect(readAccounts).toHaveLength(2);
  });

  it('lets an OKTA_M2M_* variable override the keychain', async () => {
    const ref = secretRefs.oktaApiToken(uniqueProfile('kc'));
    const store = new SecretStore(keychainBackend(), { OKTA_M2M_API_TOKEN: 'from-env-token-1' });
    expect(await store.get(ref)).toBe('from-env-token-1');
  });

  it('says which variable to set when no keychain is reachable', async () => {
    const unreachable = new SecretStore(
      {
        get: () => Promise.reject(new Error('no dbus')),
        set: () => Promise.reject(new Error('no dbus')),
        delete: () => Promise.reject(new Error('no dbus')),
      },
      {},
    );
    await expect(unreachable.get(secretRefs.oktaApiToken('p'))).rejects.toThrow(SecretStoreError);
    await expect(unreachable.get(secretRefs.oktaApiToken('p'))).rejects.toMatchObject({
      hint: expect.stringContaining('OKTA_M2M_API_TOKEN'),
    });
  });

  it('the CLI reports an unreachable keychain in one line, without a stack trace', async () => {
    const ws = await tempWorkspace();
    try {
      const result = await spawnCli(
        scimTokenEncodeArgs('https://acme.okta.com/oauth2/aus1/v1/token', '0oa1', '--no-input'),
        { env: { ...ws.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }, cwd: ws.dir },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/keychain cannot be reached/);
      expect(result.stderr).toMatch(/OKTA_M2M_CLIENT_SECRET/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await ws.cleanup();
    }
  });
});

describe('Secret Service connections', () => {
  it('one per account a run uses: a fresh init reads the token, checks the keychain, keeps the new secret', async () => {
    // A bus of the test's own, so the calls counted are this run's.
    const bus = await privateSessionBus();
    const ws = await tempWorkspace();
    const emulator = await oktaEmulator();
    const env = { ...ws.env, DBUS_SESSION_BUS_ADDRESS: bus.address, OKTA_M2M_PROFILE: uniqueProfile('conn') };
    try {
      const login = await spawnCli(['login', '--org-url', emulator.url, '--api-token-stdin'], {
        env,
        cwd: ws.dir,
        input: emulator.adminToken,
      });
      expect(login.code, login.stderr).toBe(0);
      const watch = await bus.watchSecretService();
      const init = await spawnCli(['init', '--yes', '--name', 'connections', '--scope', 'orders:read'], {
        env,
        cwd: ws.dir,
      });
      expect(init.code, init.stderr).toBe(0);
      // The keychain check writes and deletes its entry; the app's secret is the second item made.
      await watch.called('CreateItem', 2);
      // The Secret Service library opens a session on each connection it makes.
      expect(watch.members.filter((member) => member === 'OpenSession')).toHaveLength(3);
      expect(watch.members.filter((member) => member === 'Delete')).toHaveLength(1);
    } finally {
      await emulator.stop();
      await ws.cleanup();
      await bus.stop();
    }
  });
});

describe('a Secret Service daemon that exits in the middle of a call', () => {
  it('fails that call once; the CLI makes it again, and the daemon D-Bus starts in its place answers', async () => {
    // A bus of the test's own: the daemon stopped and killed below is not the one the rest of the suite is using.
    const bus = await privateSessionBus();
    const ws = await tempWorkspace();
    const env = { ...ws.env, DBUS_SESSION_BUS_ADDRESS: bus.address };
    try {
      await secretToolStore('default/app:0oa1restart', 'restart-secret-1', env);
      const daemon = await secretServicePid(bus.address);
      process.kill(daemon, 'SIGSTOP');
      const { nextCall } = await bus.watchSecretService();
      const args = scimTokenEncodeArgs('https://acme.okta.com/oauth2/aus1/v1/token', '0oa1restart', '--no-input');
      const encoded = spawnCli(args, { env, cwd: ws.dir });
      // Queued at the stopped daemon once the bus has routed it; the daemon then dies without replying.
      await nextCall;
      process.kill(daemon, 'SIGKILL');
      const result = await encoded;
      expect(result.code, result.stderr).toBe(0);
      expect(await secretServicePid(bus.address)).not.toBe(daemon);
      expect(result.stdout).not.toContain('restart-secret-1');
    } finally {
      await ws.cleanup();
      await bus.stop();
    }
  });
});
