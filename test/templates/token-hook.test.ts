// The token-hook template, run as deployed (bundled index.mjs from the built zip), against assertions signed
// with jose and a JWKS served on 127.0.0.1.

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SignJWT, type CryptoKey, type JWK } from 'jose';
import { tokenHookWithKeys } from '../support/template-handlers.js';
import { json, listen, makeEvent, setEnv, type Handler, type Local } from '../support/templates.js';

const HOOK_SECRET = 'hook-shared-secret-Kx81';
const AUDIENCE = 'api://api-a';
let handler: Handler;
let idp: Local;
let issuer: string;
let rsa: { privateKey: CryptoKey; jwk: JWK };
let ec: { privateKey: CryptoKey; jwk: JWK };
let other: { privateKey: CryptoKey };
let jwksHits = 0;
let discoveryHits = 0;
let restoreEnv: () => void;
let logs: string[] = [];

beforeAll(async () => {
  ({ handler, rsa, ec, other } = await tokenHookWithKeys({ rsa: 'rsa-1', ec: 'ec-1' }));
  idp = await listen((req, res) => {
    if (req.url === '/oauth2/default/v1/keys') {
      jwksHits += 1;
      return json(res, 200, { keys: [rsa.jwk, ec.jwk] });
    }
    if (req.url === '/oauth2/default/.well-known/oauth-authorization-server') {
      discoveryHits += 1;
      return json(res, 200, {
        issuer,
        jwks_uri: `${idp.url}/oauth2/default/v1/keys`,
        token_endpoint: `${issuer}/v1/token`,
      });
    }
    json(res, 404, {});
  });
  issuer = `${idp.url}/oauth2/default`;
  restoreEnv = setEnv({
    HOOK_SECRET,
    HOOK_AUTH_HEADER: undefined,
    ISSUER: issuer,
    AUDIENCE,
    JWKS_URL: `${idp.url}/oauth2/default/v1/keys`,
    POLICY: JSON.stringify({ 'client-a': ['api-b.read', 'api-b.write'], 'client-star': ['*'] }),
    CARRY_CLAIMS: 'tenant,scp,department',
    MAX_ASSERTION_AGE: undefined,
    REQUIRE_ASSERTION: undefined,
    ALLOW_INSECURE_LOOPBACK: '1',
  });
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map(String).join(' '));
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  restoreEnv();
  await idp.close();
});

beforeEach(() => {
  logs = [];
});

const now = () => Math.floor(Date.now() / 1000);

async function sign(
  claims: Record<string, unknown> = {},
  opts: { alg?: 'RS256' | 'ES256'; key?: CryptoKey; kid?: string } = {},
) {
  const alg = opts.alg ?? 'RS256';
  const key = opts.key ?? (alg === 'ES256' ? ec.privateKey : rsa.privateKey);
  return new SignJWT({ cid: 'client-api-a', tenant: 't-42', scp: ['x'], ...claims })
    .setProtectedHeader({ alg, kid: opts.kid ?? (alg === 'ES256' ? 'ec-1' : 'rsa-1') })
    .setIssuer((claims.iss as string | undefined) ?? issuer)
    .setAudience((claims.aud as string | undefined) ?? AUDIENCE)
    .setSubject((claims.sub as string | undefined) ?? 'client-api-a')
    .setIssuedAt((claims.iat as number | undefined) ?? now())
    .setExpirationTime((claims.exp as number | undefined) ?? now() + 300)
    .sign(key);
}

function hookBody(assertion: string | undefined, opts: { client?: string; scope?: string; inProtocol?: boolean } = {}) {
  const url = `https://example.okta.com/oauth2/aus-b/v1/token${assertion && !opts.inProtocol ? `?assertion=${encodeURIComponent(assertion)}` : ''}`;
  const request: Record<string, unknown> = { grant_type: 'client_credentials', scope: opts.scope ?? 'api-b.read' };
  if (assertion && opts.inProtocol) request.assertion = assertion;
  return {
    eventType: 'com.okta.oauth2.tokens.transform',
    eventId: 'evt-123',
    data: {
      context: {
        request: { id: 'r1', method: 'POST', url: { value: url }, ipAddress: '203.0.113.1' },
        protocol: {
          type: 'OAUTH2.0',
          request,
          issuer: { uri: 'https://example.okta.com/oauth2/aus-b' },
          client: { id: opts.client ?? 'client-a', name: 'API A', type: 'PUBLIC' },
        },
      },
      access: { claims: { sub: 'client-a' }, scopes: { 'api-b.read': { id: 's1', action: 'GRANT' } } },
    },
  };
}

