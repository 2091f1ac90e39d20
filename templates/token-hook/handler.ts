// Token inline hook (com.okta.oauth2.tokens.transform) for OAuth "on behalf of" with client credentials.
//
// API A asks Okta for a client-credentials token for API B and passes its own incoming JWT along as the
// `assertion` query parameter of the token request URL. Okta calls this hook with the request's context; the hook
// verifies the assertion, applies POLICY, and answers a com.okta.access.patch adding an `act` claim (RFC 8693
// style: {sub, client_id?, iss}, nesting the assertion's own `act` if it had one) and any CARRY_CLAIMS.
// A denied request answers {error: {errorSummary}}, which fails the token request.
//
// Environment:
//   HOOK_SECRET         required: the value Okta sends in the hook's auth header (compared in constant time).
//   HOOK_AUTH_HEADER    header carrying it (default "authorization").
//   ISSUER              required: issuer the assertion must carry (`iss`).
//   AUDIENCE            required: audience the assertion must carry (comma list: any of them).
//   JWKS_URL            the issuer's JWKS; default: jwks_uri from ISSUER/.well-known/oauth-authorization-server
//                       (then .../openid-configuration).
//   POLICY              required JSON {"<calling client id>": ["scope", ...]}; "*" as a key matches any client,
//                       "*" in a list any scope. Unset or invalid: every request is denied.
//   CARRY_CLAIMS        comma list of assertion claims copied into the new token as /claims/<name>; unset: the
//                       ones `okta-m2m hook build --carry-claim` put in the zip (okta-m2m-build.json), if any.
//   MAX_ASSERTION_AGE   seconds; assertions whose `iat` is older are denied ("replayed beyond policy").
//   REQUIRE_ASSERTION   default true; "false": a token request without an assertion passes unmodified.
//   CLOCK_TOLERANCE     seconds of clock skew allowed (default 30).
//   ALLOW_INSECURE_LOOPBACK  DEV/TEST ONLY: allows an http JWKS/discovery URL on a loopback host.
//
// Okta waits 3 s at most: network timeouts here are shorter. A bad shared secret answers 401 with no body.
// Logs: one JSON line per call, never the assertion, a token or the secret.

import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import {
  envFlag,
  envInt,
  eventBody,
  header,
  isLoopbackHost,
  isRecord,
  logLine,
  requestIdOf,
  str,
  type FunctionUrlResult,
  type LambdaContext,
} from '../shared/lambda.js';
import { BUILT_DEFAULTS_FILE, carryClaimProblem, ownClaim } from '../../src/lambda/carry-claims.js';

const ALGORITHMS = ['RS256', 'ES256'];
const DISCOVERY_TIMEOUT_MS = 1000;
const JWKS_TIMEOUT_MS = 1500;

class Deny extends Error {}
class Misconfigured extends Error {}

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;
const jwksByUrl = new Map<string, RemoteJwks>();
const discovered = new Map<string, Promise<string>>();

interface Config {
  secret: string | undefined;
  authHeader: string;
  issuer: string;
  audience: string[];
  jwksUrl: string | undefined;
  policy: Map<string, string[]>;
  carry: string[];
  maxAge: number | undefined;
  requireAssertion: boolean;
  tolerance: number;
  insecureLoopback: boolean;
}

/** What the zip's build file says (read once per cold start; no file, or a bad one, is no default). */
const built: { CARRY_CLAIMS?: string } = (() => {
  try {
    const parsed: unknown = JSON.parse(readFileSync(new URL(`./${BUILT_DEFAULTS_FILE}`, import.meta.url), 'utf8'));
    return isRecord(parsed) && typeof parsed.CARRY_CLAIMS === 'string' ? { CARRY_CLAIMS: parsed.CARRY_CLAIMS } : {};
  } catch {
    return {};
  }
})();

