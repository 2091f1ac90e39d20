import { BodyTooLargeError, type HandlerResult } from '../core/http-io.js';
import type { Dialect, PipelineRequest } from '../core/pipeline.js';
import type { Router } from '../core/router.js';
import { authError, mgmtError, RATE_LIMITED_BODY, ReplyError, type Reply } from './errors.js';
import { parseBody } from './http.js';
import type { RateLimiter } from './rate-limit.js';
import type { Route } from './router.js';
import { authorizeManagement } from './tokens.js';
import type { Tenant } from './tenant.js';

interface Auth0DialectDeps {
  tenant: () => Tenant;
  baseUrl: () => string;
  api: Router<Route>;
  limiter: RateLimiter;
}

const SAFE_QUERY_KEYS = new Set([
  'page',
  'per_page',
  'include_totals',
  'take',
  'from',
  'audience',
  'client_id',
  'name_filter',
  'app_type',
  'is_first_party',
  'fields',
  'include_fields',
  'identifiers',
  'q',
  'email',
]);
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const isAuthApi = (path: string) => path.startsWith('/oauth/');
const isManagement = (path: string) => path.startsWith('/api/v2/');

/** The Auth0 tenant: its paths, its one-second limit on /api/v2, its two error shapes, and scope checks. */
export function auth0Dialect(deps: Auth0DialectDeps): Dialect {
  return {
    baseUrl: deps.baseUrl,
    contentType: 'application/json; charset=utf-8',
    maxBodyBytes: MAX_BODY_BYTES,
    safeQueryKeys: SAFE_QUERY_KEYS,
    isManagement,
    isOAuth: (path) => isAuthApi(path) || path.startsWith('/.well-known/'),
    rateLimit: ({ url }) => (isManagement(url.pathname) ? deps.limiter.take() : undefined),
    rateLimited: () => ({ status: 429, body: RATE_LIMITED_BODY }),
    injected: (kind, { url }) => {
      if (kind === '429') {
        const headers = { 'x-ratelimit-remaining': '0' };
        return isAuthApi(url.pathname)
          ? { ...authError(429, 'too_many_requests', 'Global limit has been reached'), headers }
          : { status: 429, body: RATE_LIMITED_BODY, headers };
      }
      return isAuthApi(url.pathname)
        ? authError(500, 'server_error', 'Internal error (injected by the emulator)')
        : mgmtError(500, 'Internal error (injected by the emulator)');
    },
    errorResult: (err): HandlerResult => {
      if (err instanceof ReplyError) return err.reply;
      if (err instanceof BodyTooLargeError)
        return {
          status: 413,
          body: { statusCode: 413, error: 'Payload Too Large', message: 'Request payload too large' },
        };
      return mgmtError(500, 'Internal error');
    },
    dispatch: (request) => dispatch(deps, request),
  };
}

async function dispatch(deps: Auth0DialectDeps, { req, method, url, body: raw }: PipelineRequest): Promise<Reply> {
  const found = deps.api.match(method, url.pathname);
  if (found.kind === 'not-found') return mgmtError(404, 'Not Found');
  if (found.kind === 'method-not-allowed')
    return { status: 405, body: { statusCode: 405, error: 'Method Not Allowed', message: 'Method Not Allowed' } };
  const caller = found.route.scopes
    ? await authorizeManagement(deps.tenant(), req.headers.authorization, found.route.scopes)
    : undefined;
  const body = parseBody(raw, req.headers['content-type']);
  return found.route.handler({
    method,
    url,
    params: found.params,
    headers: req.headers,
    body,
    ...(caller ? { caller } : {}),
  });
}
