// Test support for the Lambda templates: build the real zip, import the bundled index.mjs, and small local
// servers (SCIM API, OAuth token endpoint, JWKS) on 127.0.0.1.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTemplate, type BuildResult } from '../../src/lambda/build.js';
import { loadHandler, type LoadedHandler } from '../../src/lambda/serve.js';

export type Handler = (
  event: unknown,
  context?: unknown,
) => Promise<{
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}>;

export async function buildAndLoad(
  name: string,
): Promise<{ build: BuildResult; handler: Handler; loaded: LoadedHandler }> {
  const outDir = mkdtempSync(join(tmpdir(), 'okta-m2m-build-'));
  const build = await buildTemplate(name, { outDir });
  const loaded = await loadHandler(build.zipPath);
  // The module is in memory now: the zip and the extracted index.mjs can go.
  await loaded.dispose();
  rmSync(outDir, { recursive: true, force: true });
  return { build, handler: loaded.handler as unknown as Handler, loaded };
}

export interface Local {
  server: Server;
  port: number;
  host: string;
  url: string;
  close(): Promise<void>;
}

export async function listen(fn: (req: IncomingMessage, res: ServerResponse, body: Buffer) => unknown): Promise<Local> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(fn(req, res, Buffer.concat(chunks))).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface TokenServer extends Local {
  requests: { authorization: string | undefined; body: string }[];
  /** Seconds; default 3600. */
  expiresIn: number;
  delayMs: number;
  fail: number | undefined;
  issued: string[];
}

export async function startTokenServer(): Promise<TokenServer> {
  const state = {
    requests: [] as TokenServer['requests'],
    expiresIn: 3600,
    delayMs: 0,
    fail: undefined as number | undefined,
    issued: [] as string[],
  };
  const local = await listen(async (req, res, body) => {
    state.requests.push({ authorization: req.headers.authorization, body: body.toString('utf8') });
    if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
    if (state.fail) return json(res, state.fail, { error: 'invalid_client', error_description: 'nope' });
    const token = `access-token-${state.issued.length + 1}-${Math.random().toString(36).slice(2)}`;
    state.issued.push(token);
    json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: state.expiresIn });
  });
  return Object.assign<typeof state, Local>(state, local);
}

export interface ScimServer extends Local {
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  /** Tokens the API refuses with 401. */
  revoked: Set<string>;
  /** Refuse every token with 401. */
  refuseAll: boolean;
}

export async function startScimServer(): Promise<ScimServer> {
  const state = { requests: [] as ScimServer['requests'], revoked: new Set<string>(), refuseAll: false };
  const local = await listen(async (req, res, body) => {
    const url = req.url ?? '/';
    state.requests.push({ method: req.method ?? '', url, headers: req.headers, body: body.toString('utf8') });
    const auth = req.headers.authorization ?? '';
    const token = auth.replace(/^Bearer /, '');
    if (!auth.startsWith('Bearer ') || state.revoked.has(token) || state.refuseAll) {
      res.writeHead(401, {
        'www-authenticate': 'Bearer error="invalid_token"',
        'content-type': 'application/scim+json',
      });
      return res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' }));
    }
    const path = url.split('?')[0];
    if (path === '/scim/v2/slow') {
      await new Promise((r) => setTimeout(r, 2000));
      return json(res, 200, {});
    }
    if (path === '/scim/v2/redirect-other') {
      res.writeHead(302, { location: 'https://evil.example/steal' });
      return res.end();
    }
    if (path === '/scim/v2/redirect-same') {
      res.writeHead(302, { location: `${local.url}/scim/v2/Users?x=1` });
      return res.end();
    }
    if (path === '/scim/v2/big') {
      const big = 'x'.repeat(64 * 1024);
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(big);
    }
    if (path === '/scim/v2/binary') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', connection: 'close' });
      return res.end(Buffer.from([0, 1, 2, 255]));
    }
    if (path === '/scim/v2/Users' && req.method === 'POST') {
      const user = { ...(JSON.parse(body.toString('utf8') || '{}') as object), id: 'u-2' };
      res.writeHead(201, {
        'content-type': 'application/scim+json',
        location: `${local.url}/scim/v2/Users/u-2`,
        etag: 'W/"1"',
      });
      return res.end(JSON.stringify(user));
    }
    if (path?.startsWith('/scim/v2/Users/') && req.method === 'DELETE') {
      res.writeHead(204, { etag: 'W/"2"' });
      return res.end();
    }
    if (path?.startsWith('/scim/v2/Users')) {
      return json(
        res,
        200,
        {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
          totalResults: 1,
          Resources: [{ id: 'u-1', userName: 'ada@example.com' }],
          echo: { method: req.method, url },
        },
        'application/scim+json',
      );
    }
    json(
      res,
      404,
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' },
      'application/scim+json',
    );
  });
  return Object.assign<typeof state, Local>(state, local);
}

interface EventInput {
  method?: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

let seq = 0;
export function makeEvent(i: EventInput): Record<string, unknown> {
  seq += 1;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: i.path,
    rawQueryString: i.query ?? '',
    headers: { 'x-forwarded-proto': 'https', ...(i.headers ?? {}) },
    requestContext: {
      requestId: `req-${seq}`,
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
      http: {
        method: i.method ?? 'GET',
        path: i.path,
        sourceIp: '203.0.113.9',
        protocol: 'HTTP/1.1',
        userAgent: 'test',
      },
    },
    body: i.body,
    isBase64Encoded: i.isBase64Encoded ?? false,
  };
}

/** Sets env vars for the duration of a test file; returns a restore function. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export function bridgeToken(fields: Record<string, unknown>, encoding: 'base64' | 'base64url' = 'base64'): string {
  return Buffer.from(JSON.stringify(fields)).toString(encoding);
}
