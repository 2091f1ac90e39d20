import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, spawnCli } from '../support/index.js';

/** What the bash script in dir/c.bash offers for these words (the last one being completed). */
function bashComplete(dir: string, words: string, env?: NodeJS.ProcessEnv): string {
  return spawnSync(
    'bash',
    [
      '-c',
      `source ${join(dir, 'c.bash')}; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _okta_m2m; echo "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8', ...(env ? { env } : {}) },
  ).stdout.trim();
}

describe('okta-m2m completion', () => {
  it('bash completes subcommands and options for real', async () => {
    const script = await spawnCli(['completion', 'bash']);
    expect(script.code).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-completion-'));
    try {
      await writeFile(join(dir, 'c.bash'), script.stdout);
      const complete = (words: string) => bashComplete(dir, words);
      expect(complete('okta-m2m sc')).toBe('scim-token');
      expect(complete('okta-m2m scim-token e')).toBe('encode');
      expect(complete('okta-m2m scim-token encode --client-s').split(' ').sort()).toEqual([
        '--client-secret',
        '--client-secret-stdin',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bash completes after options that take a value, and offers values: profiles, templates, auth methods, providers (issue 19.10)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-completion-'));
    try {
      const script = await spawnCli(['completion', 'bash']);
      await writeFile(join(dir, 'c.bash'), script.stdout);
      // The profiles come from okta-m2m itself at <TAB> time: a shim on PATH runs the built CLI.
      await mkdir(join(dir, 'bin'));
      await writeFile(join(dir, 'bin', 'okta-m2m'), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`, {
        mode: 0o755,
      });
      await mkdir(join(dir, 'config'));
      await writeFile(
        join(dir, 'config', 'profiles.json'),
        JSON.stringify({
          version: 1,
          current: 'staging',
          profiles: {
            staging: { orgUrl: 'https://staging.okta.com', authMode: 'ssws' },
            prod: { orgUrl: 'https://prod.okta.com', authMode: 'ssws' },
          },
        }),
      );
      const env = {
        ...process.env,
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        OKTA_M2M_CONFIG_DIR: join(dir, 'config'),
      };
      const complete = (words: string) => bashComplete(dir, words, env);
      expect(complete('okta-m2m init --name foo --sc')).toBe('--scope');
      expect(complete('okta-m2m --profile prod init --audience api://x --dry')).toBe('--dry-run');
      expect(complete("okta-m2m token get --auth-method ''").split(' ').sort()).toEqual([
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
      ]);
      expect(complete('okta-m2m token get --provider a')).toBe('auth0');
      expect(complete("okta-m2m hook build ''").split(' ').sort()).toEqual(
        expect.arrayContaining(['scim-bridge', 'token-hook']),
      );
      expect(complete('okta-m2m hook deploy token-hook --reg')).toBe('--region');
      expect(complete("okta-m2m --profile ''").split(' ').sort()).toEqual(['prod', 'staging']);
      expect(complete('okta-m2m profiles use st')).toBe('staging');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fish marks options that take values, with their values', async () => {
    const fish = (await spawnCli(['completion', 'fish'])).stdout;
    expect(fish).toContain('-l auth-method -x -a "client_secret_basic client_secret_post private_key_jwt"');
    expect(fish).toMatch(/-l name -x$/m);
    expect(fish).toMatch(/-l profile -x -a "\(okta-m2m profiles list --json/);
  });

  it('zsh and fish scripts name the commands; an unknown shell is a usage error', async () => {
    expect((await spawnCli(['completion', 'zsh'])).stdout).toContain('#compdef okta-m2m');
    expect((await spawnCli(['completion', 'fish'])).stdout).toMatch(
      /complete -c okta-m2m -n '__fish_use_subcommand' -a scim-token/,
    );
    const bad = await spawnCli(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
  });
});
