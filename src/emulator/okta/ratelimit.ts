import { basicCredentials } from '../core/credentials.js';

/**
 * Okta's per-minute, org-wide rate limits by endpoint family and org plan, with each app's (or API token's) share of
 * a bucket capped at 50 %. Sources (checked row by row, see docs/emulator.md "Rate limits"):
 * - developer.okta.com/docs/reference/rl-global-mgmt/ (management: apps, users, groups, /oauth2/v1/clients, "most
 *   other API actions: /api/v1"); its columns: Integrator Free Plan (`developer`), One App, Enterprise, Workforce
 *   identity (`workforce`). The earlier edition's "Developer (free)" column (`free`) has the same figures.
 * - developer.okta.com/docs/reference/rl-global-enduser/ (token endpoints, other OAuth 2.0 requests per server kind,
 *   "all other OAuth2 requests: /oauth2"; "Endpoints without rate limiting": keys and metadata).
 * - developer.okta.com/docs/reference/rl2-token-oauth/ (each API token or OAuth 2.0 app: at most 50 % of a bucket).
 * - support.okta.com "How the Rate Limits Work for Authorization Servers": all custom servers share one bucket, the
 *   org server has its own.
 */
export type RateLimitPlan = 'workforce' | 'developer' | 'free' | 'off';
export const RATE_LIMIT_PLANS: readonly RateLimitPlan[] = ['workforce', 'developer', 'free', 'off'];

interface Family {
  name: string;
  methods?: readonly string[];
  path: RegExp;
  perMinute: Record<Exclude<RateLimitPlan, 'off'>, number>;
}

