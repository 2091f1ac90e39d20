/**
 * @okta/okta-sdk-nodejs is the tests' oracle, not the CLI's transport: the built CLI's init, status, token get and
 * destroy never resolve it (recorded with the module-resolve hook in test/support/record-imports.mjs).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { repoRoot, spawnCli } from '../support/index.js';
import { describeWithKeychain, oktaEmulator, orgWorkspace, type OrgWorkspace } from '../support/index.js';

let emu: EmulatorHandle;
let ws: OrgWorkspace;
let logDir: string;
beforeAll(async () => {
  emu = await oktaEmulator();
  ws = await orgWorkspace('no-sdk');
  logDir = await mkdtemp(join(tmpdir(), 'okta-m2m-no-sdk-'));
});
afterAll(async () => {
  await ws?.cleanup();
  await emu?.stop();
  await rm(logDir, { recursive: true, force: true });
});

async function resolvedBy(name: string, args: string[], input = ''): Promise<string[]> {
  const log = join(logDir, `${name}.log`);
  const result = await spawnCli(args, {
    nodeArgs: ['--import', join(repoRoot, 'test', 'support', 'record-imports.mjs')],
    env: { ...ws.env, IMPORT_LOG: log },
    cwd: ws.dir,
    input,
    timeoutMs: 60_000,
  });
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
}

describeWithKeychain('the Okta SDK stays off the CLI', () => {
  it('init, status, token get and destroy never resolve @okta/okta-sdk-nodejs', async () => {
    expect((await ws.spawn(['login', '--org-url', emu.url, '--api-token-stdin'], emu.adminToken)).code).toBe(0);
    const runs: Array<[string, string[]]> = [
      ['init', ['init', '--name', 'no-sdk', '--audience', 'api://no-sdk', '--scope', 'no-sdk:read', '--yes']],
      ['status', ['status', '--json']],
      ['token-get', ['token', 'get', '--raw']],
      ['destroy', ['destroy', '--yes']],
    ];
    for (const [name, args] of runs) {
      const modules = await resolvedBy(name, args);
      // The recorder saw the CLI itself (an empty log would prove nothing).
      expect(modules.some((url) => url.endsWith('/dist/cli.js'))).toBe(true);
      expect(
        modules.filter((url) => url.includes('@okta/okta-sdk-nodejs')),
        name,
      ).toEqual([]);
    }
  });
});
