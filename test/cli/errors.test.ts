import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  AuthError,
  CliError,
  ConflictError,
  ERROR_CODES,
  InterruptedError,
  NotFoundError,
  RemoteError,
  SecretStoreError,
  UsageError,
  errorDocument,
  exitCodeOf,
  remoteCodeOf,
} from '../../src/errors.js';
import { runCliInProcess, tempDir } from '../support/index.js';

// Error codes (docs/ci.md "Error codes"): a stable code on every error, the remote's code carried through, and with
// --json one JSON object on stderr.

describe('error codes', () => {
  it('each kind has its code and exit code', () => {
    const cases: Array<[CliError, string, number]> = [
      [new UsageError('x'), 'ERR_USAGE', 2],
      [new AuthError('x'), 'ERR_AUTH', 1],
      [new NotFoundError('x'), 'ERR_NOT_FOUND', 1],
      [new ConflictError('x'), 'ERR_CONFLICT', 1],
      [new RemoteError('x'), 'ERR_REMOTE', 1],
      [new RemoteError('x', { status: 429 }), 'ERR_RATE_LIMITED', 1],
      [new SecretStoreError('x'), 'ERR_KEYCHAIN', 1],
      [new InterruptedError(), 'ERR_INTERRUPTED', 130],
      [new CliError('x'), 'ERR_FAILED', 1],
      [new CliError('x', { code: 'ERR_USAGE' }), 'ERR_USAGE', 2],
    ];
    for (const [error, code, exit] of cases) {
      expect(error.code).toBe(code);
      expect(exitCodeOf(error)).toBe(exit);
      expect(ERROR_CODES).toContain(error.code);
    }
    expect(exitCodeOf(new Error('a bug'))).toBe(1);
    expect(errorDocument(new Error('a bug')).error.code).toBe('ERR_INTERNAL');
  });

  it("the remote's code comes from the cause: Okta's errorCode, an error body's, the AWS error name", () => {
    const okta = Object.assign(new Error('Okta HTTP 401'), {
      name: 'OktaApiError',
      status: 401,
      errorCode: 'E0000011',
    });
    expect(new AuthError('rejected', { cause: okta }).remoteCode).toBe('E0000011');
    const auth0 = Object.assign(new Error('Not Found'), { statusCode: 404, body: { errorCode: 'inexistent_client' } });
    expect(new NotFoundError('gone', { cause: auth0 }).remoteCode).toBe('inexistent_client');
    const aws = Object.assign(new Error('denied'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    expect(new AuthError('denied', { cause: new Error('wrapped', { cause: aws }) }).remoteCode).toBe(
      'AccessDeniedException',
    );
    expect(remoteCodeOf(new Error('plain'))).toBeUndefined();
    expect(new AuthError('x', { remoteCode: 'E0000006', cause: okta }).remoteCode).toBe('E0000006');
  });
});

/** The error on stderr: its last line, one JSON object, and no other error text (progress lines may precede it). */
function onlyJson(stderr: string): { error: Record<string, unknown> } {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines.length, stderr).toBeGreaterThan(0);
  expect(
    lines.slice(0, -1).filter((line) => line.startsWith('{') || /^(error|hint):/.test(line)),
    stderr,
  ).toEqual([]);
  return JSON.parse(lines[lines.length - 1]!) as { error: Record<string, unknown> };
}

describe('--json errors', () => {
  it('a usage error from commander is one JSON object, alone on stderr, exit 2, stdout empty', async () => {
    for (const args of [
      ['--json', 'bogus'],
      ['--json', 'init', '--bogus'],
      ['scim-token', 'encode', '--client-id', 'x', '--json'],
    ]) {
      const result = await runCliInProcess(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      const { error } = onlyJson(result.stderr);
      expect(error).toMatchObject({
        code: 'ERR_USAGE',
        hint: 'Add --help for usage.',
        requestId: null,
        remoteCode: null,
      });
      expect(error.message).toMatch(/^(unknown|required)/);
    }
  });

  it("a command's own error keeps its message and hint", async () => {
    const result = await runCliInProcess(['--json', 'scim-token', 'decode', 'bm90IGpzb24=']);
    expect(result.code).toBe(2);
    expect(onlyJson(result.stderr)).toEqual({
      error: {
        code: 'ERR_USAGE',
        message: 'Invalid bridge token: the bridge token does not decode to JSON.',
        hint: 'Make one with "okta-m2m scim-token encode".',
        requestId: null,
        remoteCode: null,
      },
    });
  });

  it('without --json the same error is the two lines it always was', async () => {
    const result = await runCliInProcess(['scim-token', 'decode', 'bm90IGpzb24=']);
    expect(result.stderr.trim().split('\n')).toEqual([
      'error: Invalid bridge token: the bridge token does not decode to JSON.',
      'hint: Make one with "okta-m2m scim-token encode".',
    ]);
  });

  describe('against the emulator (a real Okta error over HTTP)', () => {
    let emu: EmulatorHandle;
    beforeAll(async () => {
      // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
      emu = await startEmulator({ port: 0, rateLimits: 'off' });
    });
    afterAll(async () => emu?.stop());

    it("carries Okta's errorCode and X-Okta-Request-Id", async () => {
      const cwd = await tempDir();
      await mkdir(join(cwd, '.config'), { recursive: true });
      await writeFile(
        join(cwd, '.config', 'profiles.json'),
        JSON.stringify({
          version: 1,
          current: 'default',
          profiles: { default: { orgUrl: emu.url, authMode: 'ssws' } },
        }),
      );
      const result = await runCliInProcess(
        ['--json', 'init', '--name', 'orders-api', '--scope', 'orders:read', '--dry-run'],
        {
          cwd,
          env: { OKTA_M2M_API_TOKEN: 'not-the-admin-token' },
        },
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const { error } = onlyJson(result.stderr);
      expect(error).toMatchObject({ code: 'ERR_AUTH', remoteCode: 'E0000011' });
      expect(error.requestId).toEqual(expect.stringMatching(/\S{6,}/));
      expect(JSON.stringify(error)).not.toContain('not-the-admin-token');
    });
  });
});
