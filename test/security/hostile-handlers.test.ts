/**
 * Property tests that reach deeper into the Lambda handlers than test/templates/property.test.ts: there the
 * assertions are never validly signed and the bridge's forwarded requests are not inspected. Here:
 * - the token hook gets VALIDLY SIGNED assertions with arbitrary claims (and a hostile CARRY_CLAIMS): it never
 *   crashes, and a patch only ever adds /claims/act and /claims/<safe, non-reserved name>;
 * - the bridge gets arbitrary headers (CR/LF, NUL, Host, X-Forwarded-*, cookies, authorization in any casing) and
 *   paths: what reaches the upstream never carries Okta's bridge token or its secret, never a control character in
 *   a header, and always goes to the allowlisted host.
 */
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { allowlistedServers, useTemplateHandlers } from '../support/template-handlers.js';
import { bridgeToken, json, makeEvent, type Local } from '../support/templates.js';

const HOOK_SECRET = 'hostile-hook-secret';
const RESERVED = [
  'act',
  'amr',
  'aud',
  'auth_time',
  'cid',
  'client_id',
  'exp',
  'iat',
  'idp',
  'iss',
  'jti',
  'nbf',
  'scp',
  'sub',
  'uid',
  'ver',
  'at_hash',
  'c_hash',
  'nonce',
  'token_type',
  'scope',
];

let trap: Local;
let trapHits = 0;
let key: CryptoKey;
const t = useTemplateHandlers(['scim-bridge', 'token-hook'], async (handlers) => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  const idp = await handlers.listen((_req, res) => json(res, 200, { keys: [jwk] }));
  trap = await handlers.listen((_req, res) => {
    trapHits += 1;
    json(res, 200, {});
  });
  return {
    ...allowlistedServers(handlers),
    HOOK_SECRET,
    HOOK_AUTH_HEADER: undefined,
    ISSUER: 'https://issuer.example/oauth2/default',
    AUDIENCE: 'api://a',
    JWKS_URL: `${idp.url}/keys`,
    POLICY: JSON.stringify({ '*': ['*'] }),
    // Hostile on purpose: reserved claims, path tricks, JSON-pointer escapes, empty entries.
    CARRY_CLAIMS: 'tenant,sub,act,scp,../x,a/b,~1,claims/act,__proto__,,dept',
    MAX_ASSERTION_AGE: undefined,
    REQUIRE_ASSERTION: undefined,
  };
});

const anyClaim = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(null, {}, [], '\u0000', '../', 1e308),
);
const claimName = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(...RESERVED, 'tenant', 'dept', '../x', 'a/b', '~1', '__proto__', 'constructor'),
);

describe('token hook, validly signed assertions with arbitrary claims', () => {
  it('never crashes; a patch adds only /claims/act and safe, non-reserved carried claims', async () => {
    const now = Math.floor(Date.now() / 1000);
    let allowed = 0;
    let denied = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(claimName, anyClaim, { maxKeys: 8 }),
        fc.oneof(fc.constant('api-a'), fc.string({ maxLength: 20 })),
        fc.oneof(fc.constant(undefined), anyClaim),
        fc.oneof(fc.constant('b.read'), fc.string({ maxLength: 40 }), fc.constant(undefined)),
        fc.oneof(fc.constant('client-b'), fc.string({ maxLength: 20 })),
        async (extra, sub, act, scope, client) => {
          const claims: Record<string, unknown> = {
            ...extra,
            iss: 'https://issuer.example/oauth2/default',
            aud: 'api://a',
            sub,
            iat: now,
            exp: now + 300,
          };
          if (act !== undefined) claims.act = act;
          const assertion = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
          const res = await t.hook(
            makeEvent({
              method: 'POST',
              path: '/',
              headers: { authorization: HOOK_SECRET },
              body: JSON.stringify({
                data: {
                  context: {
                    request: { url: { value: `https://o.example/oauth2/aus/v1/token?assertion=${assertion}` } },
                    protocol: { request: scope === undefined ? {} : { scope }, client: { id: client } },
                  },
                },
              }),
            }),
          );
          expect(res.statusCode).toBe(200);
          const body = JSON.parse(res.body ?? '{}') as {
            commands?: Array<{ type: string; value: Array<{ op: string; path: string; value: unknown }> }>;
            error?: { errorSummary: string };
          };
          if (body.error) {
            denied += 1;
            expect(body.commands).toBeUndefined();
            expect(typeof body.error.errorSummary).toBe('string');
            return;
          }
          allowed += 1;
          expect(body.commands).toHaveLength(1);
          const ops = body.commands![0]!.value;
          expect(body.commands![0]!.type).toBe('com.okta.access.patch');
          expect(ops[0]!.path).toBe('/claims/act');
          for (const op of ops) {
            expect(op.op).toBe('add');
            expect(op.path).toMatch(/^\/claims\/[A-Za-z0-9_.:-]{1,64}$/);
            const name = op.path.slice('/claims/'.length);
            if (name !== 'act') expect(RESERVED).not.toContain(name);
            expect(name).not.toMatch(/\.\.|\//);
          }
          // The actor is the assertion's subject, never something the claims could inject.
          expect((ops[0]!.value as { sub: unknown }).sub).toBe(sub);
        },
      ),
      { numRuns: 150, seed: 777 },
    );
    expect(allowed).toBeGreaterThan(10);
    expect(denied).toBeGreaterThan(10);
  }, 60_000);
});

