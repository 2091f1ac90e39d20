import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputFile, readJsonFile, writeJsonAtomic } from '../../src/config/files.js';
import { loadProfiles, saveProfiles } from '../../src/config/profiles.js';
import { ProjectState } from '../../src/config/state.js';
import { UsageError } from '../../src/errors.js';
import { useTempDir } from '../support/temp-dir.js';

let dir: string;
useTempDir('okta-m2m-files-', (made) => (dir = made));

describe('config and state files', () => {
  it('are written atomically with mode 0600 and leave no temporary file', async () => {
    const file = join(dir, 'nested', 'a.json');
    await writeJsonAtomic(file, { a: 1 });
    await writeJsonAtomic(file, { a: 2 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readJsonFile(file, 'test')).toEqual({ a: 2 });
    expect(await readdir(join(dir, 'nested'))).toEqual(['a.json']);
  });

  it('a crash mid-write leaves the previous version readable', async () => {
    const file = join(dir, 'state.json');
    await writeJsonAtomic(file, { version: 'old' });
    // What a crash leaves behind: a half-written temporary file beside the target.
    await writeFile(join(dir, '.state.json.deadbeef.tmp'), '{"version": "ne');
    expect(await readJsonFile(file, 'test')).toEqual({ version: 'old' });
  });

  it('profiles round-trip and hold no secret', async () => {
    const env = { OKTA_M2M_CONFIG_DIR: dir };
    await saveProfiles(
      { current: 'prod', profiles: { prod: { orgUrl: 'https://acme.okta.com', authMode: 'ssws' } } },
      env,
    );
    expect(await loadProfiles(env)).toEqual({
      current: 'prod',
      profiles: { prod: { orgUrl: 'https://acme.okta.com', authMode: 'ssws' } },
    });
    expect((await stat(join(dir, 'profiles.json'))).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['truncated JSON', '{"current": "a", "profiles": {'],
    ['wrong types', '{"current": 3, "profiles": []}'],
    ['a profile that is a string', '{"profiles": {"a": "x"}}'],
    ['an unknown auth mode', '{"profiles": {"a": {"authMode": "magic"}}}'],
    ['scopes that are not strings', '{"profiles": {"a": {"scopes": [1]}}}'],
  ])('a damaged profiles file (%s) is a clear usage error', async (_label, content) => {
    await writeFile(join(dir, 'profiles.json'), content);
    await expect(loadProfiles({ OKTA_M2M_CONFIG_DIR: dir })).rejects.toThrow(UsageError);
  });

  it('a huge file is refused before it is parsed', async () => {
    await writeFile(join(dir, 'profiles.json'), `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`);
    await expect(loadProfiles({ OKTA_M2M_CONFIG_DIR: dir })).rejects.toThrow(/too large/);
  });

  it('a file holding more than its size says is read to its end, and still within the bound', async () => {
    // Linux's /proc files say they are empty: the read goes past what the size promised, as for a file that grew.
    const status = await readInputFile('/proc/self/status', 'the status file');
    expect(status).toMatch(/^Name:/);
    expect(status).toMatch(/\nVmRSS:/);
    await expect(readInputFile('/proc/self/status', 'the status file', 64)).rejects.toThrow(/larger than 64 bytes/);
  });

  it('project state keeps sections per profile and removes empty ones', async () => {
    const state = await ProjectState.load(dir);
    await state.set('default', 'okta', { appId: '0oa1' });
    await state.set('other', 'auth0', { clientId: 'x' });
    const again = await ProjectState.load(dir);
    expect(again.get('default', 'okta')).toEqual({ appId: '0oa1' });
    await again.set('default', 'okta', undefined);
    const raw = JSON.parse(await readFile(join(dir, '.okta-m2m', 'state.json'), 'utf8'));
    expect(raw).toEqual({ version: 1, profiles: { other: { auth0: { clientId: 'x' } } } });
    expect((await stat(join(dir, '.okta-m2m', 'state.json'))).mode & 0o777).toBe(0o600);
  });
});
