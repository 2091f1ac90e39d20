import { authenticate, InsufficientScopeError, isManagementPath, requireScope } from './auth.js';
import { assertRoleAllows } from './client-roles.js';
import type { Route, RequestContext } from './context.js';
import { internalError, malformedBody, methodNotAllowed, OAuthError, OktaError, rateLimited } from './errors.js';
import { BodyTooLargeError, json, type HandlerResult } from '../core/http-io.js';
import { randomAlphanumeric } from './ids.js';
import { rateLimitPrincipal, type RateLimiter } from './ratelimit.js';
import type { Dialect, PipelineRequest } from '../core/pipeline.js';
import type { Router } from '../core/router.js';
import type { RequestLogEntry } from '../core/request-log.js';
import type { DpopReplayGuard } from './dpop.js';
import type { EmulatorState } from './state.js';

/** Each entry also carries the X-Okta-Request-Id the answer was sent with. */
export interface OktaRequestLogEntry extends RequestLogEntry {
  requestId: string;
}

const SAFE_QUERY_KEYS = new Set([
  'limit',
  'after',
  'q',
  'filter',
  'search',
  'activate',
  'expand',
  'type',
  'sendEmail',
  'provider',
  'sortBy',
  'sortOrder',
]);
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The running org as the dialect and the control surface see it: its state, URL and rate limiter. */
export interface LiveOrg {
  state: () => EmulatorState;
  orgUrl: () => string;
  rateLimiter: RateLimiter;
}

interface OktaDialectDeps extends LiveOrg {
  adminToken: string;
  /** service apps need an admin role for OAuth-token management calls, as in Okta */
  requireAdminRole: boolean;
  router: Router<Route>;
  dpopReplay: DpopReplayGuard;
  changed: () => void;
  log?: (line: string) => void;
}

/** The Okta org: its paths, limits, error bodies, and auth (SSWS or an okta.* token) before each handler. */
export function oktaDialect(deps: OktaDialectDeps): Dialect {
  const errorResult = (err: unknown): HandlerResult => {
    if (err instanceof OktaError) return json(err.status, err.body(), err.headers);
    if (err instanceof OAuthError) return json(err.status, err.body(), err.headers);
    if (err instanceof InsufficientScopeError)
      return { status: 403, headers: { 'WWW-Authenticate': err.wwwAuthenticate(deps.orgUrl()) } };
    if (err instanceof BodyTooLargeError) {
      const tooLarge = new OktaError(413, 'E0000001', 'Api validation failed: request', [
        'request: The request body is too large',
      ]);
      return json(413, tooLarge.body());
    }
    deps.log?.(`emulator: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    return json(500, internalError().body());
  };
  return {
    baseUrl: deps.orgUrl,
    contentType: 'application/json',
    maxBodyBytes: MAX_BODY_BYTES,
    safeQueryKeys: SAFE_QUERY_KEYS,
    isManagement: isManagementPath,
    isOAuth: (path) => path.startsWith('/oauth2/') || path.startsWith('/.well-known/'),
    rateLimit: ({ req, method, url, body }) => {
      const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
      return deps.rateLimiter.take(
        method,
        url.pathname,
        rateLimitPrincipal(authorization, body.toString('utf8'), req.headers['content-type']),
      );
    },
    rateLimited: () => errorResult(rateLimited()),
    injected: (kind) => {
      if (kind === '500') return errorResult(internalError());
      return errorResult(
        rateLimited({ 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String(Math.floor(Date.now() / 1000) + 1) }),
      );
    },
    errorResult,
    requestId: { header: 'X-Okta-Request-Id', next: () => randomAlphanumeric(27) },
    dispatch: (request) => dispatch(deps, request),
  };
}

async function dispatch(
  deps: OktaDialectDeps,
  { req, method, url, body: raw, requestId }: PipelineRequest,
): Promise<HandlerResult> {
  const state = deps.state();
  const orgUrl = deps.orgUrl();
  const body = raw.toString('utf8');
  const principal = isManagementPath(url.pathname)
    ? await authenticate(
        typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined,
        deps.adminToken,
        state,
        orgUrl,
        {
          proof: typeof req.headers.dpop === 'string' ? req.headers.dpop : undefined,
          method,
          htus: [
            `${orgUrl}${url.pathname}`,
            ...(req.headers.host ? [`http://${req.headers.host}${url.pathname}`] : []),
          ],
          replay: deps.dpopReplay,
        },
      )
    : undefined;
  const match = deps.router.match(method, url.pathname);
  if (match.kind === 'not-found') {
    // Okta's answer, plus a cause saying this may be an endpoint Okta has and the emulator lacks.
    throw new OktaError(404, 'E0000007', `Not found: Resource not found: ${url.pathname} (Path)`, [
      'The Okta emulator does not serve this path; Okta may (see docs/emulator.md for what it serves).',
    ]);
  }
  if (match.kind === 'method-not-allowed') throw methodNotAllowed();

  let parsedBody: unknown;
  if (principal) {
    if (match.route.scope) {
      requireScope(principal, match.route.scope, url.pathname);
      if (principal.kind === 'oauth' && deps.requireAdminRole)
        assertRoleAllows(state, principal.clientId, match.route.scope, { method, path: url.pathname });
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
    requestId: requestId ?? '',
    changed: deps.changed,
  };
  return match.route.handler(ctx);
}
