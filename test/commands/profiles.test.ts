import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, tempWorkspace, uniqueProfile } from '../support/index.js';
import { secretToolLookup, secretToolStore } from '../support/index.js';

let ws: Awaited<ReturnType<typeof tempWorkspace>>;
beforeAll(async () => {
  ws = await tempWorkspace();
});
afterAll(() => ws.cleanup());
const cli = (args: string[]) => spawnCli(args, { env: ws.env, cwd: ws.dir });

describe('profiles and logout', () => {
  it('list, use, remove and logout, removing keychain entries', async () => {
    const a = uniqueProfile('a');
    const b = uniqueProfile('b');
    await mkdir(join(ws.dir, 'config'), { recursive: true });
    await writeFile(
      join(ws.dir, 'config', 'profiles.json'),
      JSON.stringify({
        current: a,
        profiles: {
          [a]: { orgUrl: 'https://a.okta.com', authMode: 'ssws' },
          [b]: { orgUrl: 'https://b.okta.com', authMode: 'ssws' },
        },
      }),
    );
    await secretToolStore(`${a}/okta-api-token`, 'profile-a-token-xyz');
    await secretToolStore(`${b}/okta-api-token`, 'profile-b-token-xyz');

    const listed = await cli(['--json', 'profiles', 'list']);
    expect(JSON.parse(listed.stdout)).toEqual([
      { name: a, current: true, orgUrl: 'https://a.okta.com', authMode: 'ssws', auth0Domain: null },
      { name: b, current: false, orgUrl: 'https://b.okta.com', authMode: 'ssws', auth0Domain: null },
    ]);

    expect((await cli(['profiles', 'use', b])).code).toBe(0);
    expect(JSON.parse(await readFile(join(ws.dir, 'config', 'profiles.json'), 'utf8')).current).toBe(b);
    const unknown = await cli(['profiles', 'use', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no profile "nope"/);

    expect((await cli(['profiles', 'remove', a])).code).toBe(0);
    expect(await secretToolLookup(`${a}/okta-api-token`)).toBeUndefined();

    const out = await cli(['logout']);
    expect(out.code).toBe(0);
    expect(await secretToolLookup(`${b}/okta-api-token`)).toBeUndefined();
    expect(JSON.parse((await cli(['--json', 'profiles'])).stdout)).toEqual([]);
  });

  it('refuses an invalid profile name as a usage error', async () => {
    const result = await cli(['--profile', '../evil', 'profiles', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a valid profile name/);
  });
});
