/**
 * Config, project state and the emulator's state file are written atomically with mode 0600: whatever the umask,
 * whatever mode an older file had; and a crash mid-write (a real kill -9 of a process writing in a loop, or a
 * rename that fails) leaves the previous version readable.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliPath, repoRoot } from '../support/index.js';
import {
  itWithKeychain,
  oktaEmulator,
  orgWorkspace,
  seeded,
  startEmulatorProcess,
  stopChild,
} from '../support/index.js';
import { readJsonFile, writeJsonAtomic } from '../../src/config/files.js';
import { loadState, writeStateAtomically } from '../../src/emulator/okta/persistence.js';
import { newState } from '../../src/emulator/okta/state.js';

// A rename that fails on demand (disk full, EIO, a crash between write and rename): everything else is real.
const failRename = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const rename: typeof real.rename = async (from, to) => {
    if (failRename.on) throw Object.assign(new Error('EIO: i/o error, rename (simulated)'), { code: 'EIO' });
    return real.rename(from, to);
  };
  return { ...real, default: { ...real, rename }, rename };
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-m2m-atomic-'));
});
afterAll(async () => {
  failRename.on = false;
  await rm(dir, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

/** Runs the built CLI with umask 000, so any file not created 0600 on purpose would come out world-writable. */
function runOpenUmask(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, cliPath, ...args], {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('modes', () => {
  itWithKeychain(
    'profiles.json, .okta-m2m/state.json and a saved setup are 0600 in 0700 folders, even with umask 000 and an older 0644 file',
    async () => {
      const emu = await oktaEmulator();
      const ws = await orgWorkspace('modes');
      try {
        // An older, too-open profiles file.
        await mkdir(ws.configDir, { recursive: true });
        await writeFile(join(ws.configDir, 'profiles.json'), '{"version":1,"current":"default","profiles":{}}', {
          mode: 0o644,
        });
        await chmod(join(ws.configDir, 'profiles.json'), 0o644);
        const login = await runOpenUmask(
          ['login', '--org-url', emu.url, '--api-token-stdin'],
          ws.env,
          ws.dir,
          emu.adminToken,
        );
        expect(login.code, login.stderr).toBe(0);
        const init = await runOpenUmask(
          ['init', '--yes', '--name', 'modes-api', '--scope', 'm:read', '--save', 'okta-m2m.json'],
          ws.env,
          ws.dir,
        );
        expect(init.code, init.stderr).toBe(0);
        expect(await mode(join(ws.configDir, 'profiles.json'))).toBe(0o600);
        expect(await mode(join(ws.dir, '.okta-m2m', 'state.json'))).toBe(0o600);
        expect(await mode(join(ws.dir, '.okta-m2m'))).toBe(0o700);
        expect(await mode(join(ws.dir, 'okta-m2m.json'))).toBe(0o600);
        // No temporary file left behind.
        expect((await readdir(ws.configDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
        expect((await readdir(join(ws.dir, '.okta-m2m'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
        const destroy = await runOpenUmask(['destroy', '--yes'], ws.env, ws.dir);
        expect(destroy.code, destroy.stderr).toBe(0);
        expect(await mode(join(ws.dir, '.okta-m2m', 'state.json'))).toBe(0o600);
      } finally {
        await ws.cleanup();
        await emu.stop();
      }
    },
    60_000,
  );

  it("the emulator's state file is 0600, even with umask 000 and an older 0644 file", async () => {
    const statePath = join(dir, 'umask', 'org.json');
    await mkdir(join(dir, 'umask'), { recursive: true });
    const seededEmu = await oktaEmulator({ statePath });
    await seededEmu.stop();
    await chmod(statePath, 0o644);
    // The process inherits umask 000 (restored here as soon as it is spawned).
    const previousUmask = process.umask(0o000);
    const starting = startEmulatorProcess(['--state', statePath]);
    process.umask(previousUmask);
    const { child, info } = await starting;
    const { orgUrl, adminToken } = info;
    await fetch(`${orgUrl}/api/v1/groups`, {
      method: 'POST',
      headers: { Authorization: `SSWS ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ profile: { name: 'umask-group' } }),
    });
    await stopChild(child, 'SIGINT');
    expect(await mode(statePath)).toBe(0o600);
    expect(await readFile(statePath, 'utf8')).toContain('umask-group');
    expect((await readdir(join(dir, 'umask'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});

/** Bundles a small driver around the real module (esbuild, as the build does) so a child process can run it. */
async function driver(name: string, source: string): Promise<string> {
  const outfile = join(dir, `${name}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: repoRoot, loader: 'ts', sourcefile: `${name}.ts` },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Starts a writer, lets it write for a seeded while, then kill -9. Resolves once it is dead. */
async function killMidWrite(script: string, target: string, delayMs: number): Promise<number> {
  const child = spawn(process.execPath, [script, target], { stdio: ['ignore', 'pipe', 'pipe'] });
  let writes = 0;
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (writes += c.toString().split('\n').filter(Boolean).length));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // Wait until the loop is going (at least one write finished), then the seeded delay.
  const deadline = Date.now() + 10_000;
  while (writes === 0 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, delayMs));
  if (child.exitCode !== null) throw new Error(`the writer died by itself (${child.exitCode}): ${stderr}`);
  child.kill('SIGKILL');
  await closed;
  expect(child.signalCode).toBe('SIGKILL');
  return writes;
}

describe('a crash mid-write leaves the previous version readable', () => {
  // Under readJsonFile's 1 MiB limit, big enough that a write takes a while.
  const BIG = 900 * 1024;

  it('config and project state (writeJsonAtomic): kill -9 of a process rewriting a 900 KB file in a loop', async () => {
    const script = await driver(
      'json-writer',
      `import { writeJsonAtomic } from './src/config/files.ts';
       const target = process.argv[2];
       const docs = ['a', 'b'].map((tag) => ({ version: 1, tag, pad: tag.repeat(${BIG}) }));
       for (let i = 0; ; i += 1) {
         await writeJsonAtomic(target, docs[i % 2]);
         process.stdout.write(i + '\\n');
       }`,
    );
    const target = join(dir, 'kill', 'state.json');
    const random = seeded(99);
    let total = 0;
    for (let round = 0; round < 8; round += 1) {
      total += await killMidWrite(script, target, Math.floor(random() * 120));
      const doc = (await readJsonFile(target, 'project state')) as { tag: string; pad: string };
      expect(['a', 'b']).toContain(doc.tag);
      expect(doc.pad).toBe(doc.tag.repeat(BIG));
      expect(await mode(target)).toBe(0o600);
    }
    expect(total, 'the writer really wrote in a loop').toBeGreaterThan(8);
  }, 60_000);

  it("the emulator's state file (writeStateAtomically): kill -9 mid-save, then it loads", async () => {
    const script = await driver(
      'emulator-writer',
      `import { writeStateAtomically } from './src/emulator/okta/persistence.ts';
       import { newState } from './src/emulator/okta/state.ts';
       const target = process.argv[2];
       const state = await newState();
       for (let i = 0; i < 4000; i += 1) state.apps.add({ id: 'app' + i, label: 'app-' + i, pad: 'x'.repeat(400) });
       for (let i = 0; ; i += 1) {
         state.apps.add({ id: 'extra' + i, label: 'extra-' + i });
         await writeStateAtomically(target, state);
         process.stdout.write(i + '\\n');
       }`,
    );
    const target = join(dir, 'kill', 'org.json');
    const random = seeded(7);
    for (let round = 0; round < 6; round += 1) {
      await killMidWrite(script, target, Math.floor(random() * 120));
      const state = await loadState(target);
      expect(state?.apps.size).toBeGreaterThanOrEqual(4001);
      expect(await mode(target)).toBe(0o600);
    }
  }, 60_000);

  it('a rename that fails leaves the old file, no temporary file, and a clear error from the command', async () => {
    const folder = join(dir, 'rename');
    const file = join(folder, 'state.json');
    await writeJsonAtomic(file, { version: 'old' });
    failRename.on = true;
    try {
      await expect(writeJsonAtomic(file, { version: 'new' })).rejects.toThrow(/EIO/);
      expect(await readJsonFile(file, 'test')).toEqual({ version: 'old' });
      expect(await readdir(folder)).toEqual(['state.json']);

      const emuState = join(folder, 'org.json');
      failRename.on = false;
      const state = await newState();
      await writeStateAtomically(emuState, state);
      const before = await readFile(emuState, 'utf8');
      failRename.on = true;
      state.apps.add({ id: 'never', label: 'never' });
      await expect(writeStateAtomically(emuState, state)).rejects.toThrow(/EIO/);
      expect(await readFile(emuState, 'utf8')).toBe(before);
      expect((await readdir(folder)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

      // A real command whose save fails: exit 1, a one-line error, the old profiles file intact.
      const { runInProcess } = await import('../support/index.js');
      const configDir = join(folder, 'config');
      failRename.on = false;
      await writeJsonAtomic(join(configDir, 'profiles.json'), {
        version: 1,
        current: 'a',
        profiles: { a: { orgUrl: 'https://a.okta.com' }, b: { orgUrl: 'https://b.okta.com' } },
      });
      failRename.on = true;
      const result = await runInProcess(
        ['profiles', 'use', 'b'],
        { OKTA_M2M_CONFIG_DIR: configDir, NO_COLOR: '1' },
        folder,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: .*EIO/m);
      expect(JSON.parse(await readFile(join(configDir, 'profiles.json'), 'utf8')).current).toBe('a');
      expect((await readdir(configDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      failRename.on = false;
    }
  });
});

describe('a real emulator process killed -9 while saving', () => {
  it('restarts from its state file', async () => {
    const statePath = join(dir, 'emu-kill', 'org.json');
    const random = seeded(31);
    for (let round = 0; round < 3; round += 1) {
      const { child, info } = await startEmulatorProcess(['--state', statePath]);
      const { orgUrl, adminToken } = info;
      // Writes as fast as it takes them, each one marking the state for a save; kill -9 at a seeded moment.
      let stop = false;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; !stop; i += 1) {
          await fetch(`${orgUrl}/api/v1/groups`, {
            method: 'POST',
            headers: { Authorization: `SSWS ${adminToken}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ profile: { name: `g-${round}-${w}-${i}`, description: 'x'.repeat(2000) } }),
          }).catch(() => undefined);
        }
      });
      await new Promise((r) => setTimeout(r, 300 + Math.floor(random() * 400)));
      await stopChild(child, 'SIGKILL');
      stop = true;
      await Promise.all(writers);
      const restarted = await oktaEmulator({ statePath });
      try {
        expect(Number(restarted.summary().groups)).toBeGreaterThan(0);
      } finally {
        await restarted.stop();
      }
    }
  }, 60_000);
});
