import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { authError, mgmtError, RATE_LIMITED_BODY, ReplyError, type Reply } from './errors.js';
import type { FaultDecision, FaultInjector } from '../shared/faults.js';
import { loggablePath, type RequestLog } from '../shared/request-log.js';
import { parseBody, readBody, send } from './http.js';
import type { RateLimiter } from './rate-limit.js';
import type { Router } from './router.js';
import { authorizeManagement } from './tokens.js';
import type { Tenant } from './tenant.js';

export interface Pipeline {
  tenant: Tenant;
  api: Router;
  control: Router;
  faults: FaultInjector;
  limiter: RateLimiter;
  log: RequestLog;
}

const SAFE_QUERY_KEYS = new Set([
  'page', 'per_page', 'include_totals', 'take', 'from', 'audience', 'client_id', 'name_filter', 'app_type',
  'is_first_party', 'fields', 'include_fields', 'identifiers', 'q', 'email',
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isAuthApi = (path: string) => path.startsWith('/oauth/');

function faultReply(kind: '429' | '500', path: string, rateHeaders: Record<string, string>): Reply {
  if (kind === '429') {
    const headers = { ...rateHeaders, 'x-ratelimit-remaining': '0' };
    return isAuthApi(path)
      ? { ...authError(429, 'too_many_requests', 'Global limit has been reached'), headers }
      : { status: 429, body: RATE_LIMITED_BODY, headers };
  }
  return isAuthApi(path)
    ? authError(500, 'server_error', 'Internal error (injected by the emulator)')
    : mgmtError(500, 'Internal error (injected by the emulator)');
}

async function dispatch(router: Router, p: Pipeline, req: IncomingMessage, url: URL): Promise<Reply> {
  const method = req.method ?? 'GET';
  const found = router.find(method, url.pathname);
  if (found === undefined) return mgmtError(404, 'Not Found');
  if (found === 'method-not-allowed') return { status: 405, body: { statusCode: 405, error: 'Method Not Allowed', message: 'Method Not Allowed' } };
  const raw = await readBody(req);
  const caller = found.route.scopes ? await authorizeManagement(p.tenant, req.headers.authorization, found.route.scopes) : undefined;
  const body = parseBody(raw, req.headers['content-type']);
  return found.route.handler({ method, url, params: found.params, headers: req.headers, body, ...(caller ? { caller } : {}) });
}

async function handle(p: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  if (url.pathname.startsWith('/__emulator/')) {
    send(res, await run(() => dispatch(p.control, p, req, url)));
    return;
  }
  const started = Date.now();
  const method = req.method ?? 'GET';
  const isMgmt = url.pathname.startsWith('/api/v2/');
  const faultable = isMgmt || (p.faults.includeOAuth && (isAuthApi(url.pathname) || url.pathname.startsWith('/.well-known/')));
  const isWrite = !['GET', 'HEAD', 'OPTIONS'].includes(method);
  let fault: string | undefined;
  const finish = (status: number) => {
    p.log.add({ method, path: loggablePath(url, SAFE_QUERY_KEYS), status, time: new Date(started).toISOString(), durationMs: Date.now() - started, ...(fault ? { fault } : {}) });
  };
  const drop = () => {
    finish(0);
    req.socket.destroy();
  };

  const rate = isMgmt ? p.limiter.take() : undefined;
  let decision: FaultDecision = { kind: 'none' };
  if (faultable) {
    if (p.faults.latencyMs > 0) await sleep(p.faults.latencyMs);
    decision = p.faults.decide(isWrite);
  }
  if (decision.kind === 'drop' && decision.when === 'before') {
    fault = 'drop-before';
    return drop();
  }
  let reply: Reply;
  if (decision.kind === '429' || decision.kind === '500') {
    fault = decision.kind;
    reply = faultReply(decision.kind, url.pathname, rate?.headers ?? {});
  } else if (rate && !rate.allowed) reply = { status: 429, body: RATE_LIMITED_BODY, headers: rate.headers };
  else reply = await run(() => dispatch(p.api, p, req, url));
  if (decision.kind === 'drop') {
    // the write happened; the answer is lost
    fault = 'drop-after';
    return drop();
  }
  if (rate) reply = { ...reply, headers: { ...rate.headers, ...reply.headers } };
  send(res, reply);
  finish(reply.status);
}

async function run(fn: () => Promise<Reply>): Promise<Reply> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ReplyError) return err.reply;
    return mgmtError(500, 'Internal error');
  }
}

/** http, or https when given a certificate and key (PEM). */
export function createEmulatorServer(p: Pipeline, tls?: { cert: string; key: string }): Server {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(p, req, res).catch(() => {
      if (!res.headersSent) send(res, mgmtError(500, 'Internal error'));
      else res.destroy();
    });
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, listener) : createServer(listener);
  server.keepAliveTimeout = 5_000;
  return server;
}
