/**
 * A create that Okta is still processing when the process that sent it dies (SIGINT, a lost connection) can land
 * AFTER the next init looked the object up by name. That init's own create is then refused ("already exists");
 * it must adopt the object, as its lookup would have a moment later, and a further init writes nothing.
 *
 * Also the emulator's side of it: an authorization server is added at once, with its signing key, when its create
 * completes; it is never listed (and so never adopted) while the create is still running. Before, the emulator added
 * the server and then generated its key, so a killed init's create could be adopted by the next init while still
 * running, and its late log entry was counted as a write of the init after that (the CI failure "round 4 (after
 * request 3): expected [ { method: 'POST', ... } ] to deeply equal []").
 */
import { describe, expect, it } from 'vitest';
import {
  api,
  describeWithKeychain,
  managementWrites,
  oktaEmulator,
  orgInventory,
  orgWorkspace,
  type ApiResponse,
} from '../support/index.js';
import { test } from '../support/fixtures.js';
import { ORDERS_SCOPES } from '../support/example-commands.js';
import { expectKeptSecretGetsToken } from '../support/kept-secret.js';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { desiredApp } from '../../src/okta/resources/apps.js';

const NAME = 'orders-api';
const INIT = ['init', '--yes', '--name', NAME, ...ORDERS_SCOPES];

/** A create sent straight to the emulator, as the dead process had sent it. */
const adminPost = (emu: EmulatorHandle, path: string, body: unknown) => api(emu, 'POST', path, body);

/** The service app as init asks for it. */
const APP_BODY = desiredApp(NAME, 'client_secret_basic');

async function reference(): Promise<Record<string, number | string>> {
  const emu = await oktaEmulator();
  const ws = await orgWorkspace('inflight-ref');
  try {
    expect((await ws.run(['login', '--org-url', emu.url, '--api-token-stdin'], emu.adminToken)).code).toBe(0);
    const init = await ws.run(INIT);
    expect(init.code, init.stderr).toBe(0);
    return await orgInventory(emu);
  } finally {
    await ws.run(['destroy', '--yes']).catch(() => undefined);
    await ws.cleanup();
    await emu.stop();
  }
}

/**
 * init, with `race` fired the moment the emulator has answered the lookup matching `lookup`: the create of the
 * interrupted run lands between init's lookup and init's own create.
 */
async function initRacing(lookup: RegExp, race: (emu: EmulatorHandle) => Promise<ApiResponse>): Promise<void> {
  const expected = await reference();
  let raced: Promise<ApiResponse> | undefined;
  let armed = false;
  const emu: EmulatorHandle = await oktaEmulator({
    log: (line) => {
      if (armed && lookup.test(line)) {
        armed = false;
        raced = race(emu);
      }
    },
  });
  const ws = await orgWorkspace('inflight');
  try {
    expect((await ws.run(['login', '--org-url', emu.url, '--api-token-stdin'], emu.adminToken)).code).toBe(0);
    armed = true;
    const init = await ws.run(INIT);
    expect(raced, 'the racing create was sent').toBeDefined();
    const racedStatus = (await raced!).status;
    expect(init.code, `init after a racing create (answered ${racedStatus}):\n${init.stderr}`).toBe(0);
    expect(await orgInventory(emu)).toEqual(expected);
    // A further run finds nothing to do and writes nothing.
    emu.clearRequestLog();
    const again = await ws.run(INIT);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing to change/);
    expect(managementWrites(emu.requestLog)).toEqual([]);
    await expectKeptSecretGetsToken(ws, 'orders:read');
  } finally {
    await ws.run(['destroy', '--yes']).catch(() => undefined);
    await ws.cleanup();
    await emu.stop();
  }
}

describeWithKeychain('a create still in flight from an interrupted init', () => {
  it('the app: made after init looked it up by label, it is adopted (with a new secret), not a failure', async () => {
    await initRacing(/^GET \/api\/v1\/apps\?q=/, (emu) => adminPost(emu, '/api/v1/apps?activate=true', APP_BODY));
  }, 60_000);

  it('the authorization server: made after init looked it up by name, it is adopted, not a failure', async () => {
    await initRacing(/^GET \/api\/v1\/authorizationServers\?q=/, (emu) =>
      adminPost(emu, '/api/v1/authorizationServers', { name: NAME, description: 'x', audiences: [`api://${NAME}`] }),
    );
  }, 60_000);
});

describe('emulator: an authorization server exists only once its create has completed', () => {
  test('is not listed, nor found by name, while its create is still running', async ({ okta: emu }) => {
    const sightings: Array<{ keys: boolean; answered: boolean }> = [];
    let answered = false;
    const create = adminPost(emu, '/api/v1/authorizationServers', {
      name: 'in-flight',
      description: '',
      audiences: ['api://in-flight'],
    }).then((res) => {
      answered = true;
      return res;
    });
    // Watch the org on every turn of the event loop until the create answers.
    await new Promise<void>((resolve) => {
      const look = () => {
        const server = emu.state.authServers.find((s) => s.name === 'in-flight');
        if (server) sightings.push({ keys: emu.state.authServerKeys.has(server.id), answered });
        if (answered) resolve();
        else setImmediate(look);
      };
      look();
    });
    expect((await create).status).toBe(201);
    expect(sightings.length).toBeGreaterThan(0);
    // Never seen half made: the server appears together with its signing key.
    expect(sightings.filter((s) => !s.keys)).toEqual([]);
  });
});
