// serveHandler: run a Lambda handler behind a local HTTP server that speaks like a Lambda function URL
// (API Gateway payload 2.0 events in, structured results out). Given a zip or a bundle file, it serves the BUILT
// code (index.mjs extracted from the zip), so what runs locally is what gets deployed.
//
// Environment: `env` is written onto process.env before the bundle is imported (Lambda sets env before the
// module loads, and handlers may read it at module scope), and restored by stop(). process.env is global:
// one serve process runs one handler.

import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_FILE } from './bundle.js';
import { BUILT_DEFAULTS_FILE } from './carry-claims.js';
import { HandlerLoadError } from './errors.js';
import { isTextual } from './text-content.js';
import { readZip } from './zip.js';

export interface FunctionUrlEventV2 {
  version: '2.0';
  routeKey: '$default';
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: '$default';
    stage: '$default';
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

interface LambdaContextLike {
  awsRequestId: string;
  functionName: string;
  getRemainingTimeInMillis(): number;
}

export type LambdaHandler = (event: FunctionUrlEventV2, context: LambdaContextLike) => unknown;

interface ServeOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Environment for the handler, set on process.env before the bundle is imported. */
  env?: Record<string, string>;
  /** Request body limit, as a function URL's 6 MB. */
  maxBodyBytes?: number;
  /** What getRemainingTimeInMillis starts from (default 30 s). */
  timeoutMs?: number;
  functionName?: string;
}

export interface ServeHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface LoadedHandler {
  handler: LambdaHandler;
  /** Removes the extracted temp directory, if any. */
  dispose(): Promise<void>;
}

/**
 * Imports a handler from a built zip (extracting index.mjs to a fresh temp dir, so every load is a fresh module
 * with fresh module-scope caches, like a cold start) or from a bundle file (imported once per process: ESM caches it).
 */
export async function loadHandler(path: string): Promise<LoadedHandler> {
  const abs = resolve(path);
  let file = abs;
  let tempDir: string | undefined;
  try {
    if (abs.endsWith('.zip')) {
      const entries = readZip(new Uint8Array(await readFile(abs)));
      const code = entries[BUNDLE_FILE];
      if (!code) throw new HandlerLoadError(`${path} has no ${BUNDLE_FILE}`, 'build it with okta-m2m hooks build');
      tempDir = await mkdtemp(join(tmpdir(), 'okta-m2m-serve-'));
      file = join(tempDir, BUNDLE_FILE);
      await writeFile(file, code);
      // What hook build put beside the bundle (token-hook's built-in CARRY_CLAIMS), as Lambda would have it.
      const defaults = entries[BUILT_DEFAULTS_FILE];
      if (defaults) await writeFile(join(tempDir, BUILT_DEFAULTS_FILE), defaults);
    }
    const mod = (await import(pathToFileURL(file).href)) as { handler?: unknown; default?: { handler?: unknown } };
    const handler = typeof mod.handler === 'function' ? mod.handler : mod.default?.handler;
    if (typeof handler !== 'function') throw new HandlerLoadError(`${path} exports no handler function`);
    const dir = tempDir;
    return {
      handler: handler as LambdaHandler,
      dispose: async () => {
        if (dir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    if (err instanceof HandlerLoadError) throw err;
    throw new HandlerLoadError(`could not load a handler from ${path}`, 'pass a zip made by build or an .mjs bundle', {
      cause: err,
    });
  }
}

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > max) throw new TooLarge();
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Maps a node:http request onto a function URL event (payload format 2.0). */
function toEvent(req: IncomingMessage, body: Buffer, requestId: string): FunctionUrlEventV2 {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQueryString = q === -1 ? '' : url.slice(q + 1);
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    if (name === 'cookie') {
      cookies = values.flatMap((v) => v.split(/;\s*/)).filter((c) => c !== '');
      continue;
    }
    headers[name] = values.join(',');
  }
  const host = headers.host ?? '127.0.0.1';
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString) {
    queryStringParameters = {};
    for (const [k, v] of new URLSearchParams(rawQueryString)) {
      queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
    }
  }
  const textual = isTextual(headers['content-type']);
  const now = new Date();
  const event: FunctionUrlEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies?.length) event.cookies = cookies;
  if (queryStringParameters) event.queryStringParameters = queryStringParameters;
  if (body.length > 0) {
    event.body = textual ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !textual;
  }
  return event;
}

/** Writes a handler's result the way a function URL does (structured result, or any value as JSON). */
function writeResult(res: ServerResponse, result: unknown): void {
  const r = result as Record<string, unknown> | null | undefined;
  if (r && typeof r === 'object' && typeof r.statusCode === 'number') {
    const headers = (r.headers && typeof r.headers === 'object' ? r.headers : {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || value === null) continue;
      res.setHeader(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    if (Array.isArray(r.cookies) && r.cookies.length) res.setHeader('set-cookie', r.cookies.map(String));
    const body =
      typeof r.body === 'string' ? r.body : r.body === undefined || r.body === null ? '' : JSON.stringify(r.body);
    const bytes = r.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
    res.statusCode = r.statusCode;
    res.setHeader('content-length', bytes.length);
    res.end(bytes);
    return;
  }
  // Unstructured result: a function URL answers 200 with the value as JSON (a string as is).
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json');
  res.end(body);
}

/**
 * Serves a handler function, or the handler in a built zip / bundle file, on http://127.0.0.1:<port>/.
 * A handler that throws answers 502 with {"Message":"Internal Server Error"}, as a function URL does.
 */
export async function serveHandler(source: LambdaHandler | string, options: ServeOptions = {}): Promise<ServeHandle> {
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(options.env ?? {})) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  const restoreEnv = () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  let loaded: LoadedHandler;
  try {
    loaded =
      typeof source === 'function' ? { handler: source, dispose: async () => undefined } : await loadHandler(source);
  } catch (err) {
    restoreEnv();
    throw err;
  }
  const maxBody = options.maxBodyBytes ?? 6 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const functionName = options.functionName ?? 'local';

  const server = createServer((req, res) => {
    void (async () => {
      const requestId = randomUUID();
      res.setHeader('x-amzn-requestid', requestId);
      let body: Buffer;
      try {
        body = await readBody(req, maxBody);
      } catch (err) {
        res.statusCode = err instanceof TooLarge ? 413 : 400;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            Message: err instanceof TooLarge ? 'Request must be smaller than 6291456 bytes' : 'Bad Request',
          }),
        );
        return;
      }
      const started = Date.now();
      const context: LambdaContextLike = {
        awsRequestId: requestId,
        functionName,
        getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
      };
      let result: unknown;
      try {
        result = await loaded.handler(toEvent(req, body, requestId), context);
      } catch {
        res.statusCode = 502;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Message: 'Internal Server Error' }));
        return;
      }
      try {
        writeResult(res, result);
      } catch {
        if (!res.headersSent) {
          res.statusCode = 502;
          res.setHeader('content-type', 'application/json');
        }
        res.end(JSON.stringify({ Message: 'Internal Server Error' }));
      }
    })();
  });

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  } catch (err) {
    await loaded.dispose();
    restoreEnv();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stop: () =>
      (stopped ??= (async () => {
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        await loaded.dispose();
        restoreEnv();
      })()),
  };
}
