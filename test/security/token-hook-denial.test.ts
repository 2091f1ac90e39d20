/**
 * The token hook denies what it should. First the built handler on its own: the shared secret (compared with
 * crypto.timingSafeEqual over fixed-length digests, so any length is refused without throwing) and every way an
 * assertion can be bad. Then end to end: the Okta emulator calls the built hook (served from the built zip with
 * serveHandler) during real client-credentials requests carrying ?assertion= on the token URL, and only a valid
 * assertion from the trusted issuer yields a patched token.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTemplate } from '../../src/lambda/build.js';
import { serveHandler, type ServeHandle } from '../../src/lambda/serve.js';
import { readZip } from '../../src/lambda/zip.js';
import {
  provisionClientCredentials,
  startEmulator,
  type ClientCredentialsFixture,
  type EmulatorHandle,
} from '../../src/emulator/okta/index.js';
import { api, repoRoot, tokenHookBody } from '../support/index.js';
import { tokenHookWithKeys } from '../support/template-handlers.js';
import { buildAndLoad, json, listen, makeEvent, setEnv, type Handler, type Local } from '../support/templates.js';

const HOOK_SECRET = 'denial-hook-secret-Nn5Bb6';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function deniedSummary(res: { statusCode: number; body?: string }): string {
  expect(res.statusCode).toBe(200);
  const body = JSON.parse(res.body ?? '{}') as { commands?: unknown; error?: { errorSummary?: string } };
  expect(body.commands, 'a denial carries no patch').toBeUndefined();
  expect(typeof body.error?.errorSummary).toBe('string');
  return body.error!.errorSummary!;
}

describe('the shared secret', () => {
  it('is compared with crypto.timingSafeEqual, over digests of equal length, in the source and in the bundle', () => {
    const source = readFileSync(join(repoRoot, 'templates', 'token-hook', 'handler.ts'), 'utf8');
    const fn = /function secretMatches\([^)]*\)[^{]*\{([\s\S]*?)\n\}/.exec(source)?.[1] ?? '';
    expect(fn).toMatch(/timingSafeEqual\(\s*digest\(/);
    // No short-circuit comparison of the secret anywhere.
    expect(source).not.toMatch(/(presented|secret)\s*[!=]==?\s*(secret|presented)\b/);
    expect(source).toMatch(/secretMatches\(header\(event, authHeader\), secret\)/);
  });

  describe('on the built handler', () => {
    let handler: Handler;
    let restore: () => void;
    beforeAll(async () => {
      ({ handler } = await buildAndLoad('token-hook'));
      restore = setEnv({
        HOOK_SECRET,
        HOOK_AUTH_HEADER: undefined,
        ISSUER: 'https://issuer.example/oauth2/default',
        AUDIENCE: 'api://a',
        JWKS_URL: 'https://issuer.example/keys',
        POLICY: JSON.stringify({ '*': ['*'] }),
      });
      vi.spyOn(console, 'log').mockImplementation(() => undefined);
    }, 60_000);
    afterAll(() => {
      vi.restoreAllMocks();
      restore();
    });

    it('refuses secrets of every length, and near misses, with 401 and no body, never throwing', async () => {
      const candidates = [
        '',
        ' ',
        HOOK_SECRET.slice(0, 1),
        HOOK_SECRET.slice(0, -1),
        `${HOOK_SECRET} `,
        ` ${HOOK_SECRET}`,
        `${HOOK_SECRET}\u0000`,
        HOOK_SECRET.toUpperCase(),
        `${HOOK_SECRET}${HOOK_SECRET}`,
        'x'.repeat(100_000),
        // Same number of characters, different number of bytes.
        'é'.repeat(HOOK_SECRET.length),
        `Bearer ${HOOK_SECRET}`,
        `Basic ${Buffer.from(HOOK_SECRET).toString('base64')}`,
      ];
      for (const presented of candidates) {
        const res = await handler(
          makeEvent({ method: 'POST', path: '/', headers: { authorization: presented }, body: '{}' }),
        );
        expect(res.statusCode, JSON.stringify(presented.slice(0, 20))).toBe(401);
        expect(res.body).toBe('');
      }
      // Headers of the wrong type, or absent.
      for (const headers of [{}, { authorization: 42 }, { authorization: [HOOK_SECRET] }, null]) {
        const event = { ...makeEvent({ method: 'POST', path: '/', body: '{}' }), headers };
        expect((await handler(event)).statusCode).toBe(401);
      }
      // The right one passes authentication (and is then judged on its body).
      const ok = await handler(
        makeEvent({ method: 'POST', path: '/', headers: { authorization: HOOK_SECRET }, body: '{}' }),
      );
      expect(ok.statusCode).toBe(200);
    });
  });
});

describe('assertions, on the built handler', () => {
  let handler: Handler;
  let idp: Local;
  let restore: () => void;
  let key: CryptoKey;
  let ecKey: CryptoKey;
  let other: CryptoKey;
  let jwk: JWK;
  const ISSUER_PATH = '/oauth2/default';
  let issuer: string;

  beforeAll(async () => {
    const loaded = await tokenHookWithKeys({ rsa: 'k1', ec: 'e1' });
    handler = loaded.handler;
    key = loaded.rsa.privateKey;
    ecKey = loaded.ec.privateKey;
    other = loaded.other.privateKey;
    jwk = loaded.rsa.jwk;
    idp = await listen((_req, res) => json(res, 200, { keys: [jwk, loaded.ec.jwk] }));
    issuer = `${idp.url}${ISSUER_PATH}`;
    restore = setEnv({
      HOOK_SECRET,
      HOOK_AUTH_HEADER: undefined,
      ISSUER: issuer,
      AUDIENCE: 'api://a',
      JWKS_URL: `${idp.url}/keys`,
      POLICY: JSON.stringify({ 'client-b': ['b.read'] }),
      CARRY_CLAIMS: 'tenant,sub,scp',
      MAX_ASSERTION_AGE: '120',
      CLOCK_TOLERANCE: '5',
      REQUIRE_ASSERTION: undefined,
      ALLOW_INSECURE_LOOPBACK: '1',
    });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  }, 60_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    restore();
    await idp.close();
  });

  const sign = (
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
    signer?: CryptoKey,
  ): Promise<string> => {
    const base: Record<string, unknown> = {
      iss: issuer,
      aud: 'api://a',
      sub: 'api-a',
      iat: now(),
      exp: now() + 300,
      tenant: 't1',
      ...claims,
    };
    for (const [k, v] of Object.entries(base)) if (v === undefined) delete base[k];
    return new SignJWT(base).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header }).sign(signer ?? key);
  };
  const call = (assertion: string | undefined, opts: { client?: string; scope?: string } = {}) =>
    handler(
      makeEvent({
        method: 'POST',
        path: '/',
        headers: { authorization: HOOK_SECRET, 'content-type': 'application/json' },
        body: JSON.stringify({
          eventId: 'e1',
          data: {
            context: {
              request: {
                url: {
                  value: `https://o.example/oauth2/ausB/v1/token${assertion ? `?assertion=${encodeURIComponent(assertion)}` : ''}`,
                },
              },
              protocol: {
                request: { grant_type: 'client_credentials', scope: opts.scope ?? 'b.read' },
                client: { id: opts.client ?? 'client-b' },
              },
            },
          },
        }),
      }),
    );

  it('allows a good one, with an act claim and no reserved claim carried', async () => {
    const res = await call(await sign());
    const body = JSON.parse(res.body ?? '{}') as {
      commands: Array<{ value: Array<{ path: string; value: unknown }> }>;
    };
    const ops = body.commands[0]!.value;
    expect(ops.find((o) => o.path === '/claims/act')?.value).toMatchObject({ sub: 'api-a', iss: issuer });
    expect(ops.map((o) => o.path)).toEqual(['/claims/act', '/claims/tenant']);
  });

  const CASES: Array<[string, () => Promise<string>, RegExp]> = [
    [
      'alg none',
      async () =>
        `${b64({ alg: 'none', kid: 'k1' })}.${b64({ iss: issuer, aud: 'api://a', sub: 'x', iat: now(), exp: now() + 300 })}.`,
      /assertion rejected/,
    ],
    [
      'alg none, upper case',
      async () =>
        `${b64({ alg: 'NONE' })}.${b64({ iss: issuer, aud: 'api://a', sub: 'x', iat: now(), exp: now() + 300 })}.`,
      /assertion rejected/,
    ],
    [
      'HS256 keyed with the public key (key confusion)',
      async () =>
        new SignJWT({ iss: issuer, aud: 'api://a', sub: 'x', iat: now(), exp: now() + 300 })
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .sign(new TextEncoder().encode(JSON.stringify(jwk))),
      /algorithm not allowed/,
    ],
    ['the wrong key, claiming the right kid', async () => sign({}, {}, other), /bad signature/],
    ['a kid the issuer does not have', async () => sign({}, { kid: 'nope' }, other), /no matching key/],
    [
      'an EC key under an RSA kid',
      async () =>
        new SignJWT({ iss: issuer, aud: 'api://a', sub: 'x', iat: now(), exp: now() + 300 })
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .sign(ecKey),
      /assertion rejected/,
    ],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = (await sign()).split('.');
        return `${h}.${b64({ iss: issuer, aud: 'api://a', sub: 'admin', iat: now(), exp: now() + 300 })}.${s}`;
      },
      /bad signature/,
    ],
    ['the wrong issuer', async () => sign({ iss: 'https://evil.example/oauth2/default' }), /iss mismatch/],
    ['an issuer that only starts like ours', async () => sign({ iss: `${issuer}/../evil` }), /iss mismatch/],
    ['the wrong audience', async () => sign({ aud: 'api://b' }), /aud mismatch/],
    ['an audience list without ours', async () => sign({ aud: ['api://b', 'api://c'] }), /aud mismatch/],
    ['expired', async () => sign({ iat: now() - 100, exp: now() - 30 }), /expired/],
    ['not yet valid', async () => sign({ nbf: now() + 120 }), /not yet valid/],
    [
      'issued in the future (which would sidestep MAX_ASSERTION_AGE)',
      async () => sign({ iat: now() + 600, exp: now() + 900 }),
      /issued in the future/,
    ],
    ['no exp', async () => sign({ exp: undefined }), /assertion rejected/],
    ['no sub', async () => sign({ sub: undefined }), /assertion rejected/],
    ['no iat, with MAX_ASSERTION_AGE set', async () => sign({ iat: undefined }), /no iat/],
    [
      'replayed beyond policy (older than MAX_ASSERTION_AGE)',
      async () => sign({ iat: now() - 200, exp: now() + 300 }),
      /replayed beyond policy/,
    ],
    ['garbage', async () => 'not.a.jwt', /assertion rejected/],
    ['five parts (JWE-shaped)', async () => 'a.b.c.d.e', /assertion rejected/],
  ];
  it.each(CASES)('denies %s', async (_name, make, reason) => {
    expect(deniedSummary(await call(await make()))).toMatch(reason);
  });

  it('denies by policy before trusting the assertion: another client, a scope beyond the policy, no assertion', async () => {
    const good = await sign();
    expect(deniedSummary(await call(good, { client: 'client-z' }))).toMatch(/not allowed/);
    expect(deniedSummary(await call(good, { scope: 'b.read b.admin' }))).toMatch(/b\.admin/);
    expect(deniedSummary(await call(undefined))).toMatch(/no assertion/);
  });
});

describe('end to end: the emulator calls the built hook during real token requests', () => {
  let emu: EmulatorHandle;
  let served: ServeHandle;
  let outDir: string;
  /** API A: its tokens are the assertions. C: another authorization server, not trusted. */
  let apiA: ClientCredentialsFixture;
  let apiC: ClientCredentialsFixture;
  /** B's rule runs the hook with the right secret; D's with a wrong one. */
  let apiB: ClientCredentialsFixture;
  let apiD: ClientCredentialsFixture;
  let hookCalls = 0;

  const mint = async (f: ClientCredentialsFixture, query = '') => {
    const res = await fetch(`${f.tokenUrl}${query}`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${encodeURIComponent(f.clientId)}:${encodeURIComponent(f.clientSecret!)}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: f.scope }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const withAssertion = (assertion: string) => `?assertion=${encodeURIComponent(assertion)}`;

  beforeAll(async () => {
    // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
    emu = await startEmulator({ port: 0, rateLimits: 'off', seed: 3 });
    [apiA, apiC] = await Promise.all([
      provisionClientCredentials(emu.url, emu.adminToken, { scope: 'a.read', audience: 'api://a' }),
      provisionClientCredentials(emu.url, emu.adminToken, { scope: 'c.read', audience: 'api://c' }),
    ]);
    outDir = mkdtempSync(join(tmpdir(), 'okta-m2m-hook-e2e-'));
    const build = await buildTemplate('token-hook', { outDir });
    expect(Object.keys(readZip(new Uint8Array(readFileSync(build.zipPath))))).toContain('index.mjs');
    expect(new TextDecoder().decode(readZip(new Uint8Array(readFileSync(build.zipPath)))['index.mjs'])).toContain(
      'timingSafeEqual',
    );
    vi.spyOn(console, 'log').mockImplementation(() => void (hookCalls += 1));
    served = await serveHandler(build.zipPath, {
      env: {
        HOOK_SECRET,
        ISSUER: apiA.issuer,
        AUDIENCE: apiA.audience,
        JWKS_URL: `${apiA.issuer}/v1/keys`,
        POLICY: '{}',
        CARRY_CLAIMS: 'cid',
        ALLOW_INSECURE_LOOPBACK: '1',
        CLOCK_TOLERANCE: '0',
        MAX_ASSERTION_AGE: '600',
      },
      timeoutMs: 3000,
    });
    const register = async (name: string, secret: string) => {
      const res = await api(emu, 'POST', '/api/v1/inlineHooks', tokenHookBody(name, `${served.url}/`, secret));
      expect(res.status).toBe(200);
      return (res.body as { id: string }).id;
    };
    const [goodHook, badHook] = await Promise.all([
      register('obo', HOOK_SECRET),
      register('obo-wrong-secret', `${HOOK_SECRET}-not`),
    ]);
    [apiB, apiD] = await Promise.all([
      provisionClientCredentials(emu.url, emu.adminToken, {
        scope: 'b.read',
        audience: 'api://b',
        inlineHookId: goodHook,
      }),
      provisionClientCredentials(emu.url, emu.adminToken, {
        scope: 'd.read',
        audience: 'api://d',
        inlineHookId: badHook,
      }),
    ]);
    // B and D may act on behalf of others for their own scopes.
    process.env.POLICY = JSON.stringify({ [apiB.clientId]: ['b.read'], [apiD.clientId]: ['d.read'] });
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    await served?.stop();
    await emu?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("a valid assertion from A's authorization server: B's token carries act", async () => {
    const assertion = (await mint(apiA)).body.access_token as string;
    const before = hookCalls;
    const res = await mint(apiB, withAssertion(assertion));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(hookCalls).toBe(before + 1);
    const claims = decodeJwt(res.body.access_token);
    expect(claims.act).toMatchObject({ sub: apiA.clientId, iss: apiA.issuer, client_id: apiA.clientId });
    expect(claims.aud).toBe('api://b');
  });

  it('a bad assertion gets no token at all: another issuer, forged, tampered, alg none, garbage, none', async () => {
    const fromC = (await mint(apiC)).body.access_token as string;
    const real = (await mint(apiA)).body.access_token as string;
    const [h, p, s] = real.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { privateKey } = await generateKeyPair('RS256');
    const kid = (JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as { kid: string }).kid;
    const bad: Array<[string, string | undefined]> = [
      ['another authorization server (wrong issuer and audience)', fromC],
      [
        'signed by another key under the real kid',
        await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey),
      ],
      ['a tampered payload', `${h}.${b64({ ...claims, sub: 'admin' })}.${s}`],
      ['alg none', `${b64({ alg: 'none' })}.${p}.`],
      ['garbage', 'not.a.jwt'],
      ['no assertion', undefined],
    ];
    for (const [name, assertion] of bad) {
      const before = hookCalls;
      const res = await mint(apiB, assertion === undefined ? '' : withAssertion(assertion));
      expect(hookCalls, `${name}: the hook was called`).toBe(before + 1);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(400);
      // Okta: a hook's error answer fails the token request with 400 server_error (TokenHookResponse.error).
      expect(res.body.error, name).toBe('server_error');
      expect(res.body.access_token, name).toBeUndefined();
    }
  });

  it('an assertion replayed beyond MAX_ASSERTION_AGE is denied', async () => {
    const assertion = (await mint(apiA)).body.access_token as string;
    const restore = setEnv({ MAX_ASSERTION_AGE: '1' });
    try {
      await new Promise((r) => setTimeout(r, 2100));
      const res = await mint(apiB, withAssertion(assertion));
      expect(res.status).toBe(400);
      expect(res.body.error_description).toMatch(/replayed beyond policy/);
    } finally {
      restore();
    }
  });

  it('with the wrong shared secret, the hook refuses (401) and the token is not patched', async () => {
    const assertion = (await mint(apiA)).body.access_token as string;
    const before = hookCalls;
    const res = await mint(apiD, withAssertion(assertion));
    expect(hookCalls).toBe(before + 1);
    // Okta's rule for a non-200 answer: the token is issued unmodified, so without the act claim.
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).act).toBeUndefined();
  });
});
