import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, InsufficientScopeError, isManagementPath, requireScope } from './auth.js';
import { assertRoleAllows } from './client-roles.js';
import type { RequestContext } from './context.js';
import { internalError, malformedBody, methodNotAllowed, notFound, OAuthError, OktaError, rateLimited } from './errors.js';
import { json, readBody, writeResult, type HandlerResult } from './http-io.js';
import { randomAlphanumeric } from './ids.js';
import { rateLimitBucket, type RateLimiter } from './ratelimit.js';
import type { Router } from './router.js';
import type { FaultInjector } from './shared/faults.js';
import { loggablePath, type RequestLog, type RequestLogEntry } from './shared/request-log.js';
import type { EmulatorState } from './state.js';

/** Each entry also carries the X-Okta-Request-Id the answer was sent with. */
export interface OktaRequestLogEntry extends RequestLogEntry {
  requestId: string;
}

const SAFE_QUERY_KEYS = new Set(['limit', 'after', 'q', 'filter', 'search', 'activate', 'expand', 'type', 'sendEmail', 'provider', 'sortBy', 'sortOrder']);

export interface ServerDeps {
  state: () => EmulatorState;
  orgUrl: () => string;
  adminToken: string;
  /** service apps need an admin role for OAuth-token management calls, as in Okta */
  requireAdminRole: boolean;
  router: Router;
  rateLimiter: RateLimiter;
  faults: FaultInjector;
  requestLog: RequestLog<OktaRequestLogEntry>;
  changed: () => void;
  control: (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => Promise<void>;
  log?: (line: string) => void;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errorResult(err: unknown, orgUrl: string, log?: (line: string) => void): HandlerResult {
  if (err instanceof OktaError) return json(err.status, err.body(), err.headers);
  if (err instanceof OAuthError) return json(err.status, err.body(), err.headers);
  if (err instanceof InsufficientScopeError) return { status: 403, headers: { 'WWW-Authenticate': err.wwwAuthenticate(orgUrl) } };
  log?.(`emulator: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
  return json(500, internalError().body());
}

/** One request through the pipeline: rate limit, faults, routing, auth, handler, log. */
export function requestHandler(deps: ServerDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const requestId = randomAlphanumeric(27);
    const orgUrl = deps.orgUrl();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', orgUrl);
    res.setHeader('X-Okta-Request-Id', requestId);

    let body = '';
    try {
      body = await readBody(req);
    } catch (err) {
      writeResult(res, errorResult(err, orgUrl, deps.log));
      return;
    }
    if (url.pathname.startsWith('/__emulator/')) {
      await deps.control(req, res, url, body);
      return;
    }

    const isManagement = isManagementPath(url.pathname);
    const faultable = isManagement || (deps.faults.includeOAuth && (url.pathname.startsWith('/oauth2/') || url.pathname.startsWith('/.well-known/')));
    const isWrite = WRITE_METHODS.has(method);
    let status = 0;
    let fault: string | undefined;
    const finishLog = () => {
      const entry = { method, path: loggablePath(url, SAFE_QUERY_KEYS), status, time: new Date(started).toISOString(), durationMs: Date.now() - started, requestId, ...(fault ? { fault } : {}) };
      deps.requestLog.add(entry);
      deps.log?.(`${entry.method} ${entry.path} ${fault && status === 0 ? 'dropped' : status}${fault ? ` (fault ${fault})` : ''} ${entry.durationMs}ms`);
    };
    const drop = () => {
      res.socket?.destroy();
      res.destroy();
      finishLog();
    };

    let result: HandlerResult;
    try {
      const limit = deps.rateLimiter.take(rateLimitBucket(method, url.pathname));
      for (const [name, value] of Object.entries(limit.headers)) res.setHeader(name, value);
      if (!limit.allowed) throw rateLimited();

      let dropAfterWrite = false;
      if (faultable) {
        if (deps.faults.latencyMs > 0) await sleep(deps.faults.latencyMs);
        const decision = deps.faults.decide(isWrite);
        if (decision.kind === '429') {
          fault = '429';
          res.setHeader('X-Rate-Limit-Remaining', '0');
          res.setHeader('X-Rate-Limit-Reset', String(Math.floor(Date.now() / 1000) + 1));
          throw rateLimited();
        }
        if (decision.kind === '500') {
          fault = '500';
          throw internalError();
        }
        if (decision.kind === 'drop') {
          fault = `drop-${decision.when}`;
          if (decision.when === 'before') return drop();
          dropAfterWrite = true;
        }
      }

      const state = deps.state();
      const principal = isManagement
        ? await authenticate(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined, deps.adminToken, state, orgUrl)
        : undefined;
      const match = deps.router.match(method, url.pathname);
      if (match.kind === 'not-found') throw notFound(`${url.pathname} (Path)`);
      if (match.kind === 'method-not-allowed') throw methodNotAllowed();

      let parsedBody: unknown;
      if (principal) {
        if (match.route.scope) {
          requireScope(principal, match.route.scope, url.pathname);
          if (principal.kind === 'oauth' && deps.requireAdminRole) assertRoleAllows(state, principal.clientId, match.route.scope);
        }
        if (body.trim() !== '') {
          try {
            parsedBody = JSON.parse(body);
          } catch {
            throw malformedBody();
          }
        }
      }
      const ctx: RequestContext = {
        state,
        orgUrl,
        method,
        url,
        requestOrigin: req.headers.host ? `http://${req.headers.host}` : orgUrl,
        params: match.params,
        query: url.searchParams,
        headers: req.headers,
        body: parsedBody,
        rawBody: body,
        remoteAddress: req.socket.remoteAddress ?? '',
        requestId,
        changed: deps.changed,
      };
      result = await match.route.handler(ctx);
      if (dropAfterWrite) return drop();
    } catch (err) {
      if (fault?.startsWith('drop')) return drop();
      result = errorResult(err, orgUrl, deps.log);
    }
    status = result.status;
    writeResult(res, result);
    finishLog();
  };
}