async function callHook(body: unknown, headers: Record<string, string> = { authorization: HOOK_SECRET }) {
  return handler(
    makeEvent({
      method: 'POST',
      path: '/',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    }),
  );
}

function commands(res: { statusCode: number; body?: string }) {
  expect(res.statusCode).toBe(200);
  const b = JSON.parse(res.body ?? '') as {
    commands?: { type: string; value: { op: string; path: string; value: unknown }[] }[];
    error?: unknown;
  };
  expect(b.error).toBeUndefined();
  return b.commands!;
}

function denied(res: { statusCode: number; body?: string }): string {
  expect(res.statusCode).toBe(200);
  const b = JSON.parse(res.body ?? '') as { commands?: unknown; error?: { errorSummary: string } };
  expect(b.commands).toBeUndefined();
  expect(typeof b.error?.errorSummary).toBe('string');
  return b.error!.errorSummary;
}

describe('token-hook allows', () => {
  it('adds an act claim and carries listed claims for a valid assertion', async () => {
    const assertion = await sign();
    const cmds = commands(await callHook(hookBody(assertion)));
    expect(cmds).toEqual([
      {
        type: 'com.okta.access.patch',
        value: [
          { op: 'add', path: '/claims/act', value: { sub: 'client-api-a', iss: issuer, client_id: 'client-api-a' } },
          { op: 'add', path: '/claims/tenant', value: 't-42' },
          // scp is reserved by Okta: never patched; department absent from the assertion: skipped.
        ],
      },
    ]);
  });

  it('reads protocol.request.assertion, accepts ES256, nests an existing act', async () => {
    const assertion = await sign({ act: { sub: 'first-hop' }, cid: undefined }, { alg: 'ES256' });
    const cmds = commands(await callHook(hookBody(assertion, { inProtocol: true })));
    expect(cmds[0]!.value[0]).toEqual({
      op: 'add',
      path: '/claims/act',
      value: { sub: 'client-api-a', iss: issuer, act: { sub: 'first-hop' } },
    });
  });

  it("honours '*' in the policy and HOOK_AUTH_HEADER", async () => {
    const restore = setEnv({ HOOK_AUTH_HEADER: 'X-Hook-Key' });
    try {
      const res = await callHook(hookBody(await sign(), { client: 'client-star', scope: 'anything at.all' }), {
        'x-hook-key': HOOK_SECRET,
      });
      expect(commands(res)).toHaveLength(1);
      expect((await callHook(hookBody(await sign()), { authorization: HOOK_SECRET })).statusCode).toBe(401);
    } finally {
      restore();
    }
  });

  it('discovers the JWKS from the issuer when JWKS_URL is unset, and caches it', async () => {
    const restore = setEnv({ JWKS_URL: undefined });
    try {
      const d0 = discoveryHits;
      const j0 = jwksHits;
      for (let i = 0; i < 3; i++) commands(await callHook(hookBody(await sign())));
      expect(discoveryHits - d0).toBe(1);
      expect(jwksHits - j0).toBeLessThanOrEqual(1);
    } finally {
      restore();
    }
  });

  it('passes requests without an assertion when REQUIRE_ASSERTION=false', async () => {
    const restore = setEnv({ REQUIRE_ASSERTION: 'false' });
    try {
      const res = await callHook(hookBody(undefined));
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
    } finally {
      restore();
    }
  });
});