function readConfig(env: NodeJS.ProcessEnv): Config {
  const issuer = (env.ISSUER ?? '').trim();
  const audience = (env.AUDIENCE ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const maxAgeRaw = env.MAX_ASSERTION_AGE;
  return {
    secret: env.HOOK_SECRET ? env.HOOK_SECRET : undefined,
    authHeader: (env.HOOK_AUTH_HEADER ?? 'authorization').trim().toLowerCase() || 'authorization',
    issuer,
    audience,
    jwksUrl: env.JWKS_URL?.trim() || undefined,
    policy: parsePolicy(env.POLICY),
    carry: (env.CARRY_CLAIMS ?? built.CARRY_CLAIMS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    maxAge: maxAgeRaw && maxAgeRaw.trim() !== '' ? envInt(maxAgeRaw, 0, 0) : undefined,
    requireAssertion: !/^(0|false|no|off)$/i.test((env.REQUIRE_ASSERTION ?? 'true').trim()),
    tolerance: envInt(env.CLOCK_TOLERANCE, 30, 0, 300),
    insecureLoopback: envFlag(env.ALLOW_INSECURE_LOOPBACK),
  };
}

function parsePolicy(raw: string | undefined): Map<string, string[]> {
  const policy = new Map<string, string[]>();
  if (!raw || raw.trim() === '') return policy;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Misconfigured('POLICY is not valid JSON');
  }
  if (!isRecord(parsed)) throw new Misconfigured('POLICY must be a JSON object');
  for (const [client, scopes] of Object.entries(parsed)) {
    const list = typeof scopes === 'string' ? [scopes] : scopes;
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
      throw new Misconfigured('POLICY values must be lists of scopes');
    }
    policy.set(client, list);
  }
  return policy;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function secretMatches(presented: string | undefined, secret: string): boolean {
  // Hash both to equal length so timingSafeEqual neither throws nor leaks the length.
  const ok = timingSafeEqual(digest(presented ?? ''), digest(secret));
  return ok && presented !== undefined;
}

function checkFetchUrl(raw: string, cfg: Config, what: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Misconfigured(`${what} is not a URL`);
  }
  if (u.protocol === 'https:') return u;
  if (u.protocol === 'http:' && cfg.insecureLoopback && isLoopbackHost(u.hostname)) return u;
  throw new Misconfigured(`${what} must use https`);
}

async function discoverJwksUrl(cfg: Config): Promise<string> {
  const base = cfg.issuer.replace(/\/+$/, '');
  for (const wellKnown of ['oauth-authorization-server', 'openid-configuration']) {
    const url = checkFetchUrl(`${base}/.well-known/${wellKnown}`, cfg, 'ISSUER');
    let res: Response;
    try {
      res = await fetch(url, {
        redirect: 'error',
        signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
        headers: { accept: 'application/json' },
      });
    } catch {
      continue;
    }
    if (!res.ok) continue;
    const meta: unknown = await res.json().catch(() => undefined);
    if (!isRecord(meta) || typeof meta.jwks_uri !== 'string') continue;
    if (meta.issuer !== cfg.issuer) throw new Misconfigured('discovery document names another issuer');
    return checkFetchUrl(meta.jwks_uri, cfg, 'jwks_uri').href;
  }
  throw new Misconfigured('could not discover the issuer JWKS');
}

async function jwksFor(cfg: Config): Promise<RemoteJwks> {
  let url: string;
  if (cfg.jwksUrl) {
    url = checkFetchUrl(cfg.jwksUrl, cfg, 'JWKS_URL').href;
  } else {
    let p = discovered.get(cfg.issuer);
    if (!p) {
      p = discoverJwksUrl(cfg);
      discovered.set(cfg.issuer, p);
      // A failed discovery is retried by the next call, not cached.
      p.catch(() => discovered.delete(cfg.issuer));
    }
    url = await p;
  }
  let jwks = jwksByUrl.get(url);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(url), {
      timeoutDuration: JWKS_TIMEOUT_MS,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    jwksByUrl.set(url, jwks);
  }
  return jwks;
}

