import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempWorkspace } from '../support/index.js';
import { runInProcess } from '../support/index.js';

// Commands that return on their own; servers (emulator start, hook serve) and AWS calls (hook deploy) are left out.
const COMMANDS = [
  ['scim-token', 'encode'],
  ['scim-token', 'decode'],
  ['token', 'get'],
  ['token', 'decode'],
  ['token', 'verify'],
  ['profiles', 'list'],
  ['profiles', 'use'],
  ['profiles', 'remove'],
  ['logout'],
  ['completion'],
  ['login'],
  ['init'],
  ['destroy'],
  ['status'],
  ['auth0', 'init'],
  ['sync', 'auth0-role'],
  [],
];
const FLAGS = [
  '--json',
  '--debug',
  '--yes',
  '--no-input',
  '--no-color',
  '--profile',
  '--token-url',
  '--issuer',
  '--client-id',
  '--client-secret',
  '--client-secret-stdin',
  '--scope',
  '--audience',
  '--bridge-url',
  '--target',
  '--scim-path',
  '--show-secret',
  '--raw',
  '--curl',
  '--no-cache',
  '--org-url',
  '--api-token-stdin',
  '--name',
  '--token-lifetime',
  '--auth-method',
  '--dry-run',
  '--file',
  '--role',
  '--group',
  '--param',
  '--help',
  '-h',
  '--version',
  '--',
  '-',
];
// Values that can never name a reachable host other than a closed loopback port.
const VALUES = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '-',
    'x',
    '0',
    '-1',
    '1e309',
    'NaN',
    'http://127.0.0.1:9/',
    'https://127.0.0.1:9/t',
    'http://[::1]:9',
    '%%%',
    '../../../etc/passwd',
    '\u0000',
    '\u202e',
    'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    'a=b',
    '{"v":1}',
    'bm90IGpzb24=',
    'client_secret_basic',
    'a'.repeat(10_000),
  ),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019-_=+ \t$`"\'\\;|&<>(){}[]*?~!#@,'.split('')), maxLength: 40 }),
);
const ARGS = fc.tuple(
  fc.constantFrom(...COMMANDS),
  fc.array(fc.oneof(fc.constantFrom(...FLAGS), VALUES), { maxLength: 8 }),
  VALUES,
);

let ws: Awaited<ReturnType<typeof tempWorkspace>>;
beforeAll(async () => {
  ws = await tempWorkspace();
});
afterAll(() => ws.cleanup());

describe('hostile command lines', () => {
  it('never crash: exit 0, 1 or 2, no stack trace without --debug, one error line with a hint', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(ARGS, async ([command, rest, input]) => {
        const args = [...command, ...rest];
        const result = await runInProcess(args, { ...ws.env, NO_COLOR: '1' }, ws.dir, input);
        seen.set(result.code, (seen.get(result.code) ?? 0) + 1);
        expect([0, 1, 2]).toContain(result.code);
        if (!args.includes('--debug')) expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
        if (result.code !== 0) expect(result.stderr).toMatch(/error/);
        expect(result.stderr).not.toMatch(/TypeError|ReferenceError|Cannot read properties|undefined is not/);
      }),
      { numRuns: 300, seed: 20261123 },
    );
    // The runs reached real work, not only argument parsing: successes, failures and usage errors all occurred.
    expect(seen.get(0) ?? 0).toBeGreaterThan(5);
    expect(seen.get(1) ?? 0).toBeGreaterThan(5);
    expect(seen.get(2) ?? 0).toBeGreaterThan(5);
  }, 120_000);
});
