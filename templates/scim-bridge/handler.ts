// SCIM bridge: a Lambda function URL that lets Okta provisioning (SCIM, which speaks static bearer tokens)
// reach a SCIM API protected by OAuth 2.0 client credentials.
//
//   Okta --(Authorization: Bearer <bridge token>)--> https://<function url>/<target host>/<scim path>
//   bridge --(client credentials, cached)--> token URL from the bridge token
//   bridge --(Authorization: Bearer <access token>)--> https://<target host>/<scim path>
//
// Environment:
//   ALLOWED_HOSTS            comma-separated target hosts (host or host:port, exact, case-insensitive). Required:
//                            empty means every request is refused. IP literals work only when listed here.
//   ALLOWED_TOKEN_HOSTS      hosts the token URL in a bridge token may point at (default: ALLOWED_HOSTS).
//   MAX_BODY_BYTES           request body limit (default 1 MiB).
//   MAX_RESPONSE_BYTES       upstream response limit (default 5 MiB; function URL responses stop at 6 MB).
//   UPSTREAM_TIMEOUT_MS      upstream request timeout (default 20000).
//   TOKEN_TIMEOUT_MS         token request timeout (default 10000).
//   BRIDGE_PRIVATE_KEY       the private half of the bridge key (a P-256 JWK, JSON), made by `okta-m2m hook deploy`
//                            or `hook serve`: it opens sealed (version 2) bridge tokens.
//   BRIDGE_PRIVATE_KEY_SECRET_ID  instead of BRIDGE_PRIVATE_KEY: the ARN of an AWS Secrets Manager secret holding
//                            it, read once per cold start with the Lambda runtime's AWS SDK (the function's role
//                            needs secretsmanager:GetSecretValue on it).
//   ACCEPT_UNSEALED_TOKENS   whether version 1 (base64, unsealed) tokens are accepted (default "1": yes). "0" turns
//                            them off once the Okta SCIM app has a sealed token.
//   ALLOW_INSECURE_LOOPBACK  DEV/TEST ONLY. "1": loopback targets (localhost, 127.0.0.0/8, ::1) are reached over
//                            plain http, and a loopback token URL may be http. They must still be allowlisted.
//                            Never set it on a deployed function.
//
// Order: the caller is authenticated first (a decodable bridge token, a sealed one opened with the bridge key, whose token URL is allowlisted and whose
// credentials the token endpoint accepts), and every failure to be is the same 401, so the allowlists cannot be
// probed without credentials; then the target is checked. An allowlisted NAME that resolves to a loopback,
// private or link-local address is refused (only loopback spelled as such, under the switch above, is reached), and
// the request connects to the address that was checked (shared/pinned-fetch.ts), so DNS rebinding cannot swap it.
// After a refused token request, that token URL and client id wait (1 s, doubling, at most 60 s) before the token
// endpoint is asked again: the bridge is no oracle for guessing secrets. The identity provider's error text is
// never passed on. Redirects are never followed. Logs: one JSON line per request, never a token, secret or body.

import { createHash, randomUUID } from 'node:crypto';
import {
  eventBody,
  bearerToken,
  envFlag,
  envInt,
  header,
  httpMethod,
  isLoopbackHost,
  isRecord,
  isTextual,
  logLine,
  requestIdOf,
  str,
  type FunctionUrlResult,
  type LambdaContext,
} from '../shared/lambda.js';
import { vetHost, type VettedAddress } from '../shared/addresses.js';
import { pinnedFetch } from '../shared/pinned-fetch.js';
import {
  BridgeTokenError,
  bridgeTokenText,
  decodeBridgeToken,
  isSealedBridgeToken,
  type BridgeToken as BridgeCredentials,
} from '../../src/scim/bridge-token.js';
import { sealedTokenOpener } from '../../src/scim/sealed-token.js';
import { fetchBodySource, readCappedBody } from '../../src/http/capped-body.js';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const FORWARD_REQUEST_HEADERS = [
  'accept',
  'accept-language',
  'content-type',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'prefer',
];
// Hop-by-hop (RFC 9110 7.6.1) plus what fetch has already undone (length/encoding) or what must not cross.
const DROP_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'content-encoding',
  'set-cookie',
  'alt-svc',
  'strict-transport-security',
]);
const MAX_CACHE_ENTRIES = 256;