/** The assertion from the token request URL's query, or from protocol.request.assertion. */
function findAssertion(data: Record<string, unknown>): string | undefined {
  const context = isRecord(data.context) ? data.context : {};
  const request = isRecord(context.request) ? context.request : {};
  const url = isRecord(request.url) ? str(request.url.value) : str(request.url);
  if (url) {
    try {
      const a = new URL(url, 'https://placeholder.invalid').searchParams.get('assertion');
      if (a) return a;
    } catch {
      // fall through
    }
  }
  const protocol = isRecord(context.protocol) ? context.protocol : {};
  const preq = isRecord(protocol.request) ? protocol.request : {};
  const a = str(preq.assertion);
  return a || undefined;
}

/**
 * The scopes the policy decides on: the GRANTED ones (data.access.scopes, what will be in the token; an empty
 * `scope=` still gets the server's default scopes), plus any requested one outside them (Okta refuses such a
 * request anyway, so this only ever makes the check stricter).
 */
function decidingScopes(data: Record<string, unknown>): string[] {
  const access = isRecord(data.access) ? data.access : {};
  const granted = isRecord(access.scopes) ? Object.keys(access.scopes) : [];
  const context = isRecord(data.context) ? data.context : {};
  const protocol = isRecord(context.protocol) ? context.protocol : {};
  const preq = isRecord(protocol.request) ? protocol.request : {};
  const scope = preq.scope;
  const requested =
    typeof scope === 'string'
      ? scope.split(/\s+/).filter(Boolean)
      : Array.isArray(scope)
        ? scope.filter((s): s is string => typeof s === 'string')
        : [];
  return [...new Set([...granted, ...requested])];
}

function callingClient(data: Record<string, unknown>): string | undefined {
  const context = isRecord(data.context) ? data.context : {};
  const protocol = isRecord(context.protocol) ? context.protocol : {};
  const client = isRecord(protocol.client) ? protocol.client : {};
  return str(client.id) || undefined;
}

function checkPolicy(cfg: Config, client: string, scopes: string[]): void {
  if (cfg.policy.size === 0) throw new Misconfigured('no POLICY configured');
  const allowed = cfg.policy.get(client) ?? cfg.policy.get('*');
  if (!allowed) throw new Deny('client is not allowed to act on behalf of others');
  if (allowed.includes('*')) return;
  // No scope to decide on is no permission: only a policy of "*" allows it.
  if (scopes.length === 0) throw new Deny('client may not act on behalf of others without a scope');
  const refused = scopes.filter((s) => !allowed.includes(s));
  if (refused.length) throw new Deny(`client may not act on behalf of others for scope ${refused.join(' ')}`);
}

async function verifyAssertion(assertion: string, cfg: Config): Promise<JWTPayload> {
  if (!cfg.issuer || cfg.audience.length === 0) throw new Misconfigured('ISSUER and AUDIENCE must be set');
  const jwks = await jwksFor(cfg);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, jwks, {
      issuer: cfg.issuer,
      audience: cfg.audience,
      algorithms: ALGORITHMS,
      clockTolerance: cfg.tolerance,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (err) {
    throw new Deny(`assertion rejected: ${describeJoseError(err)}`);
  }
  // jose checks iat only against a maxTokenAge: an assertion from the future (beyond the clock tolerance) would
  // otherwise pass, and sidestep MAX_ASSERTION_AGE (its age is negative).
  if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + cfg.tolerance) {
    throw new Deny('assertion rejected: issued in the future');
  }
  return payload;
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    const claim = /^[a-z_]{1,20}$/.test(err.claim) ? err.claim : 'claim';
    if (claim === 'nbf') return 'not yet valid';
    if (claim === 'iat') return 'issued in the future';
    return `${claim} mismatch`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no matching key';
  if (err instanceof joseErrors.JWKSTimeout) return 'key set timed out';
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return 'malformed';
  if (err instanceof joseErrors.JOSEError) return err.code;
  return 'unverifiable';
}

function buildPatch(payload: JWTPayload, cfg: Config): { op: string; path: string; value: unknown }[] {
  const act: Record<string, unknown> = { sub: payload.sub, iss: payload.iss };
  const cid = payload.cid ?? payload.client_id ?? payload.azp;
  if (typeof cid === 'string' && cid !== '') act.client_id = cid;
  if (isRecord(payload.act)) act.act = payload.act;
  const ops: { op: string; path: string; value: unknown }[] = [{ op: 'add', path: '/claims/act', value: act }];
  for (const name of cfg.carry) {
    if (carryClaimProblem(name) !== undefined) continue;
    const v = ownClaim(payload, name);
    if (v !== undefined) ops.push({ op: 'add', path: `/claims/${name}`, value: v });
  }
  return ops;
}

