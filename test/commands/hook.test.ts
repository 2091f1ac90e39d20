import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, spawnCli, tempWorkspace } from '../support/index.js';

// `hook build` and `hook serve` through the built CLI (npm run build first), as a user runs them: no AWS at all.

let ws: Awaited<ReturnType<typeof tempWorkspace>>;
beforeAll(async () => {
  ws = await tempWorkspace('okta-m2m-hook-');
});
afterAll(() => ws.cleanup());

const cli = (args: string[]) => spawnCli(args, { env: ws.env, cwd: ws.dir, timeoutMs: 60_000 });

describe('okta-m2m hook build', () => {
  it('writes build/<template>.zip under the current directory and prints path, size and sha256 (--json)', async () => {
    const run = await cli(['--json', 'hook', 'build', 'token-hook']);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      zipPath: string;
      size: number;
      sha256: string;
      codeSha256: string;
      template: string;
    };
    expect(out.template).toBe('token-hook');
    expect(out.zipPath).toBe(join(ws.dir, 'build', 'token-hook.zip'));
    const bytes = await readFile(out.zipPath);
    expect(out.size).toBe(bytes.byteLength);
    expect(out.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(out.codeSha256).toBe(createHash('sha256').update(bytes).digest('base64'));

    // Deterministic: the same bytes again, also in the human form.
    const again = await cli(['hook', 'build', 'token-hook', '--out-dir', 'other']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(join(ws.dir, 'other', 'token-hook.zip'));
    expect(again.stdout).toMatch(new RegExp(`sha256:\\s+${out.sha256}`));
  });

  it('an unknown template is a usage error naming the known ones', async () => {
    const run = await cli(['hook', 'build', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('scim-bridge');
  });

  it('needs no AWS or Okta SDK: hook --help and hook build load neither', async () => {
    const help = await cli(['hook', '--help']);
    expect(help.code).toBe(0);
    for (const sub of ['build', 'serve', 'deploy', 'remove']) expect(help.stdout).toContain(sub);
    const log = join(ws.dir, 'imports.log');
    const run = await spawnCli(['hook', 'build', 'scim-bridge'], {
      env: { ...ws.env, IMPORT_LOG: log },
      cwd: ws.dir,
      nodeArgs: ['--import', join(repoRoot, 'test', 'support', 'record-imports.mjs')],
      timeoutMs: 60_000,
    });
    expect(run.code).toBe(0);
    const loaded = await readFile(log, 'utf8');
    // The templates were bundled and zipped by npm run build: the installed CLI never loads esbuild.
    expect(loaded).not.toContain('node_modules/esbuild/');
    expect(loaded).not.toContain('@aws-sdk');
    expect(loaded).not.toContain('@okta/okta-sdk-nodejs');
  });
});

describe('okta-m2m hook serve', () => {
  it('serves the built token-hook on a local URL until Ctrl-C', async () => {
    const secret = 'serve-test-secret-value-0123';
    const child = spawn(
      process.execPath,
      [
        cliPath,
        'hook',
        'serve',
        'token-hook',
        '--port',
        '0',
        '--env',
        `HOOK_SECRET=${secret}`,
        '--env',
        'REQUIRE_ASSERTION=false',
        '--env',
        'ISSUER=https://issuer.example.com',
        '--env',
        'AUDIENCE=api://x',
        '--env',
        'POLICY={}',
      ],
      { cwd: ws.dir, env: { ...process.env, ...ws.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 30_000);
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          const match = /^(http:\/\/127\.0\.0\.1:\d+)\s*$/m.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.on('close', () => reject(new Error(`exited early; stderr: ${stderr}`)));
      });
      // Okta's call with the shared secret passes (no assertion required here: 204); without it, 401.
      const payload = JSON.stringify({
        eventType: 'com.okta.oauth2.tokens.transform',
        data: { context: { protocol: { request: {} } } },
      });
      const ok = await fetch(url, {
        method: 'POST',
        headers: { Authorization: secret, 'Content-Type': 'application/json' },
        body: payload,
      });
      expect(ok.status).toBe(204);
      const denied = await fetch(url, {
        method: 'POST',
        headers: { Authorization: 'wrong', 'Content-Type': 'application/json' },
        body: payload,
      });
      expect(denied.status).toBe(401);
      expect(stderr).toContain('Ctrl-C');
      expect(stdout + stderr).not.toContain(secret);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('a bad --env is a usage error', async () => {
    const run = await cli(['hook', 'serve', 'token-hook', '--env', 'NOEQUALS']);
    expect(run.code).toBe(2);
  });
});