describe('scim bridge, arbitrary headers and paths behind an allowlisted host', () => {
  it('upstream never sees the bridge token, its secret, a control character in a header, or another host', async () => {
    const secret = 'hostile-bridge-secret-Zz9';
    const bt = bridgeToken({ v: 1, tokenUrl: `${t.tokens.url}/token`, clientId: 'hostile', clientSecret: secret });
    const headerValue = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        `x\r\nAuthorization: Bearer ${bt}`,
        'a\u0000b',
        `127.0.0.1:${0}`,
        `Bearer ${bt}`,
        bt,
        secret,
        'x'.repeat(9000),
      ),
    );
    const headerName = fc.constantFrom(
      'host',
      'Host',
      'x-forwarded-host',
      'forwarded',
      'x-forwarded-for',
      'cookie',
      'proxy-authorization',
      'Authorization',
      'AUTHORIZATION',
      'x-original-url',
      'x-rewrite-url',
      'content-type',
      'accept',
      'if-match',
      'prefer',
      'transfer-encoding',
      'content-length',
      'connection',
      'te',
      'upgrade',
    );
    const piece = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.constantFrom(
        'scim',
        'v2',
        'Users',
        '..',
        '%2e%2e',
        '%2f',
        '@',
        `127.0.0.1:${trap.port}`,
        '%0d%0aHost:%20evil',
      ),
    );
    const before = t.scim.requests.length;
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
        fc.array(piece, { maxLength: 4 }),
        fc.string({ maxLength: 30 }),
        async (hs, pieces, query) => {
          const headers: Record<string, string> = { ...hs };
          // Headers the bridge passes on by design (content negotiation, preconditions) carry what the caller put there:
          // the property is about what the bridge adds or lets through beyond those, so they get no bridge token here.
          for (const name of Object.keys(headers)) {
            if (
              /^(content-type|accept|if-match|prefer)$/i.test(name) &&
              (headers[name]!.includes(bt) || headers[name]!.includes(secret))
            )
              headers[name] = 'application/scim+json';
          }
          // Okta's own Authorization always carries the bridge token (other casings of the name may fight it).
          headers.authorization = `Bearer ${bt}`;
          const res = await t.bridge(
            makeEvent({ method: 'GET', path: `/${t.scim.host}/${pieces.join('/')}`, query, headers }),
          );
          expect(res.statusCode).not.toBe(500);
          const body = res.body ?? '';
          expect(body).not.toContain(secret);
        },
      ),
      { numRuns: 200, seed: 99 },
    );
    const forwarded = t.scim.requests.slice(before);
    expect(forwarded.length, 'some requests were forwarded').toBeGreaterThan(20);
    for (const r of forwarded) {
      expect(r.headers.host).toBe(t.scim.host);
      const text = JSON.stringify(r.headers);
      expect(text).not.toContain(bt);
      expect(text).not.toContain(secret);
      expect(r.headers.authorization).toMatch(/^Bearer access-token-/);
      for (const [name, value] of Object.entries(r.headers))
        // eslint-disable-next-line no-control-regex -- asserts that no control character (terminal escape) got through
        expect(`${name}: ${String(value)}`).not.toMatch(/[\r\n\u0000]/);
      expect(r.headers.cookie).toBeUndefined();
      expect(r.headers['x-forwarded-host']).toBeUndefined();
    }
    expect(trapHits).toBe(0);
  }, 60_000);
});
