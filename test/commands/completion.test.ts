import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../support/index.js';

describe('okta-m2m completion', () => {
  it('bash completes subcommands and options for real', async () => {
    const script = await spawnCli(['completion', 'bash']);
    expect(script.code).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-completion-'));
    try {
      await writeFile(join(dir, 'c.bash'), script.stdout);
      const complete = (words: string) =>
        spawnSync('bash', ['-c', `source ${join(dir, 'c.bash')}; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _okta_m2m; echo "\${COMPREPLY[@]}"`], {
          encoding: 'utf8',
        }).stdout.trim();
      expect(complete('okta-m2m sc')).toBe('scim-token');
      expect(complete('okta-m2m scim-token e')).toBe('encode');
      expect(complete('okta-m2m scim-token encode --client-s').split(' ').sort()).toEqual(['--client-secret', '--client-secret-stdin']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('zsh and fish scripts name the commands; an unknown shell is a usage error', async () => {
    expect((await spawnCli(['completion', 'zsh'])).stdout).toContain('#compdef okta-m2m');
    expect((await spawnCli(['completion', 'fish'])).stdout).toMatch(/complete -c okta-m2m -n '__fish_use_subcommand' -a scim-token/);
    const bad = await spawnCli(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
  });
});
