// The scim-bridge template, run as deployed: built into a zip, index.mjs extracted and imported, then driven
// with function URL events against a local SCIM API and a local token endpoint.

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  bridgeToken,
  buildAndLoad,
  makeEvent,
  setEnv,
  startScimServer,
  startTokenServer,
  type Handler,
  type ScimServer,
  type TokenServer,
} from '../support/templates.js';
import { decodeBridgeToken } from '../../src/scim/bridge-token.js';

const SECRET = 'very-secret-client-secret-Zq9';
let handler: Handler;
let scim: ScimServer;
let tokens: TokenServer;
let restoreEnv: () => void;
let logs: string[] = [];
let clientSeq = 0;

function token(extra: Record<string, unknown> = {}): string {
  return bridgeToken({
    v: 1,
    tokenUrl: `${tokens.url}/oauth2/default/v1/token`,
    clientId: 'client-a',
    clientSecret: SECRET,
    scope: 'scim',
    ...extra,
  });
}

/** A fresh client id per test keeps the warm-container cache from leaking between tests. */
function freshToken(extra: Record<string, unknown> = {}): string {
  clientSeq += 1;
  return token({ clientId: `client-${clientSeq}`, ...extra });
}

function call(path: string, bearer: string | undefined, more: Partial<Parameters<typeof makeEvent>[0]> = {}) {
  const headers: Record<string, string> = { accept: 'application/scim+json', ...(more.headers ?? {}) };
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  return handler(makeEvent({ path, ...more, headers }));
}

function scimErr(res: { statusCode: number; headers?: Record<string, string>; body?: string }, status: number) {
  expect(res.statusCode).toBe(status);
  expect(res.headers?.['content-type']).toBe('application/scim+json');
  const body = JSON.parse(res.body ?? '') as { schemas: string[]; status: string; detail: string };
  expect(body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(body.status).toBe(String(status));
  expect(typeof body.detail).toBe('string');
  return body;
}

beforeAll(async () => {
  [{ handler }, scim, tokens] = await Promise.all([buildAndLoad('scim-bridge'), startScimServer(), startTokenServer()]);
  restoreEnv = setEnv({
    ALLOWED_HOSTS: ` ${scim.host} , LocalHost:${scim.port}`,
    ALLOWED_TOKEN_HOSTS: tokens.host,
    ALLOW_INSECURE_LOOPBACK: '1',
    UPSTREAM_TIMEOUT_MS: '400',
    TOKEN_TIMEOUT_MS: '400',
    MAX_BODY_BYTES: String(1024 * 1024),
  });
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map(String).join(' '));
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  restoreEnv();
  await Promise.all([scim.close(), tokens.close()]);
});

beforeEach(() => {
  tokens.expiresIn = 3600;
  tokens.delayMs = 0;
  tokens.fail = undefined;
});

describe('bridge token decoding', () => {
  const fields = { tokenUrl: 'https://idp.example/t', clientId: 'id', clientSecret: 's' };
  it('accepts base64, base64url and the hand-made spellings', () => {
    expect(decodeBridgeToken(bridgeToken({ v: 1, ...fields, scope: 'a b' }))).toEqual({ ...fields, scope: 'a b' });
    const weird = { auth_url: 'https://idp.example/t', client_id: 'id', client_secret: 's?>>>', audience: 'api://x' };
    expect(decodeBridgeToken(bridgeToken(weird, 'base64url'))).toEqual({
      tokenUrl: 'https://idp.example/t',
      clientId: 'id',
      clientSecret: 's?>>>',
      audience: 'api://x',
    });
    expect(decodeBridgeToken(bridgeToken({ authUrl: 'https://a/t', client_id: 'i', clientSecret: 's' })).tokenUrl).toBe(
      'https://a/t',
    );
    expect(
      decodeBridgeToken(bridgeToken({ token_url: 'https://a/t', client_id: 'i', clientSecret: 's' })).tokenUrl,
    ).toBe('https://a/t');
  });
  it('refuses other versions, missing fields and non-JSON without quoting the token', () => {
    expect(() => decodeBridgeToken(bridgeToken({ v: 2, ...fields }))).toThrow(/version/);
    expect(() => decodeBridgeToken(bridgeToken({ tokenUrl: 'https://x', clientId: 'i' }))).toThrow(/clientSecret/);
    expect(() => decodeBridgeToken(Buffer.from('not json SECRETX').toString('base64'))).toThrow(/^((?!SECRETX).)*$/);
    expect(() => decodeBridgeToken('***')).toThrow(/base64/);
  });
});