class BridgeError extends Error {
  /** Set when the token endpoint refused the credentials (4xx): the caller is not authenticated. */
  refusedByIdp = false;
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: string,
  ) {
    super(message);
  }
}

interface Config {
  allowedHosts: Set<string>;
  allowedTokenHosts: Set<string>;
  insecureLoopback: boolean;
  maxBody: number;
  maxResponse: number;
  upstreamTimeoutMs: number;
  tokenTimeoutMs: number;
  acceptUnsealed: boolean;
  privateKey: string | undefined;
  privateKeySecretId: string | undefined;
}

/** "Host", "host:443", "https://host/" -> "host"; "host:8443" stays; "" when nonsense. */
export function normalizeHost(entry: string): string {
  let h = entry.trim().toLowerCase();
  h = h.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  h = h.replace(/\/.*$/, '');
  h = h.replace(/:443$/, '');
  return /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(h) ? h : '';
}

function hostSet(list: string | undefined): Set<string> {
  return new Set(
    (list ?? '')
      .split(',')
      .map(normalizeHost)
      .filter((h) => h !== ''),
  );
}

function readConfig(env: NodeJS.ProcessEnv): Config {
  const allowedHosts = hostSet(env.ALLOWED_HOSTS);
  const tokenList = env.ALLOWED_TOKEN_HOSTS;
  return {
    allowedHosts,
    allowedTokenHosts: tokenList && tokenList.trim() !== '' ? hostSet(tokenList) : allowedHosts,
    insecureLoopback: envFlag(env.ALLOW_INSECURE_LOOPBACK),
    maxBody: envInt(env.MAX_BODY_BYTES, 1024 * 1024),
    maxResponse: envInt(env.MAX_RESPONSE_BYTES, 5 * 1024 * 1024),
    upstreamTimeoutMs: envInt(env.UPSTREAM_TIMEOUT_MS, 20_000, 100),
    tokenTimeoutMs: envInt(env.TOKEN_TIMEOUT_MS, 10_000, 100),
    acceptUnsealed:
      env.ACCEPT_UNSEALED_TOKENS === undefined ||
      env.ACCEPT_UNSEALED_TOKENS.trim() === '' ||
      envFlag(env.ACCEPT_UNSEALED_TOKENS),
    privateKey: env.BRIDGE_PRIVATE_KEY?.trim() || undefined,
    privateKeySecretId: env.BRIDGE_PRIVATE_KEY_SECRET_ID?.trim() || undefined,
  };
}

function isIpLiteral(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  // Dotted quads, and the numeric spellings WHATWG URL turns into IPv4 (2130706433, 0x7f.1, 0177.0.0.1).
  return h.startsWith('[') || /^[0-9.]+$/.test(h) || /^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+)){0,3}$/.test(h);
}

// ---------------------------------------------------------------------------------------------- target

interface Target {
  host: string;
  url: URL;
  path: string;
}

