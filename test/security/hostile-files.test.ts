/**
 * Hostile input that the CLI reads: damaged config and state files (truncated, wrong types, huge, not JSON at all)
 * under real commands, and arbitrary JWTs under `token decode`. Never a crash or a stack trace: a damaged file is a
 * clear error naming the file, with exit 2; a token is either shown (with terminal escapes neutralised) or refused
 * with exit 2.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaEmulator, orgWorkspace, type OrgWorkspace } from '../support/index.js';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';

const CRASH =
  /TypeError|ReferenceError|RangeError|SyntaxError|Cannot read properties|is not a function|is not iterable|undefined is not|\n\s+at .*:\d+:\d+/;

let emu: EmulatorHandle;
let ws: OrgWorkspace;
const PROFILE = 'hostile';

beforeAll(async () => {
  emu = await oktaEmulator();
  // The API token from the environment, and a keychain service of our own: nothing here touches a real keychain entry.
  ws = await orgWorkspace('hostile', {
    OKTA_M2M_API_TOKEN: emu.adminToken,
    OKTA_M2M_CLIENT_SECRET: 'hostile-client-secret',
    OKTA_M2M_KEYCHAIN_SERVICE: `okta-m2m-test-hostile-${process.pid}`,
  });
  ws.env.OKTA_M2M_PROFILE = PROFILE;
});
afterAll(async () => {
  await ws?.cleanup();
  await emu?.stop();
});

const profilesPath = () => join(ws.configDir, 'profiles.json');
const statePath = () => join(ws.dir, '.okta-m2m', 'state.json');
/** profiles.json and the project state with these contents. */
async function writeFiles(profiles: string, state: string): Promise<void> {
  await mkdir(ws.configDir, { recursive: true });
  await writeFile(profilesPath(), profiles);
  await mkdir(join(ws.dir, '.okta-m2m'), { recursive: true });
  await writeFile(statePath(), state);
}

const goodProfiles = () => ({
  version: 1,
  current: PROFILE,
  profiles: { [PROFILE]: { orgUrl: emu.url, authMode: 'ssws' } },
});
const goodState = () => ({
  version: 1,
  profiles: {
    [PROFILE]: {
      okta: {
        orgUrl: emu.url,
        appId: '0oa1',
        clientId: '0oa1client',
        authMethod: 'client_secret_basic',
        authServerId: 'aus1',
        issuer: `${emu.url}/oauth2/aus1`,
        tokenEndpoint: `${emu.url}/oauth2/aus1/v1/token`,
        audience: 'api://x',
        scopes: ['x:read'],
        scopeIds: { 'x:read': 'scp1' },
        policyId: '00p1',
        ruleId: '0pr1',
        spec: {
          name: 'x',
          audience: 'api://x',
          description: 'd',
          scopes: [{ name: 'x:read' }],
          authMethod: 'client_secret_basic',
          tokenLifetimeMinutes: 60,
          allClients: false,
        },
      },
    },
  },
});

/** Any JSON value, including the awkward ones. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, 0, -1, '', [], {}, true, '__proto__', { __proto__: null }),
);

/** A known-good document with one field (at any depth) replaced by a value of another type. */
function withWrongType(doc: unknown): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (path.length) paths.push(path);
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(doc, []);
  return fc.tuple(fc.constantFrom(...paths), anyJson).map(([path, replacement]) => {
    const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
    let at: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
    at[path[path.length - 1]!] = replacement;
    return copy;
  });
}

/** File contents: broken JSON, truncated good JSON, JSON of the wrong shape, JSON with one wrong type, binary. */
function contents(good: () => unknown): fc.Arbitrary<{ text: string; kind: string }> {
  const text = () => JSON.stringify(good(), null, 2);
  return fc.oneof(
    fc.nat({ max: 2000 }).map((n) => ({ text: text().slice(0, 1 + (n % (text().length - 1))), kind: 'truncated' })),
    anyJson.map((v) => ({ text: JSON.stringify(v) ?? 'null', kind: 'json' })),
    fc
      .constant(null)
      .chain(() => withWrongType(good()))
      .map((v) => ({ text: JSON.stringify(v), kind: 'wrong-type' })),
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ text: s, kind: 'binary' })),
    fc
      .constantFrom(
        '',
        '\u0000',
        '{"profiles":',
        '\ufeff{}',
        '{"a":1}{"b":2}',
        'null',
        '[]',
        '{"version":1,"profiles":[]}',
      )
      .map((s) => ({ text: s, kind: 'edge' })),
  );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const COMMANDS: string[][] = [
  ['profiles', 'list'],
  ['--json', 'profiles', 'list'],
  ['status', '--no-token'],
  ['--json', 'status'],
  ['token', 'get', '--no-cache'],
  ['init', '--dry-run', '--name', 'x', '--scope', 'x:read'],
  ['init', '--dry-run'],
  ['destroy', '--yes'],
  ['profiles', 'use', PROFILE],
  ['token', 'verify', 'a.b.c'],
];