describe('scim-bridge proxying', () => {
  it('forwards to the target with a client-credentials token and returns the upstream answer', async () => {
    const before = tokens.requests.length;
    const bt = freshToken();
    const res = await call(`/${scim.host}/scim/v2/Users`, bt, {
      query: 'filter=userName%20eq%20%22ada%40example.com%22&count=5',
      headers: { 'if-none-match': 'W/"0"', cookie: 'a=b', 'x-custom': 'nope', connection: 'keep-alive' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/scim+json');
    const body = JSON.parse(res.body ?? '') as { totalResults: number; echo: { url: string; method: string } };
    expect(body.totalResults).toBe(1);
    expect(body.echo).toEqual({
      method: 'GET',
      url: '/scim/v2/Users?filter=userName%20eq%20%22ada%40example.com%22&count=5',
    });

    expect(tokens.requests.length).toBe(before + 1);
    const tokenReq = tokens.requests.at(-1)!;
    expect(tokenReq.authorization).toBe(`Basic ${Buffer.from(`client-${clientSeq}:${SECRET}`).toString('base64')}`);
    expect(new URLSearchParams(tokenReq.body).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(tokenReq.body).get('scope')).toBe('scim');

    const up = scim.requests.at(-1)!;
    expect(up.headers.authorization).toBe(`Bearer ${tokens.issued.at(-1)}`);
    expect(up.headers.authorization).not.toContain(bt);
    expect(up.headers['if-none-match']).toBe('W/"0"');
    expect(up.headers.accept).toBe('application/scim+json');
    expect(up.headers.cookie).toBeUndefined();
    expect(up.headers['x-custom']).toBeUndefined();
  });

  it('passes a 204 (DELETE) and a HEAD back with no body, keeping their headers', async () => {
    const deleted = await call(`/${scim.host}/scim/v2/Users/u-1`, freshToken(), { method: 'DELETE' });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(deleted.headers?.etag).toBe('W/"2"');
    const head = await call(`/${scim.host}/scim/v2/Users`, freshToken(), { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers?.['content-type']).toBe('application/scim+json');
    expect(scim.requests.slice(-2).map((r) => r.method)).toEqual(['DELETE', 'HEAD']);
  });

  it('forwards bodies (plain and base64) and rewrites Location to go through the bridge', async () => {
    const bt = freshToken();
    const user = JSON.stringify({ userName: 'grace@example.com' });
    const res = await call(`/${scim.host}/scim/v2/Users`, bt, {
      method: 'POST',
      body: Buffer.from(user).toString('base64'),
      isBase64Encoded: true,
      headers: { 'content-type': 'application/scim+json' },
    });
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body ?? '')).toEqual({ userName: 'grace@example.com', id: 'u-2' });
    expect(res.headers?.location).toBe(`https://abc123.lambda-url.us-east-1.on.aws/${scim.host}/scim/v2/Users/u-2`);
    expect(res.headers?.etag).toBe('W/"1"');
    expect(scim.requests.at(-1)!.body).toBe(user);
    expect(scim.requests.at(-1)!.headers['content-type']).toBe('application/scim+json');
  });

  it('returns binary upstream bodies base64-encoded and drops hop-by-hop headers', async () => {
    const res = await call(`/${scim.host}/scim/v2/binary`, freshToken());
    expect(res.statusCode).toBe(200);
    expect(res.isBase64Encoded).toBe(true);
    expect([...Buffer.from(res.body ?? '', 'base64')]).toEqual([0, 1, 2, 255]);
    expect(res.headers?.connection).toBeUndefined();
    expect(res.headers?.['content-length']).toBeUndefined();
  });

  it('caches the access token: one token request over many calls, a new one after expiry', async () => {
    tokens.expiresIn = 2;
    const bt = freshToken();
    const before = tokens.requests.length;
    for (let i = 0; i < 10; i++) {
      expect((await call(`/${scim.host}/scim/v2/Users`, bt)).statusCode).toBe(200);
    }
    expect(tokens.requests.length - before).toBe(1);
    // Refreshed 10% early: after 1.8 s of a 2 s lifetime.
    await new Promise((r) => setTimeout(r, 1900));
    expect((await call(`/${scim.host}/scim/v2/Users`, bt)).statusCode).toBe(200);
    expect((await call(`/${scim.host}/scim/v2/Users`, bt)).statusCode).toBe(200);
    expect(tokens.requests.length - before).toBe(2);
  });

  it('shares one token request among concurrent calls (single-flight)', async () => {
    tokens.delayMs = 150;
    const bt = freshToken();
    const before = tokens.requests.length;
    const results = await Promise.all(Array.from({ length: 12 }, () => call(`/${scim.host}/scim/v2/Users`, bt)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(12).fill(200));
    expect(tokens.requests.length - before).toBe(1);
  });

  it('keys the cache by credentials: another client, scope or secret gets its own token', async () => {
    const base = freshToken();
    const id = `client-${clientSeq}`;
    const before = tokens.requests.length;
    await call(`/${scim.host}/scim/v2/Users`, base);
    await call(`/${scim.host}/scim/v2/Users`, token({ clientId: id, scope: 'other' }));
    await call(`/${scim.host}/scim/v2/Users`, token({ clientId: id, clientSecret: 'another-secret' }));
    await call(`/${scim.host}/scim/v2/Users`, base);
    expect(tokens.requests.length - before).toBe(3);
  });

  it('on a 401 from upstream drops the cached token and retries once', async () => {
    const bt = freshToken();
    expect((await call(`/${scim.host}/scim/v2/Users`, bt)).statusCode).toBe(200);
    const before = tokens.requests.length;
    scim.revoked.add(tokens.issued.at(-1)!);
    const res = await call(`/${scim.host}/scim/v2/Users`, bt);
    expect(res.statusCode).toBe(200);
    expect(tokens.requests.length - before).toBe(1);
    // A fresh token that is refused too: the 401 goes back as is, with no second token request.
    scim.refuseAll = true;
    try {
      const count = tokens.requests.length;
      const upCount = scim.requests.length;
      const res2 = await call(`/${scim.host}/scim/v2/Users`, freshToken());
      expect(res2.statusCode).toBe(401);
      expect(res2.headers?.['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(tokens.requests.length - count).toBe(1);
      expect(scim.requests.length - upCount).toBe(1);
    } finally {
      scim.refuseAll = false;
    }
  });

  it('passes a same-host redirect back through the bridge and refuses a cross-host one', async () => {
    const bt = freshToken();
    const same = await call(`/${scim.host}/scim/v2/redirect-same`, bt);
    expect(same.statusCode).toBe(302);
    expect(same.headers?.location).toBe(`https://abc123.lambda-url.us-east-1.on.aws/${scim.host}/scim/v2/Users?x=1`);
    scimErr(await call(`/${scim.host}/scim/v2/redirect-other`, bt), 502);
  });
});

describe('scim-bridge refusals', () => {
  const users = () => `/${scim.host}/scim/v2/Users`;

  it('401 without or with a bad bridge token', async () => {
    scimErr(await call(users(), undefined), 401);
    scimErr(await handler(makeEvent({ path: users(), headers: { authorization: 'Basic abc' } })), 401);
    scimErr(await call(users(), 'not base64!'), 401);
    scimErr(await call(users(), Buffer.from('{nope').toString('base64')), 401);
    scimErr(await call(users(), bridgeToken({ v: 1, tokenUrl: `${tokens.url}/t`, clientId: 'x' })), 401);
    scimErr(
      await call(users(), bridgeToken({ v: 9, tokenUrl: `${tokens.url}/t`, clientId: 'x', clientSecret: 'y' })),
      401,
    );
    const res = await call(users(), undefined);
    expect(res.headers?.['www-authenticate']).toMatch(/^Bearer/);
  });

  it('403 for hosts not allowlisted and IP literals; token URLs elsewhere are the same 401 as no token', async () => {
    const bt = freshToken();
    scimErr(await call('/evil.example/scim/v2/Users', bt), 403);
    scimErr(await call('/169.254.169.254/latest/meta-data', bt), 403);
    scimErr(await call('/127.0.0.1/scim/v2/Users', bt), 403);
    scimErr(await call('/2130706433/scim/v2/Users', bt), 403);
    scimErr(await call('/0x7f000001/scim/v2/Users', bt), 403);
    scimErr(await call('/localhost/scim/v2/Users', bt), 403);
    // Token URL on a host only allowed as a target, or on another host: not authenticated, and nothing more said.
    expect(scimErr(await call(users(), freshToken({ tokenUrl: `${scim.url}/token` })), 401).detail).toBe(
      'missing or invalid bridge token',
    );
    expect(scimErr(await call(users(), freshToken({ tokenUrl: 'https://evil.example/token' })), 401).detail).toBe(
      'missing or invalid bridge token',
    );
    // A token URL that is not https (http only to loopback) or carries userinfo makes the token itself invalid.
    scimErr(await call(users(), freshToken({ tokenUrl: `https://${tokens.host}/token`.replace('https', 'ftp') })), 401);
    scimErr(await call(users(), freshToken({ tokenUrl: 'http://evil.example/token' })), 401);
    // Plain http to loopback only with the dev-only switch.
    const restore = setEnv({ ALLOW_INSECURE_LOOPBACK: undefined });
    try {
      expect(scimErr(await call(users(), freshToken()), 401).detail).toBe('missing or invalid bridge token');
    } finally {
      restore();
    }
    expect(scimErr(await call('/127.0.0.1/scim/v2/Users', bt), 403).detail).toMatch(/IP literal/);
    scimErr(await call(users(), freshToken({ tokenUrl: `http://user:pw@${tokens.host}/token` })), 401);
  });

  it('matches allowlisted hosts case-insensitively and exactly', async () => {
    const bt = freshToken();
    // LocalHost:<port> is allowlisted: any spelling of it passes (no DNS beyond /etc/hosts).
    const res = await call(`/LOCALHOST:${scim.port}/scim/v2/Users`, bt);
    expect(res.statusCode).toBe(200);
    scimErr(await call(`/localhost.evil.example:${scim.port}/scim`, bt), 403);
    scimErr(await call(`/evil.localhost:${scim.port}/scim`, bt), 403);
    scimErr(await call(`/localhost:${scim.port + 1}/scim`, bt), 403);
  });

  it('400 for userinfo tricks, encoded slashes and dot segments', async () => {
    const bt = freshToken();
    const before = scim.requests.length;
    for (const path of [
      `/evil.example@${scim.host}/scim/v2/Users`,
      `/${scim.host}@evil.example/scim/v2/Users`,
      `/${scim.host}%2fevil/scim`,
      `/${scim.host}/scim/v2/..%2f..%2fadmin`,
      `/${scim.host}/scim/v2/%2e%2e/admin`,
      `/${scim.host}/scim/v2/../admin`,
      `/${scim.host}/scim/./v2/Users`,
      `/${scim.host}/scim/v2/Users%5c..`,
      `/${scim.host}/scim\\v2`,
      `/${scim.host}/scim/v2/%zz`,
      '//evil.example/scim',
      '/',
      'no-slash',
    ]) {
      const res = await call(path, bt);
      expect(res.statusCode, path).toBe(400);
      scimErr(res, 400);
    }
    expect(scim.requests.length).toBe(before);
  });

  it('413 for oversized bodies, 405 for odd methods', async () => {
    const bt = freshToken();
    scimErr(await call(users(), bt, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) }), 413);
    const big = Buffer.alloc(1024 * 1024 + 10).toString('base64');
    scimErr(await call(users(), bt, { method: 'POST', body: big, isBase64Encoded: true }), 413);
    scimErr(await call(users(), bt, { method: 'TRACE' }), 405);
  });

  it('401 when the token endpoint refuses (its error text never passed on); 502 when unreachable; 504 on timeouts', async () => {
    tokens.fail = 401;
    const refusedToken = freshToken();
    const before = tokens.requests.length;
    const e1 = scimErr(await call(users(), refusedToken), 401);
    expect(e1.detail).toBe('missing or invalid bridge token');
    // The refusal starts a backoff: the identity provider is not asked again at once.
    scimErr(await call(users(), refusedToken), 401);
    expect(tokens.requests.length - before).toBe(1);
    tokens.fail = undefined;
    scimErr(await call(users(), freshToken({ tokenUrl: 'http://127.0.0.1:1/token' })), 401);
    // Unreachable token host that is allowlisted.
    const restore = setEnv({ ALLOWED_TOKEN_HOSTS: `${tokens.host},127.0.0.1:1` });
    try {
      scimErr(await call(users(), freshToken({ tokenUrl: 'http://127.0.0.1:1/token' })), 502);
    } finally {
      restore();
    }
    scimErr(await call(`/${scim.host}/scim/v2/slow`, freshToken()), 504);
    tokens.delayMs = 1000;
    scimErr(await call(users(), freshToken()), 504);
  });

  it('502 for upstream answers over MAX_RESPONSE_BYTES, 400 for bodies that are not base64', async () => {
    const restore = setEnv({ MAX_RESPONSE_BYTES: '1024' });
    try {
      expect(scimErr(await call(`/${scim.host}/scim/v2/big`, freshToken()), 502).detail).toMatch(/too large/);
    } finally {
      restore();
    }
    scimErr(await call(users(), freshToken(), { method: 'POST', body: '!!not base64!!', isBase64Encoded: true }), 400);
  });

  it('keeps within the Lambda deadline (context.getRemainingTimeInMillis)', async () => {
    const restore = setEnv({ UPSTREAM_TIMEOUT_MS: '20000' });
    try {
      const started = Date.now();
      const res = await handler(
        makeEvent({ path: `/${scim.host}/scim/v2/slow`, headers: { authorization: `Bearer ${freshToken()}` } }),
        { awsRequestId: 'ctx-1', getRemainingTimeInMillis: () => 800 },
      );
      scimErr(res, 504);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      restore();
    }
  });

  it('refuses everything when ALLOWED_HOSTS is empty', async () => {
    const restore = setEnv({ ALLOWED_HOSTS: '' });
    try {
      scimErr(await call(users(), freshToken()), 403);
    } finally {
      restore();
    }
  });
});

describe('scim-bridge logs', () => {
  it('writes one JSON line per request without tokens, secrets or bodies', async () => {
    logs = [];
    const bt = freshToken();
    await call(`/${scim.host}/scim/v2/Users`, bt, {
      method: 'POST',
      body: '{"userName":"body-marker"}',
      headers: { 'content-type': 'application/scim+json' },
    });
    await call(`/${scim.host}/scim/v2/Users`, bt);
    await call('/evil.example/x', bt);
    await call(`/${scim.host}/scim/v2/Users`, Buffer.from('{"clientSecret": "' + SECRET + '"').toString('base64'));
    expect(logs).toHaveLength(4);
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      service: 'scim-bridge',
      method: 'POST',
      host: scim.host,
      status: 201,
      tokenCache: 'miss',
    });
    expect(lines[1]).toMatchObject({ method: 'GET', status: 200, tokenCache: 'hit' });
    expect(lines[2]).toMatchObject({ status: 403 });
    expect(lines[3]).toMatchObject({ status: 401 });
    for (const l of lines) {
      expect(typeof l.requestId).toBe('string');
      expect(typeof l.latencyMs).toBe('number');
    }
    const all = logs.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(bt);
    expect(all).not.toContain('body-marker');
    for (const t of tokens.issued) expect(all).not.toContain(t);
    expect(all).not.toContain('access-token-');
  });
});