function parseTarget(rawPath: string, rawQuery: string, cfg: Config): Target {
  if (!rawPath.startsWith('/')) throw new BridgeError(400, 'request path must start with /', 'invalidPath');
  const slash = rawPath.indexOf('/', 1);
  const seg = slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash);
  const rest = slash === -1 ? '/' : rawPath.slice(slash);
  if (seg === '') {
    throw new BridgeError(400, 'request path must be /{target host}/{SCIM path}', 'invalidPath');
  }
  if (seg.includes('@')) throw new BridgeError(400, 'userinfo is not allowed in the target host', 'invalidPath');
  if (seg.includes('%'))
    throw new BridgeError(400, 'encoded characters are not allowed in the target host', 'invalidPath');
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(seg)) {
    throw new BridgeError(400, 'malformed target host', 'invalidPath');
  }
  const host = normalizeHost(seg);
  if (host === '') throw new BridgeError(400, 'malformed target host', 'invalidPath');
  if (!cfg.allowedHosts.has(host)) {
    if (cfg.allowedHosts.size === 0) throw new BridgeError(403, 'bridge has no ALLOWED_HOSTS configured');
    if (isIpLiteral(host)) throw new BridgeError(403, 'IP literal targets are refused unless allowlisted');
    throw new BridgeError(403, `target host ${host} is not allowed`);
  }
  checkPath(rest);
  // eslint-disable-next-line no-control-regex -- refuses control characters in the request path and query
  if (/[#\s\\]/.test(rawQuery) || /[\u0000-\u001f\u007f]/.test(rawQuery)) {
    throw new BridgeError(400, 'malformed query string', 'invalidPath');
  }
  const hostname = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const scheme = cfg.insecureLoopback && isLoopbackHost(hostname) ? 'http' : 'https';
  let url: URL;
  try {
    url = new URL(`${scheme}://${host}${rest}${rawQuery ? `?${rawQuery}` : ''}`);
  } catch {
    throw new BridgeError(400, 'malformed target URL', 'invalidPath');
  }
  // Belt and braces: the URL parser must not have moved us anywhere else.
  if (url.host !== host || url.username !== '' || url.password !== '' || url.protocol !== `${scheme}:`) {
    throw new BridgeError(400, 'target URL does not round-trip', 'invalidPath');
  }
  return { host, url, path: rest };
}

function checkPath(path: string): void {
  if (/%2f|%5c|%00/i.test(path))
    throw new BridgeError(400, 'encoded slashes are not allowed in the path', 'invalidPath');
  // eslint-disable-next-line no-control-regex -- refuses control characters in the request path and query
  if (/[\\\s#?]/.test(path) || /[\u0000-\u001f\u007f]/.test(path)) {
    throw new BridgeError(400, 'malformed path', 'invalidPath');
  }
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new BridgeError(400, 'malformed percent-encoding in the path', 'invalidPath');
    }
    if (decoded === '.' || decoded === '..')
      throw new BridgeError(400, 'dot segments are not allowed in the path', 'invalidPath');
  }
}

/** The one answer to every request that is not authenticated; `reason` goes to the log only. */
class Unauthenticated extends BridgeError {
  constructor(readonly reason: string) {
    super(401, 'missing or invalid bridge token');
  }
}

function checkTokenUrl(raw: string, cfg: Config): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Unauthenticated('token URL is not a URL');
  }
  if (u.username !== '' || u.password !== '') throw new Unauthenticated('token URL carries userinfo');
  const loopbackHttp = u.protocol === 'http:' && cfg.insecureLoopback && isLoopbackHost(u.hostname);
  if (u.protocol !== 'https:' && !loopbackHttp) throw new Unauthenticated('token URL must use https');
  if (!cfg.allowedTokenHosts.has(u.host.toLowerCase())) throw new Unauthenticated('token URL host is not allowed');
  u.hash = '';
  return u;
}

// ------------------------------------------------------------------------------------------- bridge key

type Opener = Awaited<ReturnType<typeof sealedTokenOpener>>;
// One opener per key source, made on first use (the private key imported once, Secrets Manager read once).
let opener: { source: string; promise: Promise<Opener> } | undefined;

/** The key that opens sealed tokens; undefined when the bridge has none (it then reads only version 1). */
function bridgeKey(cfg: Config): Promise<Opener> | undefined {
  const source = cfg.privateKey
    ? `env:${cfg.privateKey}`
    : cfg.privateKeySecretId
      ? `sm:${cfg.privateKeySecretId}`
      : undefined;
  if (source === undefined) return undefined;
  if (opener?.source !== source) {
    const promise = (
      cfg.privateKey ? Promise.resolve(cfg.privateKey) : secretValue(cfg.privateKeySecretId as string)
    ).then(sealedTokenOpener);
    opener = { source, promise };
    // A failure (Secrets Manager unreachable, a malformed key) is not kept: the next request tries again.
    promise.catch(() => {
      if (opener?.promise === promise) opener = undefined;
    });
  }
  return opener.promise.catch((err: unknown) => {
    throw new BridgeError(
      503,
      'the bridge key is not available',
      err instanceof BridgeTokenError ? 'invalidKey' : undefined,
    );
  });
}