const ID = '[^/]+';
/** First match wins: specific families before the catch-all of their prefix. */
const FAMILIES: readonly Family[] = [
  {
    name: '/api/v1/apps/{id}',
    methods: ['GET', 'PUT', 'DELETE'],
    path: new RegExp(`^/api/v1/apps/${ID}$`),
    perMinute: { free: 100, developer: 100, workforce: 500 },
  },
  { name: '/api/v1/apps*', path: /^\/api\/v1\/apps(\/|$)/, perMinute: { free: 20, developer: 20, workforce: 100 } },
  {
    name: 'GET, POST /api/v1/users',
    methods: ['GET', 'POST'],
    path: /^\/api\/v1\/users$/,
    perMinute: { free: 100, developer: 100, workforce: 600 },
  },
  {
    name: 'GET /api/v1/users/{idOrLogin}',
    methods: ['GET'],
    path: new RegExp(`^/api/v1/users/${ID}$`),
    perMinute: { free: 100, developer: 100, workforce: 2000 },
  },
  {
    name: 'POST, PUT, DELETE /api/v1/users/{id}',
    methods: ['POST', 'PUT', 'DELETE'],
    path: new RegExp(`^/api/v1/users/${ID}$`),
    perMinute: { free: 100, developer: 100, workforce: 600 },
  },
  {
    name: '/api/v1/groups/{id}',
    methods: ['GET', 'PUT', 'DELETE'],
    path: new RegExp(`^/api/v1/groups/${ID}$`),
    perMinute: { free: 100, developer: 100, workforce: 1000 },
  },
  {
    name: '/api/v1/groups*',
    path: /^\/api\/v1\/groups(\/|$)/,
    perMinute: { free: 100, developer: 100, workforce: 500 },
  },
  {
    name: '/oauth2/v1/clients*',
    path: /^\/oauth2\/v1\/clients(\/|$)/,
    perMinute: { free: 25, developer: 25, workforce: 100 },
  },
  {
    name: '/oauth2/{authorizationServerId}/v1/token',
    path: new RegExp(`^/oauth2/${ID}/v1/token$`),
    perMinute: { free: 300, developer: 300, workforce: 2000 },
  },
  {
    name: '/oauth2/v1/token',
    path: /^\/oauth2\/v1\/token$/,
    perMinute: { free: 300, developer: 300, workforce: 2000 },
  },
  {
    name: '/oauth2/v1* (org server)',
    path: /^\/oauth2\/v1\//,
    perMinute: { free: 300, developer: 300, workforce: 2000 },
  },
  {
    name: '/oauth2/{authorizationServerId}/v1* (custom servers)',
    path: new RegExp(`^/oauth2/${ID}/v1/`),
    perMinute: { free: 300, developer: 300, workforce: 2000 },
  },
  { name: '/oauth2*', path: /^\/oauth2(\/|$)/, perMinute: { free: 100, developer: 100, workforce: 600 } },
  { name: '/api/v1*', path: /^\/api\/v1\//, perMinute: { free: 100, developer: 100, workforce: 1200 } },
];

/** Okta does not rate-limit the key sets or the well-known metadata documents. */
function isUnlimitedPath(path: string): boolean {
  return /\/v1\/keys$/.test(path) || path.includes('/.well-known/');
}

/** Each app (OAuth client id) or API token may use at most this share of a bucket, Okta's default. */
const PER_PRINCIPAL_SHARE = 0.5;

interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

/**
 * Fixed one-minute windows per family (org-wide) and per family and caller (the 50 % share). `windowMs` shortens
 * the minute (whole seconds), so that a test can run many windows of a plan in seconds; Okta's is 60 s.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { resetAt: number; used: number }>();

  /** flatPerMinute: one limit for every limited family instead of the plan's (tests); the share still applies */
  constructor(
    public plan: RateLimitPlan,
    public flatPerMinute?: number,
    public windowMs = 60_000,
  ) {
    if (!(Number.isInteger(windowMs) && windowMs >= 1000 && windowMs % 1000 === 0))
      throw new Error('windowMs must be a whole number of seconds');
  }

  familyOf(method: string, path: string): Family | undefined {
    if (isUnlimitedPath(path)) return undefined;
    return FAMILIES.find((f) => f.path.test(path) && (!f.methods || f.methods.includes(method)));
  }

  limitOf(family: Family): number {
    if (this.flatPerMinute !== undefined) return this.flatPerMinute;
    return this.plan === 'off' ? Infinity : family.perMinute[this.plan];
  }

  /** Counts one request by `principal` (undefined when unknown) and returns the headers for it. */
  take(method: string, path: string, principal: string | undefined, nowMs = Date.now()): RateDecision | undefined {
    if (this.plan === 'off' && this.flatPerMinute === undefined) return undefined;
    const family = this.familyOf(method, path);
    if (!family) return undefined;
    const orgLimit = this.limitOf(family);
    const shareLimit = Math.max(1, Math.floor(orgLimit * PER_PRINCIPAL_SHARE));
    const org = this.window(family.name, nowMs);
    const mine = principal ? this.window(`${family.name} ${principal}`, nowMs) : undefined;
    const allowed = org.used < orgLimit && (!mine || mine.used < shareLimit);
    if (allowed) {
      org.used++;
      if (mine) mine.used++;
    }
    // The headers describe the tighter of the two limits the caller is under.
    const useShare = mine !== undefined && shareLimit - mine.used < orgLimit - org.used;
    const limit = useShare ? shareLimit : orgLimit;
    const used = useShare ? mine.used : org.used;
    return {
      allowed,
      headers: {
        'X-Rate-Limit-Limit': String(limit),
        'X-Rate-Limit-Remaining': String(Math.max(0, limit - used)),
        'X-Rate-Limit-Reset': String(org.resetAt),
      },
    };
  }

  private window(key: string, nowMs: number): { resetAt: number; used: number } {
    let window = this.windows.get(key);
    if (!window || nowMs >= window.resetAt * 1000) {
      const start = Math.floor(nowMs / this.windowMs) * this.windowMs;
      window = { resetAt: (start + this.windowMs) / 1000, used: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  reset(): void {
    this.windows.clear();
  }
}

/** Who a management or token call counts against for the 50 % share: the API token, or the OAuth client. */
export function rateLimitPrincipal(
  authorization: string | undefined,
  form: string,
  contentType: string | undefined,
): string | undefined {
  if (authorization) {
    const [scheme = '', credential = ''] = authorization.split(' ', 2);
    if (/^ssws$/i.test(scheme)) return 'ssws';
    if (/^(bearer|dpop)$/i.test(scheme)) {
      const payload = credential.split('.')[1];
      try {
        const cid = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')).cid;
        if (typeof cid === 'string') return `client:${cid}`;
      } catch {
        return undefined;
      }
    }
    const basic = basicCredentials(authorization);
    if (basic && basic !== 'malformed') return `client:${basic.clientId}`;
  }
  if (String(contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    const params = new URLSearchParams(form);
    const clientId = params.get('client_id');
    if (clientId) return `client:${clientId}`;
    const assertion = params.get('client_assertion');
    if (assertion) {
      try {
        const sub = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')).sub;
        if (typeof sub === 'string') return `client:${sub}`;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
