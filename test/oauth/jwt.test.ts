import fc from 'fast-check';
import { SignJWT, UnsecuredJWT, base64url, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteError, UsageError } from '../../src/errors.js';
import { requestToken } from '../../src/oauth/client-credentials.js';
import { decodeJwt, tokenScopes, verifyJwt } from '../../src/oauth/jwt.js';
import { closedPort } from '../support/http-server.js';
import { AUDIENCE, startOidcServer, type OidcServer } from '../support/oidc-server.js';

let op: OidcServer;
let other: OidcServer;
let token: string;
beforeAll(async () => {
  [op, other] = await Promise.all([startOidcServer(), startOidcServer()]);
  token = (
    await requestToken({
      tokenEndpoint: op.tokenEndpoint,
      clientId: op.clients.basic.clientId,
      auth: { method: 'client_secret_basic', clientSecret: op.clients.basic.clientSecret },
      scopes: ['orders:read', 'orders:write'],
      provider: 'generic',
    })
  ).access_token;
});
afterAll(async () => {
  await Promise.all([op?.close(), other?.close()]);
});

const segment = (value: unknown) => base64url.encode(JSON.stringify(value));

describe('decodeJwt', () => {
  it('reads the header and claims of a real token (and of "Bearer <token>")', () => {
    const decoded = decodeJwt(token);
    expect(decoded.header).toMatchObject({ alg: 'RS256', kid: 'server-1' });
    expect(decoded.claims).toMatchObject({ iss: op.issuer, aud: AUDIENCE, client_id: op.clients.basic.clientId });
    expect(decodeJwt(`Bearer ${token}\n`)).toEqual(decoded);
    expect(tokenScopes(decoded.claims)).toEqual(['orders:read', 'orders:write']);
  });

  it('tokenScopes reads Okta scp (array) and scope (space string)', () => {
    expect(tokenScopes({ scp: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(tokenScopes({ scope: 'a b' })).toEqual(['a', 'b']);
    expect(tokenScopes({})).toEqual([]);
  });

  it('says plainly what is wrong with what is not a JWT', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /No token given/],
      ['opaque-token-value', /no dots/],
      ['a.b', /2 parts/],
      ['a.b.c.d.e', /encrypted token \(JWE\)/],
      ['a b.c.d', /not base64url/],
      [`${segment('x')}.${segment({})}.sig`, /its header is not base64url-encoded JSON/],
      [`bm90IGpzb24.${segment({})}.sig`, /header is not base64url-encoded JSON/],
      [`${segment({ alg: 'RS256' })}.${segment([1, 2])}.sig`, /claims are not a base64url-encoded JSON object/],
    ];
    for (const [input, message] of cases) {
      let thrown: unknown;
      try {
        decodeJwt(input);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, input).toBeInstanceOf(UsageError);
      expect((thrown as UsageError).message, input).toMatch(message);
      expect((thrown as UsageError).message).not.toContain('\n');
      expect((thrown as UsageError).hint).toBeTruthy();
    }
  });

  it('never crashes on hostile input: any string is a JWT or a UsageError', () => {
    const anyJson = fc.jsonValue();
    const part = fc.oneof(
      fc.string(),
      fc.base64String().map((s) => s.replace(/=+$/, '')),
      anyJson.map((v) => segment(v)),
      fc.dictionary(fc.string(), anyJson).map((v) => segment(v)),
    );
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
      fc.tuple(part, part, part).map(([a, b, c]) => `${a}.${b}.${c}`),
    );
    fc.assert(
      fc.property(hostile, (input) => {
        try {
          const decoded = decodeJwt(input);
          expect(typeof decoded.header).toBe('object');
          expect(typeof decoded.claims).toBe('object');
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('verifyJwt against oidc-provider', () => {
  it('accepts a real token with the right issuer, audience and scopes', async () => {
    const result = await verifyJwt({ token, issuer: op.issuer, audience: AUDIENCE, scopes: ['orders:read'] });
    expect(result.valid).toBe(true);
    expect(result.reason).toBeUndefined();
    expect(result.claims.iss).toBe(op.issuer);
  });

  it('gives the reason for each failed check', async () => {
    const check = async (options: Partial<Parameters<typeof verifyJwt>[0]>) => {
      const result = await verifyJwt({ token, issuer: op.issuer, ...options });
      expect(result.valid).toBe(false);
      return result.reason;
    };
    expect(await check({ audience: 'api://other' })).toBe('its audience is "api://orders", not "api://other"');
    expect(await check({ scopes: ['orders:read', 'orders:admin'] })).toBe(
      'it lacks the scope orders:admin (it has: orders:read orders:write)',
    );
    expect(await check({ currentDate: new Date(Date.now() + 3600_000) })).toMatch(/^it expired at \d{4}-\d\d-\d\dT/);
    // Another server's keys (same kid, another key) and issuer: the signature is checked first.
    expect(await check({ issuer: other.issuer })).toBe("its signature does not verify with the issuer's keys");
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${segment({ ...claims, scope: 'orders:read orders:write orders:admin' })}.${s}`;
    expect(await check({ token: forged })).toBe("its signature does not verify with the issuer's keys");
    const unsigned = new UnsecuredJWT({ iss: op.issuer }).encode();
    expect(await check({ token: unsigned })).toMatch(/algorithm "none" is not allowed/);
  });

  it('refuses HMAC tokens and tokens signed by a stranger with a key id the issuer does not have', async () => {
    const hmac = await new SignJWT({ iss: op.issuer }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));
    expect((await verifyJwt({ token: hmac, issuer: op.issuer })).reason).toMatch(/algorithm "HS256" is not allowed/);
    const { privateKey } = await generateKeyPair('ES256');
    const stranger = await new SignJWT({ iss: op.issuer, aud: AUDIENCE })
      .setProtectedHeader({ alg: 'ES256', kid: 'stranger' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await verifyJwt({ token: stranger, issuer: op.issuer })).reason).toMatch(
      /no key of the issuer .* matches its key id "stranger"/,
    );
  });

  it('an issuer that cannot be reached is an error, not an invalid token', async () => {
    const port = await closedPort();
    await expect(verifyJwt({ token, issuer: `http://127.0.0.1:${port}/op` })).rejects.toBeInstanceOf(RemoteError);
  });
});