// A variable, not a literal: esbuild leaves the import alone, and the Lambda runtime's own AWS SDK answers it.
const SECRETS_MANAGER_SDK = '@aws-sdk/client-secrets-manager';

interface SecretsManagerSdk {
  SecretsManagerClient: new (config: object) => { send(command: unknown): Promise<{ SecretString?: string }> };
  GetSecretValueCommand: new (input: { SecretId: string }) => unknown;
}

async function secretValue(secretId: string): Promise<string> {
  const sdk = (await import(SECRETS_MANAGER_SDK)) as SecretsManagerSdk;
  const out = await new sdk.SecretsManagerClient({}).send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
  if (typeof out.SecretString !== 'string') throw new BridgeTokenError('the bridge key secret has no SecretString');
  return out.SecretString;
}

/** The credentials in a bridge token of either version; an Unauthenticated for anything that is not one. */
async function credentialsOf(token: string, cfg: Config, log: Record<string, unknown>): Promise<BridgeCredentials> {
  try {
    const text = bridgeTokenText(token);
    if (isSealedBridgeToken(text)) {
      log.tokenVersion = 2;
      const key = bridgeKey(cfg);
      if (key === undefined) throw new Unauthenticated('a sealed token, and the bridge has no BRIDGE_PRIVATE_KEY');
      return await (await key).open(text);
    }
    log.tokenVersion = 1;
    if (!cfg.acceptUnsealed)
      throw new Unauthenticated('unsealed (version 1) tokens are turned off (ACCEPT_UNSEALED_TOKENS)');
    return decodeBridgeToken(text);
  } catch (err) {
    if (err instanceof BridgeError) throw err;
    throw new Unauthenticated(err instanceof BridgeTokenError ? err.message : 'bad bridge token');
  }
}

/**
 * Refuses a host that resolves to a loopback, private or link-local address, unless it is loopback spelled as such
 * (localhost, 127.0.0.0/8, [::1]) under the dev/test switch. Returns the checked addresses the request may connect
 * to (undefined for loopback under the switch): the name is resolved once, here, and never again for this request.
 */
async function checkPublic(
  url: URL,
  cfg: Config,
  refuse: (reason: string) => BridgeError,
): Promise<VettedAddress[] | undefined> {
  if (cfg.insecureLoopback && isLoopbackHost(url.hostname)) return undefined;
  const found = await vetHost(url.hostname);
  if (found === 'unresolved') throw refuse('host does not resolve');
  if (!Array.isArray(found)) throw refuse('host resolves to a loopback, private or link-local address');
  return found;
}

// ------------------------------------------------------------------------------------------- backoff

// After a refused token request, the same token URL and client id wait before the token endpoint is asked again,
// whatever the secret: guesses of a secret share one bucket. 1 s, doubling, at most 60 s; a success clears it.
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
const backoff = new Map<string, { failures: number; until: number }>();

function backoffKey(c: BridgeCredentials, tokenUrl: URL): string {
  return createHash('sha256')
    .update(JSON.stringify([tokenUrl.href, c.clientId]))
    .digest('hex');
}

function inBackoff(key: string): boolean {
  const entry = backoff.get(key);
  return entry !== undefined && entry.until > Date.now();
}

function recordRefusal(key: string): void {
  const failures = (backoff.get(key)?.failures ?? 0) + 1;
  if (!backoff.has(key) && backoff.size >= MAX_CACHE_ENTRIES) {
    const now = Date.now();
    for (const [k, v] of backoff) if (v.until <= now - BACKOFF_MAX_MS) backoff.delete(k);
    if (backoff.size >= MAX_CACHE_ENTRIES) backoff.delete(backoff.keys().next().value as string);
  }
  backoff.set(key, { failures, until: Date.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1)) });
}