async function runOn(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await ws.run(args);
  expect([0, 1, 2], `${args.join(' ')}\n${result.stderr}`).toContain(result.code);
  expect(result.stderr, args.join(' ')).not.toMatch(CRASH);
  expect(result.stdout, args.join(' ')).not.toMatch(CRASH);
  if (result.code !== 0) expectClearError(result.stderr, args.includes('--json'));
  return result;
}

/** A clear error: "error: ..." for a person, or with --json one JSON object {error: {code, message, ...}} as the last line. */
function expectClearError(stderr: string, json: boolean): void {
  if (!json) {
    expect(stderr).toMatch(/^error: /m);
    return;
  }
  const last = stderr.trimEnd().split('\n').pop() ?? '';
  const parsed = JSON.parse(last) as { error: { code: string; message: string } };
  expect(parsed.error.code).toMatch(/^ERR_[A-Z_]+$/);
  expect(parsed.error.message.length).toBeGreaterThan(0);
}

/**
 * 250 runs of the commands on a file `write` damages (seeded): `check` looks at each run; a run that calls a file
 * damaged exits 2; and the runs reached both refusals (exit 2) and real work (exit 0).
 */
async function damagedFileRuns(
  good: () => unknown,
  seed: number,
  write: (text: string) => Promise<void>,
  check: (text: string, kind: string, args: string[], result: Awaited<ReturnType<typeof runOn>>) => void,
): Promise<void> {
  const seen: Record<string, number> = {};
  await fc.assert(
    fc.asyncProperty(contents(good), fc.constantFrom(...COMMANDS), async ({ text, kind }, args) => {
      await write(text);
      const result = await runOn(args);
      seen[`${kind}:${result.code}`] = (seen[`${kind}:${result.code}`] ?? 0) + 1;
      check(text, kind, args, result);
      if (/damaged|not valid JSON|too large/.test(result.stderr)) expect(result.code).toBe(2);
    }),
    { numRuns: 250, seed },
  );
  expect(Object.keys(seen).some((k) => k.endsWith(':2'))).toBe(true);
  expect(Object.keys(seen).some((k) => k.endsWith(':0'))).toBe(true);
}

describe('damaged files under real commands', () => {
  it('profiles.json: truncated, wrong types, not JSON: a clear error and exit 2, never a crash', async () => {
    await damagedFileRuns(
      goodProfiles,
      1123,
      (text) => writeFiles(text, JSON.stringify(goodState())),
      (text, kind, _args, result) => {
        if (!isJson(text)) {
          expect(result.code, `${kind}: ${JSON.stringify(text.slice(0, 80))}\n${result.stderr}`).toBe(2);
          expect(result.stderr).toContain(profilesPath());
        }
      },
    );
  }, 120_000);

  it('.okta-m2m/state.json: truncated, wrong types, not JSON: a clear error and exit 2, never a crash', async () => {
    await damagedFileRuns(
      goodState,
      2311,
      (text) => writeFiles(JSON.stringify(goodProfiles()), text),
      (text, kind, args, result) => {
        const readsState = !(args[0] === 'profiles' || args[1] === 'profiles');
        if (!isJson(text) && readsState) {
          expect(result.code, `${kind} ${args.join(' ')}: ${JSON.stringify(text.slice(0, 80))}\n${result.stderr}`).toBe(
            2,
          );
          expect(result.stderr).toContain(statePath());
        }
      },
    );
  }, 120_000);

  it('huge files (over 1 MiB) and files that are folders are refused, not read into memory or crashed on', async () => {
    const huge = `{"version":1,"profiles":{"${PROFILE}":{"orgUrl":"${emu.url}","pad":"${'x'.repeat(2 * 1024 * 1024)}"}}}`;
    await writeFile(profilesPath(), huge);
    for (const args of [['profiles', 'list'], ['status'], ['token', 'get']]) {
      const result = await runOn(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/too large/);
    }
    await writeFile(profilesPath(), JSON.stringify(goodProfiles()));
    await writeFile(statePath(), huge);
    for (const args of [['status'], ['token', 'get'], ['destroy', '--yes'], ['init', '--dry-run']]) {
      const result = await runOn(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/too large/);
    }
  });
});

