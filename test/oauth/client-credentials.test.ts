import { describe, expect, it } from 'vitest';
import { AuthError, RemoteError } from '../../src/errors.js';
import { basicAuthorization, loadSigningKey, parseAuthMethod, formEncode } from '../../src/oauth/client-auth.js';
import { HttpClient } from '../../src/http/client.js';
import { requestToken, tokenParams } from '../../src/oauth/client-credentials.js';
import { decodeJwt, tokenScopes } from '../../src/oauth/jwt.js';
import { closedPort, json, startScriptedServer } from '../support/http-server.js';
import { AUDIENCE, type OidcServer } from '../support/oidc-server.js';
import { useOidcServer } from '../support/use-oidc-server.js';
import { frozenDate } from '../support/clock.js';

let op: OidcServer;
useOidcServer((started) => (op = started));

describe('client credentials against oidc-provider', () => {
  it('client_secret_basic mints a token with the scopes and audience asked for', async () => {
    const token = await requestToken({
      tokenEndpoint: op.tokenEndpoint,
      clientId: op.clients.basic.clientId,
      auth: { method: 'client_secret_basic', clientSecret: op.clients.basic.clientSecret },
      scopes: ['orders:read'],
      audience: AUDIENCE,
      provider: 'generic',
    });
    expect(token.token_type).toBe('Bearer');
    expect(token.expires_in).toBe(300);
    expect(token.scope).toBe('orders:read');
    const { claims } = decodeJwt(token.access_token);
    expect(claims.aud).toBe(AUDIENCE);
    expect(claims.client_id).toBe(op.clients.basic.clientId);
    expect(tokenScopes(claims)).toEqual(['orders:read']);
  });

  it('client_secret_post mints a token', async () => {
    const token = await requestToken({
      tokenEndpoint: op.tokenEndpoint,
      clientId: op.clients.post.clientId,
      auth: { method: 'client_secret_post', clientSecret: op.clients.post.clientSecret },
      scopes: ['orders:read', 'orders:write'],
      provider: 'generic',
    });
    expect(token.scope).toBe('orders:read orders:write');
    expect(decodeJwt(token.access_token).claims.client_id).toBe(op.clients.post.clientId);
  });

  it('private_key_jwt mints a token with an RSA key (PEM), an RSA key (JWK) and an EC key', async () => {
    const cases = [
      { clientId: op.clients.rsa.clientId, key: loadSigningKey(op.clients.rsa.privateKeyPem, 'rsa-1'), alg: 'RS256' },
      { clientId: op.clients.rsa.clientId, key: loadSigningKey(op.clients.rsa.privateJwk), alg: 'RS256' },
      { clientId: op.clients.ec.clientId, key: loadSigningKey(op.clients.ec.privateKeyPem, 'ec-1'), alg: 'ES256' },
    ];
    for (const { clientId, key, alg } of cases) {
      expect(key.alg).toBe(alg);
      const token = await requestToken({
        tokenEndpoint: op.tokenEndpoint,
        clientId,
        auth: { method: 'private_key_jwt', key },
        scopes: ['orders:read'],
        provider: 'generic',
      });
      expect(decodeJwt(token.access_token).claims.client_id).toBe(clientId);
    }
  });

  it('a wrong secret is invalid_client, with the hint about the secret and the auth method', async () => {
    const error = await requestToken({
      tokenEndpoint: op.tokenEndpoint,
      clientId: op.clients.basic.clientId,
      auth: { method: 'client_secret_basic', clientSecret: 'wrong-secret-value' },
      provider: 'generic',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/invalid_client/);
    expect((error as AuthError).hint).toMatch(/wrong client secret/);
    expect((error as AuthError).hint).toMatch(/auth method/);
  });

  it('RFC 6749 2.3.1: client_secret_basic form-urlencodes the id and the secret before base64', async () => {
    const { clientId, clientSecret } = op.clients.special;
    expect(basicAuthorization(clientId, clientSecret)).toBe(
      `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`,
    );
    expect(formEncode('a:b+c d%e')).toBe('a%3Ab%2Bc+d%25e');
    const token = await requestToken({
      tokenEndpoint: op.tokenEndpoint,
      clientId,
      auth: { method: 'client_secret_basic', clientSecret },
      scopes: ['orders:read'],
      provider: 'generic',
    });
    expect(decodeJwt(token.access_token).claims.client_id).toBe(clientId);
  });

  it('a client assertion signed with the wrong key is invalid_client', async () => {
    const error = await requestToken({
      tokenEndpoint: op.tokenEndpoint,
      clientId: op.clients.rsa.clientId,
      auth: { method: 'private_key_jwt', key: loadSigningKey(op.clients.ec.privateKeyPem, 'rsa-1') },
      provider: 'generic',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/invalid_client/);
  });

  it('a scope the client may not have is invalid_scope, with the policy hint', async () => {
    const error = await requestToken({
      tokenEndpoint: op.tokenEndpoint,
      clientId: op.clients.basic.clientId,
      auth: { method: 'client_secret_basic', clientSecret: op.clients.basic.clientSecret },
      scopes: ['orders:admin'],
      provider: 'generic',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/invalid_scope/);
    expect((error as AuthError).hint).toMatch(/not defined on the authorization server|access policy rule/);
  });

  it('an unknown audience is invalid_target', async () => {
    const error = await requestToken({
      tokenEndpoint: op.tokenEndpoint,
      clientId: op.clients.basic.clientId,
      auth: { method: 'client_secret_basic', clientSecret: op.clients.basic.clientSecret },
      audience: 'api://unknown',
      provider: 'generic',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/invalid_target/);
  });
});

describe('the token request on the wire', () => {
  it('private_key_jwt sends an RFC 7523 assertion: iss = sub = client id, aud = token endpoint, jti, exp <= iat + 60, kid', async () => {
    const server = await startScriptedServer((_req, res) =>
      json(res, 200, { access_token: 'opaque-token-1', token_type: 'Bearer', expires_in: 3600 }),
    );
    try {
      const key = loadSigningKey(op.clients.ec.privateKeyPem, 'ec-1');
      const request = {
        tokenEndpoint: `${server.url}/token`,
        clientId: 'c1',
        auth: { method: 'private_key_jwt' as const, key },
        provider: 'okta' as const,
      };
      const clock = frozenDate();
      try {
        await requestToken(request);
        await requestToken(request);
      } finally {
        clock.restore();
      }
      const [first, second] = server.requests.map((r) => new URLSearchParams(r.body));
      expect(first?.get('grant_type')).toBe('client_credentials');
      expect(first?.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      expect(first?.get('client_id')).toBe('c1');
      const assertion = decodeJwt(first?.get('client_assertion') ?? '');
      expect(assertion.header).toMatchObject({ alg: 'ES256', kid: 'ec-1' });
      expect(assertion.claims).toMatchObject({ iss: 'c1', sub: 'c1', aud: `${server.url}/token` });
      const { iat, exp, jti } = assertion.claims as { iat: number; exp: number; jti: string };
      expect(exp - iat).toBeGreaterThan(0);
      expect(exp - iat).toBeLessThanOrEqual(60);
      // Stamped with the clock's own now.
      expect(iat).toBe(clock.now / 1000);
      expect(jti).toMatch(/^[0-9a-f-]{36}$/);
      expect(decodeJwt(second?.get('client_assertion') ?? '').claims.jti).not.toBe(jti);
      expect(server.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(server.requests[0]?.headers.authorization).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('auth0 gets a JSON body with the audience; okta gets no audience; generic sends it as resource', async () => {
    const server = await startScriptedServer((_req, res) =>
      json(res, 200, { access_token: 'opaque-token-2', token_type: 'Bearer', expires_in: 86400 }),
    );
    try {
      const base = {
        tokenEndpoint: `${server.url}/oauth/token`,
        clientId: 'c2',
        scopes: ['read:orders'],
        audience: 'https://api.example',
      };
      await requestToken({
        ...base,
        provider: 'auth0',
        auth: { method: 'client_secret_post', clientSecret: 'auth0-secret-value' },
      });
      await requestToken({
        ...base,
        provider: 'okta',
        auth: { method: 'client_secret_post', clientSecret: 'okta-secret-value' },
      });
      await requestToken({
        ...base,
        provider: 'generic',
        extraParams: { foo: 'bar baz' },
        auth: { method: 'client_secret_basic', clientSecret: 'generic-secret' },
      });
      const [auth0, okta, generic] = server.requests;
      expect(auth0?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(auth0?.body ?? '')).toEqual({
        grant_type: 'client_credentials',
        scope: 'read:orders',
        audience: 'https://api.example',
        client_id: 'c2',
        client_secret: 'auth0-secret-value',
      });
      expect(Object.fromEntries(new URLSearchParams(okta?.body))).toEqual({
        grant_type: 'client_credentials',
        scope: 'read:orders',
        client_id: 'c2',
        client_secret: 'okta-secret-value',
      });
      expect(Object.fromEntries(new URLSearchParams(generic?.body))).toEqual({
        grant_type: 'client_credentials',
        scope: 'read:orders',
        resource: 'https://api.example',
        foo: 'bar baz',
      });
      expect(generic?.headers.authorization).toBe(basicAuthorization('c2', 'generic-secret'));
    } finally {
      await server.close();
    }
  });

  it('a 429 is waited out (Retry-After, then X-Rate-Limit-Reset) and retried; too many give a clear error', async () => {
    let calls = 0;
    const server = await startScriptedServer((_req, res) => {
      calls += 1;
      if (calls === 1)
        return json(
          res,
          429,
          { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
          { 'retry-after': '0' },
        );
      if (calls === 2) return json(res, 429, {}, { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000)) });
      return json(res, 200, { access_token: 'opaque-token-3', token_type: 'Bearer', expires_in: 60 });
    });
    try {
      const waits: number[] = [];
      const clock = frozenDate();
      const token = await requestToken({
        tokenEndpoint: `${server.url}/token`,
        clientId: 'c3',
        auth: { method: 'client_secret_basic', clientSecret: 'secret-3-value' },
        onRetry: (ms) => waits.push(ms),
        // Jitter from a fixed "random" (0.5 of the 100-300 ms spread), so the waits are exact.
        http: new HttpClient({ clock: { random: () => 0.5, sleep: async () => {} } }),
      }).finally(clock.restore);
      expect(token.access_token).toBe('opaque-token-3');
      expect(calls).toBe(3);
      // Retry-After: 0 and a reset of now both wait only the jitter past what the server asked for.
      expect(waits).toEqual([200, 200]);

      calls = 0;
      const error = await requestToken({
        tokenEndpoint: `${server.url}/token`,
        clientId: 'c3',
        auth: { method: 'client_secret_basic', clientSecret: 'secret-3-value' },
        maxRetries: 1,
      }).catch((e: unknown) => e);
      expect(calls).toBe(2);
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as RemoteError).status).toBe(429);
      expect((error as RemoteError).message).toMatch(/rate limiting/);
    } finally {
      await server.close();
    }
  });

  it('a rate limit longer than the longest wait fails at once, saying how long to wait', async () => {
    const server = await startScriptedServer((_req, res) => json(res, 429, {}, { 'retry-after': '600' }));
    try {
      const error = await requestToken({
        tokenEndpoint: `${server.url}/token`,
        clientId: 'c4',
        auth: { method: 'client_secret_basic', clientSecret: 'secret-4-value' },
      }).catch((e: unknown) => e);
      expect(server.requests).toHaveLength(1);
      expect((error as RemoteError).hint).toMatch(/Try again in 600 s/);
    } finally {
      await server.close();
    }
  });

  it("Okta's policy and grant errors get the access-policy hint; other answers a clear RemoteError", async () => {
    const answers = [
      [
        400,
        {
          error: 'access_denied',
          error_description: 'Policy evaluation failed for this request, please check the policy configurations.',
        },
      ],
      [
        400,
        {
          error: 'unauthorized_client',
          error_description:
            'The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].',
        },
      ],
      [
        400,
        {
          error: 'unsupported_grant_type',
          error_description: 'The authorization grant type is not supported by the authorization server.',
        },
      ],
      [500, '<html><body>Internal error</body></html>'],
      [200, { token_type: 'Bearer' }],
    ] as const;
    let call = 0;
    const server = await startScriptedServer((_req, res) => {
      const [status, body] = answers[call++] ?? [500, ''];
      if (typeof body === 'string')
        res.writeHead(status, { 'content-type': 'text/html', 'x-okta-request-id': 'req-123' }).end(body);
      else json(res, status, body, { 'x-okta-request-id': 'req-123' });
    });
    const attempt = () =>
      requestToken({
        tokenEndpoint: `${server.url}/token`,
        clientId: 'c5',
        auth: { method: 'client_secret_basic', clientSecret: 'secret-5-value' },
      }).catch((e: unknown) => e as AuthError & RemoteError);
    try {
      const denied = await attempt();
      expect(denied).toBeInstanceOf(AuthError);
      expect(denied.message).toMatch(/access_denied \(Policy evaluation failed/);
      expect(denied.hint).toMatch(/access policy is not assigned to this client/);
      expect(denied.requestId).toBe('req-123');
      const unauthorized = await attempt();
      expect(unauthorized).toBeInstanceOf(AuthError);
      expect(unauthorized.hint).toMatch(/client_credentials grant/);
      const unsupported = await attempt();
      expect(unsupported).toBeInstanceOf(RemoteError);
      expect(unsupported.hint).toMatch(/client_credentials grant/);
      const broken = await attempt();
      expect(broken).toBeInstanceOf(RemoteError);
      expect(broken.status).toBe(500);
      expect(broken.message).toMatch(/HTTP 500: Internal error/);
      const empty = await attempt();
      expect(empty.message).toMatch(/without an access token/);
    } finally {
      await server.close();
    }
  });

  it('a server that is not there: a clear message naming the host', async () => {
    const port = await closedPort();
    const error = await requestToken({
      tokenEndpoint: `http://127.0.0.1:${port}/token`,
      clientId: 'c6',
      auth: { method: 'client_secret_basic', clientSecret: 'secret-6-value' },
    }).catch((e: unknown) => e as RemoteError);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toBe(`Cannot reach 127.0.0.1:${port} for a token: connection refused.`);
  });
});

describe('small pieces', () => {
  it('tokenParams: extra params come last and may replace scope, never the grant type twice', () => {
    expect(
      tokenParams({ tokenEndpoint: 'x', clientId: 'c', scopes: ['a', 'b'], extraParams: { scope: 'z', k: 'v' } }),
    ).toEqual([
      ['grant_type', 'client_credentials'],
      ['scope', 'z'],
      ['k', 'v'],
    ]);
  });

  it('parseAuthMethod refuses unknown methods with a usage error', () => {
    expect(parseAuthMethod('private_key_jwt')).toBe('private_key_jwt');
    expect(() => parseAuthMethod('client_secret_jwt')).toThrow(/not a client authentication method/);
  });

  it('loadSigningKey refuses public keys, garbage and JWKs without a private part', async () => {
    expect(() => loadSigningKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toThrow(/public key/);
    expect(() => loadSigningKey('hello')).toThrow(/neither PEM/);
    expect(() => loadSigningKey('{"kty":"RSA","n":"abc","e":"AQAB"}')).toThrow(/no private part/);
    expect(() => loadSigningKey('{"keys":[]}')).toThrow(/JWK set holds 0 keys/);
    const jwk = JSON.parse(op.clients.rsa.privateJwk) as Record<string, unknown>;
    expect(loadSigningKey(JSON.stringify({ keys: [jwk] })).kid).toBe('rsa-1');
    expect(loadSigningKey(op.clients.rsa.privateJwk, 'other').kid).toBe('other');
  });
});