function answer(statusCode: number, body?: unknown): FunctionUrlResult {
  if (body === undefined)
    return { statusCode, headers: { 'cache-control': 'no-store' }, body: '', isBase64Encoded: false };
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

function deny(summary: string): FunctionUrlResult {
  return answer(200, { error: { errorSummary: summary } });
}

export async function handler(event: unknown, context?: LambdaContext): Promise<FunctionUrlResult> {
  const started = Date.now();
  const requestId = requestIdOf(event, context, randomUUID);
  const log: Record<string, unknown> = { level: 'info', service: 'token-hook', requestId };
  let result: FunctionUrlResult;
  let cfg: Config | undefined;
  try {
    cfg = readConfig(process.env);
  } catch (err) {
    // Only POLICY parsing throws here; authenticate first anyway before saying anything.
    cfg = undefined;
    log.configError = err instanceof Misconfigured ? err.message : 'bad configuration';
  }
  const secret = process.env.HOOK_SECRET;
  const authHeader =
    cfg?.authHeader ?? ((process.env.HOOK_AUTH_HEADER ?? 'authorization').trim().toLowerCase() || 'authorization');
  try {
    if (!secret) {
      // Fail closed: without a secret nobody is authenticated, and an unmodified token would lack its act claim.
      throw new Misconfigured('HOOK_SECRET is not set');
    }
    if (!secretMatches(header(event, authHeader), secret)) {
      log.decision = 'unauthenticated';
      result = answer(401);
    } else {
      if (!cfg) throw new Misconfigured(String(log.configError));
      const b = eventBody(event, 256 * 1024);
      if (!b.ok) throw new Deny('hook request body unreadable');
      let body: unknown;
      try {
        body = JSON.parse(b.body.toString('utf8'));
      } catch {
        throw new Deny('hook request body is not JSON');
      }
      if (!isRecord(body)) throw new Deny('hook request body is not an object');
      if (typeof body.eventId === 'string' && /^[\w.:-]{1,128}$/.test(body.eventId)) log.eventId = body.eventId;
      const data = isRecord(body.data) ? body.data : {};
      const client = callingClient(data);
      log.client = client;
      const assertion = findAssertion(data);
      if (!assertion) {
        if (cfg.requireAssertion) throw new Deny('no assertion on the token request');
        log.decision = 'pass';
        result = answer(204);
      } else {
        if (!client) throw new Deny('no calling client in the hook request');
        const scopes = decidingScopes(data);
        log.scopes = scopes;
        checkPolicy(cfg, client, scopes);
        const payload = await verifyAssertion(assertion, cfg);
        if (cfg.maxAge !== undefined) {
          if (typeof payload.iat !== 'number') throw new Deny('assertion has no iat');
          if (Date.now() / 1000 - payload.iat > cfg.maxAge + cfg.tolerance) {
            throw new Deny('assertion replayed beyond policy');
          }
        }
        log.actor = typeof payload.sub === 'string' ? payload.sub : undefined;
        log.decision = 'allow';
        result = answer(200, { commands: [{ type: 'com.okta.access.patch', value: buildPatch(payload, cfg) }] });
      }
    }
  } catch (err) {
    if (err instanceof Misconfigured) {
      log.level = 'error';
      log.decision = 'deny';
      log.reason = err.message;
      result = deny('token hook is misconfigured');
    } else if (err instanceof Deny) {
      log.level = 'warn';
      log.decision = 'deny';
      log.reason = err.message;
      result = deny(err.message);
    } else {
      log.level = 'error';
      log.decision = 'deny';
      log.reason = 'internal error';
      log.errorName = err instanceof Error ? err.name : typeof err;
      result = deny('token hook failed');
    }
  }
  log.status = result.statusCode;
  log.latencyMs = Date.now() - started;
  logLine(log);
  return result;
}