// ------------------------------------------------------------------------------------------- token cache

interface CachedToken {
  accessToken: string;
  refreshAt: number;
}

type CacheUse = 'hit' | 'miss' | 'shared';

const tokenCache = new Map<string, CachedToken>();
const inflight = new Map<string, Promise<CachedToken>>();

function cacheKey(c: BridgeCredentials, tokenUrl: URL): string {
  const secretHash = createHash('sha256').update(c.clientSecret).digest('hex');
  return createHash('sha256')
    .update(JSON.stringify([tokenUrl.href, c.clientId, c.scope ?? '', c.audience ?? '', secretHash]))
    .digest('hex');
}

async function getAccessToken(
  c: BridgeCredentials,
  tokenUrl: URL,
  cfg: Config,
  timeoutMs: number,
): Promise<{ key: string; token: string; use: CacheUse }> {
  const key = cacheKey(c, tokenUrl);
  const cached = tokenCache.get(key);
  if (cached && cached.refreshAt > Date.now()) return { key, token: cached.accessToken, use: 'hit' };
  if (cached) tokenCache.delete(key);
  const pending = inflight.get(key);
  if (pending) return { key, token: (await pending).accessToken, use: 'shared' };
  const waitKey = backoffKey(c, tokenUrl);
  // Set as in flight before the first await, so that concurrent calls share one token request.
  const p = (async () => {
    if (inBackoff(waitKey)) throw new Unauthenticated('backing off after refused token requests');
    const pin = await checkPublic(tokenUrl, cfg, (reason) => new Unauthenticated(`token URL ${reason}`));
    return requestToken(c, tokenUrl, pin, timeoutMs);
  })().then(
    (t) => {
      backoff.delete(waitKey);
      storeToken(key, t);
      return t;
    },
    (err: unknown) => {
      if (err instanceof BridgeError && err.refusedByIdp) {
        recordRefusal(waitKey);
        throw new Unauthenticated(`token endpoint refused the credentials: ${err.message}`);
      }
      throw err;
    },
  );
  inflight.set(key, p);
  try {
    return { key, token: (await p).accessToken, use: 'miss' };
  } finally {
    inflight.delete(key);
  }
}

function storeToken(key: string, t: CachedToken): void {
  if (tokenCache.size >= MAX_CACHE_ENTRIES) {
    const now = Date.now();
    for (const [k, v] of tokenCache) if (v.refreshAt <= now) tokenCache.delete(k);
    while (tokenCache.size >= MAX_CACHE_ENTRIES) {
      const oldest = tokenCache.keys().next().value;
      if (oldest === undefined) break;
      tokenCache.delete(oldest);
    }
  }
  tokenCache.set(key, t);
}

function dropToken(key: string, token: string): void {
  if (tokenCache.get(key)?.accessToken === token) tokenCache.delete(key);
}

function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

async function requestToken(
  c: BridgeCredentials,
  tokenUrl: URL,
  pin: VettedAddress[] | undefined,
  timeoutMs: number,
): Promise<CachedToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (c.scope) form.set('scope', c.scope);
  if (c.audience) form.set('audience', c.audience);
  const basic = Buffer.from(`${formEncode(c.clientId)}:${formEncode(c.clientSecret)}`).toString('base64');
  let res: Response;
  let text: string;
  try {
    res = await pinnedFetch(
      tokenUrl,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      },
      pin,
    );
    text = (await readLimited(res, 64 * 1024)).toString('utf8');
  } catch (err) {
    throw fetchFailure(err, 'token endpoint');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status < 200 || res.status > 299) {
    // Only the status: the identity provider's error text is never reflected into a response or a log.
    const e = new BridgeError(502, `token endpoint answered ${res.status}`);
    e.refusedByIdp = res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408;
    throw e;
  }
  if (!isRecord(json) || typeof json.access_token !== 'string' || json.access_token === '') {
    throw new BridgeError(502, 'token endpoint answered without an access_token');
  }
  if (json.token_type !== undefined && !(typeof json.token_type === 'string' && /^bearer$/i.test(json.token_type))) {
    throw new BridgeError(502, 'token endpoint answered a token type other than Bearer');
  }
  const exp = Number(json.expires_in);
  const lifetimeMs = (Number.isFinite(exp) && exp > 0 ? exp : 300) * 1000;
  // Refresh early: 10% of the lifetime, at most 60 s.
  const early = Math.min(60_000, lifetimeMs / 10);
  return { accessToken: json.access_token, refreshAt: Date.now() + lifetimeMs - early };
}

