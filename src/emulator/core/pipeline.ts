import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { handleControl, type ControlRoute } from './control.js';
import type { FaultDecision, FaultInjector } from './faults.js';
import { readBody, writeResult, type HandlerResult } from './http-io.js';
import { loggablePath, type RequestLog, type RequestLogEntry } from './request-log.js';
import type { Router } from './router.js';

/** One request as the pipeline hands it to a dialect. */
export interface PipelineRequest {
  req: IncomingMessage;
  method: string;
  url: URL;
  body: Buffer;
  requestId?: string;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

/** What makes an emulator Okta or Auth0: which paths are which, its limits, errors and routes. */
export interface Dialect {
  /** base for resolving request paths (the org URL) */
  baseUrl(): string;
  contentType: string;
  maxBodyBytes: number;
  /** query keys known to carry no secret, kept in the request log */
  safeQueryKeys: ReadonlySet<string>;
  /** the management API: always faultable */
  isManagement(path: string): boolean;
  /** token and discovery endpoints: faultable only with includeOAuth */
  isOAuth(path: string): boolean;
  /** counts the request against its rate limit; undefined when the path is not limited */
  rateLimit(request: PipelineRequest): RateDecision | undefined;
  /** the answer past the rate limit */
  rateLimited(request: PipelineRequest, headers: Record<string, string>): HandlerResult;
  /** the answer to an injected 429 or 500 */
  injected(kind: '429' | '500', request: PipelineRequest, rateHeaders: Record<string, string>): HandlerResult;
  /** route, authenticate, run the handler */
  dispatch(request: PipelineRequest): Promise<HandlerResult>;
  /** renders anything a step threw (the body cap, dialect errors, bugs) */
  errorResult(err: unknown, request: PipelineRequest | undefined): HandlerResult;
  /** a fresh id per request, sent in this header and kept in the log (Okta's X-Okta-Request-Id) */
  requestId?: { header: string; next(): string };
}

interface PipelineDeps<Entry extends RequestLogEntry> {
  dialect: Dialect;
  faults: FaultInjector;
  requestLog: RequestLog<Entry>;
  control: Router<ControlRoute>;
  /** one line per request, and for unexpected errors; never a secret */
  log?: (line: string) => void;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One request through the pipeline both emulators share: body (bounded), control endpoints, rate limit, latency,
 * faults, then the dialect's route, auth and handler, and the request log.
 */
export function requestHandler<Entry extends RequestLogEntry & { requestId?: string }>(deps: PipelineDeps<Entry>) {
  const { dialect, faults } = deps;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', dialect.baseUrl());
    const requestId = dialect.requestId?.next();
    if (requestId) res.setHeader(dialect.requestId!.header, requestId);

    let body: Buffer;
    try {
      body = await readBody(req, dialect.maxBodyBytes);
    } catch (err) {
      writeResult(res, dialect.errorResult(err, undefined), dialect.contentType);
      return;
    }
    if (url.pathname.startsWith('/__emulator/')) {
      await handleControl(deps.control, req, res, url, body);
      return;
    }
    const request: PipelineRequest = { req, method, url, body, ...(requestId ? { requestId } : {}) };

    const faultable = dialect.isManagement(url.pathname) || (faults.includeOAuth && dialect.isOAuth(url.pathname));
    let status = 0;
    let fault: string | undefined;
    const finishLog = () => {
      const entry = {
        method,
        path: loggablePath(url, dialect.safeQueryKeys),
        status,
        time: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        ...(requestId ? { requestId } : {}),
        ...(fault ? { fault } : {}),
      } as Entry;
      deps.requestLog.add(entry);
      deps.log?.(
        `${method} ${entry.path} ${fault && status === 0 ? 'dropped' : status}${fault ? ` (fault ${fault})` : ''} ${entry.durationMs}ms`,
      );
    };
    const drop = () => {
      res.socket?.destroy();
      res.destroy();
      finishLog();
    };

    let result: HandlerResult;
    const rate = dialect.rateLimit(request);
    const rateHeaders = rate?.headers ?? {};
    try {
      let decision: FaultDecision = { kind: 'none' };
      if (rate && !rate.allowed) result = dialect.rateLimited(request, rateHeaders);
      else {
        if (faultable) {
          if (faults.latencyMs > 0) await sleep(faults.latencyMs);
          decision = faults.decide(WRITE_METHODS.has(method));
        }
        if (decision.kind === 'drop') fault = `drop-${decision.when}`;
        if (decision.kind === 'drop' && decision.when === 'before') return drop();
        if (decision.kind === '429' || decision.kind === '500') {
          fault = decision.kind;
          result = dialect.injected(decision.kind, request, rateHeaders);
        } else result = await dispatchSafely(dialect, request);
        // the write happened; the answer is lost
        if (decision.kind === 'drop') return drop();
      }
    } catch (err) {
      result = dialect.errorResult(err, request);
    }
    result = { ...result, headers: { ...rateHeaders, ...result.headers } };
    status = result.status;
    writeResult(res, result, dialect.contentType);
    finishLog();
  };
}

async function dispatchSafely(dialect: Dialect, request: PipelineRequest): Promise<HandlerResult> {
  try {
    return await dialect.dispatch(request);
  } catch (err) {
    return dialect.errorResult(err, request);
  }
}

/** An http server (https with a certificate and key, PEM) around the pipeline. */
export function createPipelineServer(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  tls?: { cert: string; key: string },
  onError?: (err: unknown) => void,
): Server {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((err) => {
      onError?.(err);
      if (!res.headersSent) writeResult(res, { status: 500, body: { error: 'internal error' } });
      else res.destroy();
    });
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, listener) : createServer(listener);
  server.keepAliveTimeout = 5_000;
  return server;
}