describe('token-hook denies', () => {
  it('401 with no body for a wrong or missing shared secret', async () => {
    for (const headers of [
      { authorization: 'wrong' },
      {} as Record<string, string>,
      { authorization: `${HOOK_SECRET}x` },
      { authorization: HOOK_SECRET.slice(0, -1) },
    ]) {
      const res = await callHook(hookBody(await sign()), headers);
      expect(res.statusCode).toBe(401);
      expect(res.body).toBe('');
    }
  });

  it('refuses wrong issuer, wrong audience, expired, not yet valid, future iat', async () => {
    expect(denied(await callHook(hookBody(await sign({ iss: 'https://evil.example/oauth2/default' }))))).toMatch(/iss/);
    expect(denied(await callHook(hookBody(await sign({ aud: 'api://other' }))))).toMatch(/aud/);
    expect(denied(await callHook(hookBody(await sign({ iat: now() - 600, exp: now() - 60 }))))).toMatch(/expired/);
    const nbf = await new SignJWT({ nbf: now() + 120 })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(rsa.privateKey);
    expect(denied(await callHook(hookBody(nbf)))).toMatch(/not yet valid/);
  });

  it('refuses alg none, HS256, a bad signature and garbage', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const payload = { iss: issuer, aud: AUDIENCE, sub: 'x', iat: now(), exp: now() + 300 };
    const none = `${b64({ alg: 'none' })}.${b64(payload)}.`;
    expect(denied(await callHook(hookBody(none)))).toMatch(/assertion rejected/);
    const hs = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .sign(new TextEncoder().encode('k'.repeat(32)));
    expect(denied(await callHook(hookBody(hs)))).toMatch(/algorithm not allowed/);
    const forged = await sign({}, { key: other.privateKey });
    expect(denied(await callHook(hookBody(forged)))).toMatch(/bad signature/);
    const good = await sign();
    const [h, p] = good.split('.');
    const tampered = `${h}.${b64({ ...payload, sub: 'admin' })}.${good.split('.')[2]}`;
    expect(p).toBeDefined();
    expect(denied(await callHook(hookBody(tampered)))).toMatch(/bad signature/);
    expect(denied(await callHook(hookBody('not.a.jwt')))).toMatch(/assertion rejected/);
  });

  it('applies POLICY: unknown client, scope not granted, policy unset', async () => {
    expect(denied(await callHook(hookBody(await sign(), { client: 'client-z' })))).toMatch(/not allowed/);
    expect(denied(await callHook(hookBody(await sign(), { scope: 'api-b.read api-b.admin' })))).toMatch(/api-b\.admin/);
    const restore = setEnv({ POLICY: undefined });
    try {
      expect(denied(await callHook(hookBody(await sign())))).toBe('token hook is misconfigured');
    } finally {
      restore();
    }
    const restore2 = setEnv({ POLICY: '{not json' });
    try {
      expect(denied(await callHook(hookBody(await sign())))).toBe('token hook is misconfigured');
      // Still authenticates first.
      expect((await callHook(hookBody(await sign()), { authorization: 'nope' })).statusCode).toBe(401);
    } finally {
      restore2();
    }
  });

  it('denies a missing assertion by default and an old one beyond MAX_ASSERTION_AGE', async () => {
    expect(denied(await callHook(hookBody(undefined)))).toMatch(/no assertion/);
    const restore = setEnv({ MAX_ASSERTION_AGE: '60' });
    try {
      expect(denied(await callHook(hookBody(await sign({ iat: now() - 200 }))))).toMatch(/replayed beyond policy/);
      commands(await callHook(hookBody(await sign({ iat: now() - 10 }))));
    } finally {
      restore();
    }
  });

  it('fails closed without HOOK_SECRET', async () => {
    const restore = setEnv({ HOOK_SECRET: undefined });
    try {
      expect(denied(await callHook(hookBody(await sign())))).toBe('token hook is misconfigured');
    } finally {
      restore();
    }
  });

  it('logs one line per call with neither the assertion nor the secret', async () => {
    const assertion = await sign();
    await callHook(hookBody(assertion));
    await callHook(hookBody(assertion), { authorization: 'bad' });
    await callHook(hookBody(assertion, { client: 'client-z' }));
    expect(logs).toHaveLength(3);
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.decision)).toEqual(['allow', 'unauthenticated', 'deny']);
    expect(lines[0]).toMatchObject({
      service: 'token-hook',
      client: 'client-a',
      actor: 'client-api-a',
      status: 200,
      eventId: 'evt-123',
    });
    const all = logs.join('\n');
    expect(all).not.toContain(HOOK_SECRET);
    expect(all).not.toContain(assertion.split('.')[2]!);
    expect(all).not.toContain(assertion.split('.')[1]!);
  });
});