describe('token decode on hostile tokens', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  // Strings with terminal escapes, bidi overrides, line separators and lone surrogates.
  const nasty = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '\u001b[2J\u001b[31mowned',
      '\u001b]0;title\u0007',
      '\u009b31m',
      '\u202eevil',
      'a\u2028b',
      '\ud800',
      '\r\nerror: fake',
      '',
    ),
  );
  const claimValue = fc.oneof(
    nasty,
    fc.jsonValue({ maxDepth: 2 }),
    fc.double(),
    fc.constantFrom(1e308, -1, 0, 2 ** 53, Number.MAX_SAFE_INTEGER),
  );
  const claims = fc.dictionary(
    fc.oneof(
      nasty,
      fc.constantFrom('exp', 'iat', 'nbf', 'auth_time', 'scp', 'scope', 'aud', 'sub', '__proto__', 'constructor'),
    ),
    claimValue,
    { maxKeys: 8 },
  );
  const jwtLike = fc.oneof(
    // Structurally a JWT with arbitrary JSON (objects or not) inside.
    fc
      .tuple(
        fc.oneof(claims, fc.jsonValue({ maxDepth: 2 })),
        fc.oneof(claims, fc.jsonValue({ maxDepth: 2 })),
        fc.string({ maxLength: 20 }),
      )
      .map(([h, c, s]) => `${b64(JSON.stringify(h) ?? '')}.${b64(JSON.stringify(c) ?? '')}.${b64(s)}`),
    // Arbitrary bytes in base64url parts, wrong part counts, garbage and huge input.
    fc
      .array(fc.string({ unit: 'binary', maxLength: 30 }).map(b64), { minLength: 0, maxLength: 6 })
      .map((parts) => parts.join('.')),
    fc.string({ maxLength: 200 }),
    fc.constantFrom(
      'Bearer ',
      'bearer a.b.c',
      '...',
      'a..b',
      `${b64('{"alg":"none"}')}.${b64('{}')}.`,
      `${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`,
    ),
  );

  it('shows what it can read with escapes neutralised, refuses the rest with exit 2, never crashes', async () => {
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(jwtLike, fc.boolean(), fc.boolean(), async (token, json, viaStdin) => {
        const args = [...(json ? ['--json'] : []), 'token', 'decode', viaStdin ? '-' : token];
        const result = await ws.run(args, viaStdin ? token : '');
        codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
        expect([0, 2], result.stderr).toContain(result.code);
        expect(result.stderr).not.toMatch(CRASH);
        // No escape sequence reaches the terminal, in either mode; the human rendering escapes every control character.
        // eslint-disable-next-line no-control-regex -- asserts that no control character (terminal escape) got through
        expect(result.stdout).not.toMatch(/\u001b|\u009b/);
        // eslint-disable-next-line no-control-regex -- asserts that no control character (terminal escape) got through
        expect(result.stderr).not.toMatch(/\u001b|\u009b/);
        // eslint-disable-next-line no-control-regex -- asserts that no control character (terminal escape) got through
        if (!json) expect(result.stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        if (result.code === 0 && json) {
          const parsed = JSON.parse(result.stdout) as { signatureVerified: boolean };
          expect(parsed.signatureVerified).toBe(false);
        }
        if (result.code === 2 && !json) expect(result.stderr).toMatch(/^error: .*\n(hint: .*\n)?$/);
        if (result.code === 2 && json)
          expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'ERR_USAGE' } });
      }),
      { numRuns: 400, seed: 4242 },
    );
    expect(codes.get(0) ?? 0).toBeGreaterThan(20);
    expect(codes.get(2) ?? 0).toBeGreaterThan(20);
  }, 120_000);
});