// ---------------------------------------------------------------------------------------------- upstream

async function readLimited(res: Response, max: number): Promise<Buffer> {
  const bytes = await readCappedBody(
    fetchBodySource(res),
    max,
    () => new BridgeError(502, 'upstream response too large'),
  );
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function fetchFailure(err: unknown, what: string): BridgeError {
  if (err instanceof BridgeError) return err;
  const name = isRecord(err) || err instanceof Error ? (err as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') return new BridgeError(504, `${what} timed out`);
  const cause = err instanceof Error && isRecord(err.cause) ? err.cause : undefined;
  const code =
    cause && typeof cause.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(cause.code) ? ` (${cause.code})` : '';
  return new BridgeError(502, `${what} unreachable${code}`);
}

function bridgeBase(event: unknown): string | undefined {
  if (!isRecord(event) || !isRecord(event.requestContext)) return undefined;
  const domain = str(event.requestContext.domainName);
  if (!domain || !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(domain)) return undefined;
  const proto = header(event, 'x-forwarded-proto') === 'http' ? 'http' : 'https';
  return `${proto}://${domain}`;
}

/** Location on the target host -> the same resource through the bridge; other hosts -> undefined. */
function rewriteLocation(value: string, target: Target, base: string | undefined): string | undefined {
  let u: URL;
  try {
    u = new URL(value, target.url);
  } catch {
    return undefined;
  }
  if (u.origin !== target.url.origin) return undefined;
  return `${base ?? ''}/${target.host}${u.pathname}${u.search}`;
}

async function forward(
  event: unknown,
  method: string,
  target: Target,
  pin: VettedAddress[] | undefined,
  body: Buffer,
  accessToken: string,
  cfg: Config,
  timeoutMs: number,
): Promise<{ status: number; result: FunctionUrlResult }> {
  const headers: Record<string, string> = {};
  for (const name of FORWARD_REQUEST_HEADERS) {
    const v = header(event, name);
    if (v !== undefined && !/[\r\n\0]/.test(v)) headers[name] = v;
  }
  headers['user-agent'] = 'okta-m2m-scim-bridge/1';
  headers.authorization = `Bearer ${accessToken}`;
  const sendBody = method !== 'GET' && method !== 'HEAD' && body.length > 0;
  let res: Response;
  let payload: Buffer;
  try {
    res = await pinnedFetch(
      target.url,
      { method, headers, body: sendBody ? body : undefined, signal: AbortSignal.timeout(timeoutMs) },
      pin,
    );
    payload = method === 'HEAD' ? Buffer.alloc(0) : await readLimited(res, cfg.maxResponse);
  } catch (err) {
    throw fetchFailure(err, 'upstream');
  }
  const base = bridgeBase(event);
  const out: Record<string, string> = {};
  for (const [name, value] of res.headers) {
    if (DROP_RESPONSE_HEADERS.has(name)) continue;
    if (name === 'location' || name === 'content-location') {
      const rewritten = rewriteLocation(value, target, base);
      if (rewritten === undefined) {
        if (name === 'location' && res.status >= 300 && res.status < 400) {
          throw new BridgeError(502, 'upstream redirected to another host');
        }
        continue;
      }
      out[name] = rewritten;
      continue;
    }
    out[name] = value;
  }
  const textual = payload.length === 0 || isTextual(res.headers.get('content-type') ?? undefined);
  return {
    status: res.status,
    result: {
      statusCode: res.status,
      headers: out,
      body: textual ? payload.toString('utf8') : payload.toString('base64'),
      isBase64Encoded: !textual,
    },
  };
}

// ----------------------------------------------------------------------------------------------- handler

function scimError(status: number, detail: string, scimType?: string): FunctionUrlResult {
  const body: Record<string, unknown> = { schemas: [SCIM_ERROR], status: String(status), detail };
  if (scimType) body.scimType = scimType;
  const headers: Record<string, string> = { 'content-type': 'application/scim+json', 'cache-control': 'no-store' };
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="scim-bridge"';
  return { statusCode: status, headers, body: JSON.stringify(body), isBase64Encoded: false };
}

/** When this invocation must be done by: Lambda's deadline less half a second to answer, or never. */
function deadlineOf(context: unknown): number {
  if (isRecord(context) && typeof context.getRemainingTimeInMillis === 'function') {
    try {
      const r = Number((context.getRemainingTimeInMillis as () => number)());
      if (Number.isFinite(r)) return Date.now() + r - 500;
    } catch {
      // fall through
    }
  }
  return Number.POSITIVE_INFINITY;
}

export async function handler(event: unknown, context?: LambdaContext): Promise<FunctionUrlResult> {
  const started = Date.now();
  const cfg = readConfig(process.env);
  const requestId = requestIdOf(event, context, randomUUID);
  const method = httpMethod(event);
  const rawPath = (isRecord(event) && str(event.rawPath)) || '/';
  const rawQuery = (isRecord(event) && str(event.rawQueryString)) || '';
  const log: Record<string, unknown> = { level: 'info', service: 'scim-bridge', requestId, method };
  let result: FunctionUrlResult;
  try {
    if (!METHODS.has(method)) throw new BridgeError(405, `method ${method} is not supported`);
    // Authentication first, every failure the same 401: nothing about the allowlists is said to a stranger.
    const token = bearerToken(header(event, 'authorization'));
    if (token === undefined) throw new Unauthenticated('no bridge token (Authorization: Bearer)');
    const creds = await credentialsOf(token, cfg, log);
    const tokenUrl = checkTokenUrl(creds.tokenUrl, cfg);
    const deadline = deadlineOf(context);
    const within = (ms: number) => Math.max(100, Math.min(ms, deadline - Date.now()));
    let t = await getAccessToken(creds, tokenUrl, cfg, within(cfg.tokenTimeoutMs));
    log.tokenCache = t.use;

    const target = parseTarget(rawPath, rawQuery, cfg);
    log.host = target.host;
    log.path = target.path;
    const pin = await checkPublic(target.url, cfg, (reason) => new BridgeError(403, `target ${reason}`));

    const b = eventBody(event, cfg.maxBody);
    if (!b.ok) {
      throw b.reason === 'too-large'
        ? new BridgeError(413, `request body larger than ${cfg.maxBody} bytes`)
        : new BridgeError(400, 'request body is not valid base64', 'invalidSyntax');
    }

    let up = await forward(event, method, target, pin, b.body, t.token, cfg, within(cfg.upstreamTimeoutMs));
    if (up.status === 401 && t.use === 'hit') {
      // The cached token may have been revoked or rotated: fetch a fresh one and try once more.
      dropToken(t.key, t.token);
      t = await getAccessToken(creds, tokenUrl, cfg, within(cfg.tokenTimeoutMs));
      log.tokenCache = `${String(log.tokenCache)}+retry-${t.use}`;
      up = await forward(event, method, target, pin, b.body, t.token, cfg, within(cfg.upstreamTimeoutMs));
    }
    log.upstreamStatus = up.status;
    result = up.result;
  } catch (err) {
    const e = err instanceof BridgeError ? err : new BridgeError(500, 'internal bridge error');
    if (!(err instanceof BridgeError)) log.errorName = err instanceof Error ? err.name : typeof err;
    log.level = e.status >= 500 ? 'error' : 'warn';
    log.error = e.message;
    if (e instanceof Unauthenticated) log.reason = e.reason;
    result = scimError(e.status, e.message, e.scimType);
  }
  log.status = result.statusCode;
  log.latencyMs = Date.now() - started;
  logLine(log);
  return result;
}
