import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, repoRoot, spawnCli } from '../support/index.js';

const TOP_LEVEL = [
  'login',
  'logout',
  'profiles',
  'init',
  'destroy',
  'status',
  'token',
  'scim-token',
  'hook',
  'auth0',
  'sync',
  'emulator',
  'completion',
];
const HEAVY = ['@okta/okta-sdk-nodejs', 'node_modules/auth0/', '@aws-sdk', '@inquirer', 'node_modules/esbuild/'];

describe('the command tree', () => {
  it('--help lists every top-level command and the global options, exit 0', async () => {
    const result = await spawnCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of TOP_LEVEL) expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    for (const flag of ['--profile', '--json', '--no-color', '--debug', '--yes', '--no-input', '--version']) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('Examples:');
    for (const line of [
      'token get | proof | decode | verify',
      'hook build | serve | deploy | remove',
      'auth0 login | init | destroy | status',
      'sync auth0-role',
    ]) {
      expect(result.stdout).toContain(line);
    }
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const result = await spawnCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('an unknown command or option is a usage error: exit 2, one message, no stack', async () => {
    for (const args of [['bogus'], ['--bogus'], ['scim-token', 'encode', '--client-id', 'x']]) {
      const result = await spawnCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: /m);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe('');
    }
  });

  it('bad input is exit 2 with a hint; --debug adds the cause chain', async () => {
    const plain = await spawnCli(['scim-token', 'decode', 'bm90IGpzb24=']);
    expect(plain.code).toBe(2);
    expect(plain.stderr.trim().split('\n')).toEqual([
      'error: Invalid bridge token: the bridge token does not decode to JSON.',
      'hint: Make one with "okta-m2m scim-token encode".',
    ]);
    const debug = await spawnCli(['--debug', 'scim-token', 'decode', 'bm90IGpzb24=']);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/UsageError: Invalid bridge token/);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('prints no colour when NO_COLOR is set or stdout is not a terminal', async () => {
    const result = await spawnCli(['scim-token', 'decode', 'bm90IGpzb24='], {
      env: { NO_COLOR: '', FORCE_COLOR: '1' },
    });
    // eslint-disable-next-line no-control-regex -- asserts that no control character (terminal escape) got through
    expect(result.stderr).not.toMatch(/\u001b\[/);
  });

  it('SIGINT exits 130', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'okta-m2m.js'), 'scim-token', 'decode', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitUntilReadingStdin(child.pid!);
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted');
  });
});

/** Waits until the process sits in a read of stdin, i.e. it has started and installed its handlers. */
async function waitUntilReadingStdin(pid: number): Promise<void> {
  const { readFile: read } = await import('node:fs/promises');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const status = await read(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const syscall = await read(`/proc/${pid}/syscall`, 'utf8').catch(() => '');
    // Blocked in epoll_wait (232) / read (0) with the event loop idle: start-up is done.
    if (/State:\s+S/.test(status) && /^(232|281|0|7) /.test(syscall)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the CLI did not start within 15 s');
}

describe('start-up stays light', () => {
  async function loadedModules(args: string[], input = ''): Promise<string[]> {
    const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-imports-'));
    const log = join(dir, 'imports.log');
    try {
      const result = await spawnCli(args, {
        nodeArgs: ['--import', join(repoRoot, 'test', 'support', 'record-imports.mjs')],
        env: { IMPORT_LOG: log, OKTA_M2M_CLIENT_SECRET: 'env-secret-for-import-test' },
        input,
      });
      expect(result.code, result.stderr).toBe(0);
      return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('the recorder does see heavy modules when they are loaded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-imports-'));
    const log = join(dir, 'imports.log');
    const { spawnSync } = await import('node:child_process');
    spawnSync(
      process.execPath,
      [
        '--import',
        join(repoRoot, 'test', 'support', 'record-imports.mjs'),
        '-e',
        "await import('@okta/okta-sdk-nodejs')",
        '--input-type=module',
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, IMPORT_LOG: log },
      },
    );
    expect(await readFile(log, 'utf8')).toContain('@okta/okta-sdk-nodejs');
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [['--help']],
    [['scim-token', 'encode', '--token-url', 'https://a.okta.com/oauth2/x/v1/token', '--client-id', 'c']],
    [
      [
        'scim-token',
        'decode',
        'eyJ2IjoxLCJ0b2tlblVybCI6Imh0dHBzOi8vYS5va3RhLmNvbS90IiwiY2xpZW50SWQiOiJjIiwiY2xpZW50U2VjcmV0IjoicyJ9',
      ],
    ],
  ])('%j loads none of the heavy SDKs', async (args) => {
    const modules = await loadedModules(args);
    // The recorder saw the CLI itself (an empty log would prove nothing).
    expect(modules.some((url) => url.endsWith('/dist/cli.js'))).toBe(true);
    for (const heavy of HEAVY) expect(modules.filter((url) => url.includes(heavy))).toEqual([]);
  });
});

describe('start-up opens only the streams a command uses', () => {
  // Making process.stderr over a pipe loads node:net; chalk's colour check loads node:tty (and net with it); the ES
  // module facade of a built-in reads all its exports, lazy ones included.
  const builtins = async (
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ code: number | null; loaded: string[] }> => {
    const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-streams-'));
    const loadedFile = join(dir, 'loaded');
    const report = join(dir, 'report.cjs');
    await writeFile(
      report,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loadedFile)}, process.moduleLoadList.join('\\n')))`,
    );
    const stdout = openSync(join(dir, 'stdout'), 'w');
    try {
      const child = spawn(process.execPath, ['--require', report, cliPath, ...args], {
        cwd: repoRoot,
        env: { ...cleanEnv(), NO_COLOR: '1', ...env },
        stdio: ['ignore', stdout, 'pipe'],
      });
      child.stderr?.resume();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, loaded: (await readFile(loadedFile, 'utf8')).split('\n') };
    } finally {
      closeSync(stdout);
      await rm(dir, { recursive: true, force: true });
    }
  };

  it('--help writes to stdout (a file) only: neither node:tty nor node:net is loaded', async () => {
    const { code, loaded } = await builtins(['--help']);
    expect(code).toBe(0);
    expect(loaded.filter((name) => name === 'NativeModule tty' || name === 'NativeModule net')).toEqual([]);
  });

  it('scim-token encode loads none of them, nor what the ES module facades of util and process would', async () => {
    const { code, loaded } = await builtins(
      ['scim-token', 'encode', '--token-url', 'https://a.okta.com/oauth2/x/v1/token', '--client-id', 'c'],
      { OKTA_M2M_CLIENT_SECRET: 'env-secret-for-streams-test' },
    );
    expect(code).toBe(0);
    const unused = ['tty', 'net', 'internal/util/parse_args/parse_args', 'internal/mime', 'internal/process/report'];
    expect(loaded.filter((name) => unused.some((module) => name === `NativeModule ${module}`))).toEqual([]);
  });

  it('a usage error writes to stderr (a pipe): net is loaded for it', async () => {
    const { code, loaded } = await builtins(['no-such-command']);
    expect(code).toBe(2);
    expect(loaded).toContain('NativeModule net');
  });
});
