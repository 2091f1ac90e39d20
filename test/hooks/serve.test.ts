import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTemplate } from '../../src/lambda/build.js';
import { HandlerLoadError } from '../../src/lambda/errors.js';
import { loadHandler, serveHandler, type FunctionUrlEventV2, type ServeHandle } from '../../src/lambda/serve.js';
import {
  bridgeToken,
  startScimServer,
  startTokenServer,
  type ScimServer,
  type TokenServer,
} from '../support/templates.js';

function rawRequest(
  url: string,
  opts: { method?: string; headers?: string[]; body?: Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: opts.method ?? 'GET', headers: ['Host', new URL(url).host, ...(opts.headers ?? [])] },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('serveHandler with a handler function', () => {
  let seen: FunctionUrlEventV2 | undefined;
  let srv: ServeHandle;
  beforeAll(async () => {
    srv = await serveHandler(
      async (event) => {
        seen = event;
        if (event.rawPath === '/throw') throw new Error('boom secret');
        if (event.rawPath === '/plain') return { hello: 'world' };
        if (event.rawPath === '/binary') {
          return {
            statusCode: 200,
            headers: { 'content-type': 'application/octet-stream' },
            body: Buffer.from([0, 255, 7]).toString('base64'),
            isBase64Encoded: true,
          };
        }
        return {
          statusCode: 201,
          headers: { 'content-type': 'text/plain', 'x-one': 'a' },
          cookies: ['a=1; Path=/', 'b=2'],
          body: 'made',
          isBase64Encoded: false,
        };
      },
      { env: { SERVE_TEST_VAR: 'set' } },
    );
  });
  afterAll(async () => {
    await srv.stop();
    expect(process.env.SERVE_TEST_VAR).toBeUndefined();
  });

  it('binds to 127.0.0.1 and sets env while serving', () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.SERVE_TEST_VAR).toBe('set');
  });

  it('maps requests to v2.0 events: raw path and query, lowercase comma-joined headers, cookies, base64 bodies', async () => {
    const res = await rawRequest(`${srv.url}/a/b%2Fc?x=1&x=2&y=%20`, {
      method: 'POST',
      headers: ['X-Multi', 'a', 'x-multi', 'b', 'Cookie', 'c1=v1; c2=v2', 'Content-Type', 'application/octet-stream'],
      body: Buffer.from([1, 2, 3, 250]),
    });
    expect(res.status).toBe(201);
    expect(res.body.toString()).toBe('made');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect(res.headers['x-one']).toBe('a');
    const e = seen!;
    expect(e.version).toBe('2.0');
    expect(e.rawPath).toBe('/a/b%2Fc');
    expect(e.rawQueryString).toBe('x=1&x=2&y=%20');
    expect(e.queryStringParameters).toEqual({ x: '1,2', y: ' ' });
    expect(e.headers['x-multi']).toBe('a,b');
    expect(e.headers.cookie).toBeUndefined();
    expect(e.cookies).toEqual(['c1=v1', 'c2=v2']);
    expect(e.requestContext.http.method).toBe('POST');
    expect(e.requestContext.http.sourceIp).toBe('127.0.0.1');
    expect(e.requestContext.requestId).toBe(res.headers['x-amzn-requestid']);
    expect(e.isBase64Encoded).toBe(true);
    expect([...Buffer.from(e.body!, 'base64')]).toEqual([1, 2, 3, 250]);
  });

  it('passes text bodies as strings', async () => {
    await rawRequest(`${srv.url}/t`, {
      method: 'PUT',
      headers: ['content-type', 'application/scim+json'],
      body: Buffer.from('{"a":"é"}'),
    });
    expect(seen!.isBase64Encoded).toBe(false);
    expect(seen!.body).toBe('{"a":"é"}');
    await rawRequest(`${srv.url}/t`, {});
    expect(seen!.body).toBeUndefined();
  });

  it('decodes base64 results, JSON-encodes unstructured ones, answers 502 when the handler throws', async () => {
    const bin = await rawRequest(`${srv.url}/binary`, {});
    expect([...bin.body]).toEqual([0, 255, 7]);
    const plain = await rawRequest(`${srv.url}/plain`, {});
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body.toString())).toEqual({ hello: 'world' });
    const thrown = await rawRequest(`${srv.url}/throw`, {});
    expect(thrown.status).toBe(502);
    expect(thrown.body.toString()).not.toContain('secret');
  });
});

describe('serveHandler with a built zip', () => {
  let scim: ScimServer;
  let tokens: TokenServer;
  let srv: ServeHandle;
  let zipPath: string;
  beforeAll(async () => {
    [scim, tokens] = await Promise.all([startScimServer(), startTokenServer()]);
    zipPath = (await buildTemplate('scim-bridge', { outDir: mkdtempSync(join(tmpdir(), 'okta-m2m-serve-')) })).zipPath;
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    srv = await serveHandler(zipPath, {
      env: { ALLOWED_HOSTS: scim.host, ALLOWED_TOKEN_HOSTS: tokens.host, ALLOW_INSECURE_LOOPBACK: '1' },
    });
  });
  afterAll(async () => {
    await srv.stop();
    vi.restoreAllMocks();
    await Promise.all([scim.close(), tokens.close()]);
    rmSync(join(zipPath, '..'), { recursive: true, force: true });
    expect(process.env.ALLOWED_HOSTS).toBeUndefined();
  });

  it('serves the bundled scim-bridge over HTTP', async () => {
    const bt = bridgeToken({ v: 1, tokenUrl: `${tokens.url}/token`, clientId: 'c', clientSecret: 's' });
    const before = tokens.requests.length;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${srv.url}/${scim.host}/scim/v2/Users?count=1`, {
        headers: { authorization: `Bearer ${bt}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/scim+json');
      expect(((await res.json()) as { totalResults: number }).totalResults).toBe(1);
    }
    expect(tokens.requests.length - before).toBe(1);
    const post = await fetch(`${srv.url}/${scim.host}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bt}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ userName: 'x' }),
    });
    expect(post.status).toBe(201);
    // Location points back through the local bridge.
    expect(post.headers.get('location')).toBe(`${srv.url}/${scim.host}/scim/v2/Users/u-2`);
    const denied = await fetch(`${srv.url}/evil.example/scim/v2/Users`, { headers: { authorization: `Bearer ${bt}` } });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { status: string }).status).toBe('403');
  });

  it('refuses files that are not handlers', async () => {
    await expect(loadHandler(join(tmpdir(), 'does-not-exist.zip'))).rejects.toBeInstanceOf(HandlerLoadError);
  });
});
