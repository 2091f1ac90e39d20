// The token commands' handlers, loaded when one of them runs (registration and help text are in token.ts).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Options } from './action.js';
import type { Context } from '../context.js';
import { CliError, SecretStoreError, UsageError } from '../errors.js';
import { secretRefs } from '../secrets/refs.js';
import { keyValues, readAll, relativeTime, resolveClientSecret } from './handler-kit.js';
// Types only: the domain modules (and jose) load inside the handlers.
import type { AuthMethod, ClientAuth } from '../oauth/client-auth.js';
import type { Provider, TokenRequestSpec, TokenResponse } from '../oauth/client-credentials.js';
import type { DecodedJwt } from '../oauth/jwt.js';

// ---------------------------------------------------------------------------------------------------------------
// token get

export async function get(ctx: Context, options: Options): Promise<void> {
  const { parseAuthMethod } = await import('../oauth/client-auth.js');
  const { parseProvider } = await import('../oauth/client-credentials.js');
  const { oktaDefaults, auth0Defaults, resolveTokenSettings } = await import('../oauth/defaults.js');

  const profile = await ctx.profileName();
  const state = await ctx.state();
  const settings = resolveTokenSettings(
    {
      provider: parsed(options.provider, parseProvider),
      issuer: optionalString(options.issuer),
      tokenUrl: optionalString(options.tokenUrl),
      clientId: optionalString(options.clientId),
      authMethod: parsed(options.authMethod, parseAuthMethod),
      privateKeyFile: optionalString(options.privateKeyFile),
      keyId: optionalString(options.keyId),
      scopes: options.scope as string[] | undefined,
      audience: optionalString(options.audience),
    },
    oktaDefaults(state.get(profile, 'okta')),
    auth0Defaults(state.get(profile, 'auth0')),
  );
  if (options.privateKeyFile && settings.authMethod !== 'private_key_jwt') {
    throw new UsageError(`--private-key-file goes with --auth-method private_key_jwt, not ${settings.authMethod}.`, {
      hint: 'Drop --auth-method, or the key file.',
    });
  }
  if (options.clientSecretStdin && settings.authMethod === 'private_key_jwt') {
    throw new UsageError('--client-secret-stdin does not go with private_key_jwt.', {
      hint: 'Give the private key with --private-key-file.',
    });
  }
  const clientId = settings.clientId;
  if (!clientId) {
    throw new UsageError('No client id: nothing in the project state and no --client-id.', {
      hint: 'Run "okta-m2m init" here first, or pass --client-id with --issuer or --token-url.',
    });
  }
  const extraParams = parseParams(options.param as string[] | undefined);
  const spec: TokenRequestSpec = {
    tokenEndpoint: await tokenEndpointOf(ctx, settings),
    clientId,
    scopes: settings.scopes,
    audience: settings.audience,
    extraParams,
    provider: settings.provider,
  };
  if (settings.provider === 'okta' && optionalString(options.audience)) {
    ctx.ui.warn("Okta sets the audience on the authorization server; --audience is not sent (it is checked against the token's aud).");
  }

  if (options.curl) {
    const { curlCommand } = await import('../oauth/curl.js');
    const curl = curlCommand(spec, settings.authMethod);
    // The command holds no secret (the credential is a shell variable), and it is what the user asked for:
    // printed as is, because redaction would mangle "client_secret=$CLIENT_SECRET".
    if (ctx.ui.json) ctx.ui.secretResult(JSON.stringify(curl, null, 2));
    else {
      ctx.ui.secretResult(curl.command);
      ctx.ui.info(curl.note);
    }
    return;
  }

  const { token, cached } = await obtainToken(ctx, options, profile, spec, settings.authMethod, settings.keyId);
  const jwt = await import('../oauth/jwt.js');
  if (settings.provider === 'okta' && settings.audience) warnOnAudience(ctx, jwt, token, settings.audience);
  if (ctx.ui.json) ctx.ui.secretResult(JSON.stringify(token, null, 2));
  else if (options.raw || !ctx.ui.stdoutIsTTY) ctx.ui.secretResult(token.access_token);
  else {
    ctx.ui.out(tokenSummary(jwt, token, cached));
    ctx.ui.info('(--raw prints the access token itself; in a pipe it is printed alone)');
  }
}

async function tokenEndpointOf(ctx: Context, settings: { tokenEndpoint?: string | undefined; issuer?: string | undefined }): Promise<string> {
  const { parseHttpUrl } = await import('../oauth/http.js');
  if (settings.tokenEndpoint) {
    if (!parseHttpUrl(settings.tokenEndpoint)) {
      throw new UsageError(`"${settings.tokenEndpoint}" is not a valid token URL.`, {
        hint: 'Give an https URL such as https://acme.okta.com/oauth2/default/v1/token.',
      });
    }
    return settings.tokenEndpoint;
  }
  if (settings.issuer) {
    const { discover } = await import('../oauth/discovery.js');
    ctx.ui.debug(`discovery for ${settings.issuer}`);
    return (await discover(settings.issuer, ctx.globals.timeoutMs ? { timeoutMs: ctx.globals.timeoutMs } : {})).token_endpoint;
  }
  throw new UsageError('No authorization server: nothing in the project state and no --issuer or --token-url.', {
    hint: 'Run "okta-m2m init" here first, or pass --issuer (or --token-url).',
  });
}

async function obtainToken(
  ctx: Context,
  options: Options,
  profile: string,
  spec: TokenRequestSpec,
  method: AuthMethod,
  keyId: string | undefined,
): Promise<{ token: TokenResponse; cached: boolean }> {
  const { TokenCache, cacheKey, toResponse } = await import('../oauth/token-cache.js');
  const { requestToken } = await import('../oauth/client-credentials.js');
  let useCache = options.cache !== false;
  const cache = new TokenCache(ctx.secrets, profile);
  const key = cacheKey(spec);
  // The cache is an optimisation: without a keychain, say so once and carry on without it.
  const cacheUnavailable = (error: unknown): undefined => {
    if (!(error instanceof SecretStoreError)) throw error;
    if (useCache) ctx.ui.warn('the token cache is not available (no keychain reachable); --no-cache skips it.');
    useCache = false;
    return undefined;
  };

  if (useCache && !options.force) {
    const hit = await cache.get(key).catch(cacheUnavailable);
    if (hit) {
      ctx.ui.debug('using a cached token');
      return { token: toResponse(hit), cached: true };
    }
  }
  const auth = await clientAuth(ctx, options, profile, spec, method, keyId);
  ctx.ui.debug(`requesting a token from ${spec.tokenEndpoint} (${method})`);
  const token = await requestToken({
    ...spec,
    auth,
    timeoutMs: ctx.globals.timeoutMs,
    onRetry: (waitMs, attempt) =>
      ctx.ui.progress(`rate limited; retrying in ${Math.ceil(waitMs / 1000)} s (attempt ${attempt + 1})`),
  });
  if (useCache) await cache.set(key, token).catch(cacheUnavailable);
  return { token, cached: false };
}

async function clientAuth(
  ctx: Context,
  options: Options,
  profile: string,
  spec: TokenRequestSpec,
  method: AuthMethod,
  keyId: string | undefined,
): Promise<ClientAuth> {
  const clientId = spec.clientId;
  if (method === 'private_key_jwt') {
    const { loadSigningKey } = await import('../oauth/client-auth.js');
    const file = optionalString(options.privateKeyFile);
    if (file) {
      const text = await readFile(resolve(ctx.io.cwd, file), 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`Cannot read the key file ${file}: ${error.code ?? error.message}.`, {
          hint: 'Give the path of a PEM or JWK file.',
        });
      });
      return { method, key: loadSigningKey(text, keyId, `the key file ${file}`) };
    }
    const ref = secretRefs.clientPrivateKey(profile, clientId);
    const stored = await ctx.secrets.get(ref);
    if (stored) return { method, key: loadSigningKey(stored, keyId, ref.label) };
    throw new UsageError(`No private key for ${clientId}.`, {
      hint: `Pass --private-key-file, or set ${ref.envVar} (init stores it in the keychain).`,
    });
  }
  return { method, clientSecret: await clientSecret(ctx, options, profile, clientId, spec.provider) };
}

async function clientSecret(
  ctx: Context,
  options: Options,
  profile: string,
  clientId: string,
  provider: Provider | undefined,
): Promise<string> {
  const refs =
    provider === 'auth0'
      ? [secretRefs.auth0ClientSecret(profile, clientId), secretRefs.clientSecret(profile, clientId)]
      : [secretRefs.clientSecret(profile, clientId)];
  return resolveClientSecret(ctx, { fromStdin: Boolean(options.clientSecretStdin), refs, clientId });
}

function parseParams(values: string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const params: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) {
      throw new UsageError(`--param "${value}" is not name=value.`, { hint: 'For example: --param resource=api://orders' });
    }
    const name = value.slice(0, at);
    if (['grant_type', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type'].includes(name)) {
      throw new UsageError(`--param cannot set ${name}.`, { hint: 'Use --client-id, --auth-method and the secret or key options.' });
    }
    params[name] = value.slice(at + 1);
  }
  return params;
}

type JwtModule = typeof import('../oauth/jwt.js');

function tryDecode(jwt: JwtModule, token: string): DecodedJwt | undefined {
  try {
    return jwt.decodeJwt(token);
  } catch {
    return undefined;
  }
}

function warnOnAudience(ctx: Context, jwt: JwtModule, token: TokenResponse, expected: string): void {
  const decoded = tryDecode(jwt, token.access_token);
  const aud = decoded?.claims.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (decoded && !audiences.includes(expected)) {
    ctx.ui.warn(`the token's audience is ${JSON.stringify(aud ?? null)}, not ${JSON.stringify(expected)}.`);
  }
}

function tokenSummary(jwt: JwtModule, token: TokenResponse, cached: boolean): string {
  const decoded = tryDecode(jwt, token.access_token);
  const now = Date.now();
  const expiresIn = typeof token.expires_in === 'number' ? token.expires_in : undefined;
  // "Bearer token" rather than a "token type: Bearer" row: the redactor masks "Bearer <word>" wherever it appears.
  const lines = [
    `${printable(token.token_type)} token, ${decoded ? `JWT signed with ${printable(String(decoded.header.alg))}` : 'opaque (not a JWT)'}`,
    keyValues([
      [
        'expires',
        expiresIn === undefined
          ? 'not said'
          : `${relativeTime(now / 1000 + expiresIn, now)} (${new Date(now + expiresIn * 1000).toISOString()})`,
      ],
      ['scopes', token.scope ?? (decoded ? jwt.tokenScopes(decoded.claims).join(' ') : undefined)],
      ['from cache', cached ? 'yes' : 'no'],
    ]),
  ];
  if (decoded) lines.push('', 'Claims', renderFields(decoded.claims, now));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// token decode / verify

export async function decode(ctx: Context, _options: Options, args: string[]): Promise<void> {
  const { decodeJwt } = await import('../oauth/jwt.js');
  const decoded = decodeJwt(await tokenInput(ctx, args[0]));
  ctx.ui.result({ ...decoded, signatureVerified: false }, () => renderDecoded(decoded));
  ctx.ui.info('The signature was not checked: "okta-m2m token verify --issuer <url>" checks it.');
}

export async function verify(ctx: Context, options: Options, args: string[]): Promise<void> {
  const { verifyJwt } = await import('../oauth/jwt.js');
  const { oktaDefaults, auth0Defaults } = await import('../oauth/defaults.js');
  const token = await tokenInput(ctx, args[0]);
  const tolerance = Number(options.clockTolerance);
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 3600) {
    throw new UsageError(`--clock-tolerance "${String(options.clockTolerance)}" is not a number of seconds (0 to 3600).`, {
      hint: 'For example: --clock-tolerance 30',
    });
  }
  let issuer = optionalString(options.issuer);
  let audience = optionalString(options.audience);
  if (!issuer) {
    const profile = await ctx.profileName();
    const state = await ctx.state();
    const okta = oktaDefaults(state.get(profile, 'okta'));
    const auth0 = auth0Defaults(state.get(profile, 'auth0'));
    const fromState = okta.issuer ? okta : auth0.issuer ? auth0 : undefined;
    issuer = fromState?.issuer;
    audience ??= fromState?.audience;
  }
  if (!issuer) {
    throw new UsageError('No issuer to verify against.', {
      hint: "Pass --issuer (the token's own iss is not trusted for this), or run in a project set up by init.",
    });
  }
  const result = await verifyJwt({
    token,
    issuer,
    audience,
    scopes: options.scope as string[] | undefined,
    clockToleranceSec: tolerance,
  });
  const render = () =>
    [
      result.valid
        ? `valid: signature, issuer ${issuer}${audience ? `, audience ${audience}` : ''}, times${(options.scope as string[] | undefined)?.length ? ' and scopes' : ''} check out`
        : `not valid: ${result.reason ?? ''}`,
      '',
      renderDecoded(result),
    ].join('\n');
  if (result.valid || ctx.ui.json) ctx.ui.result(result, render);
  if (!result.valid) {
    throw new CliError(`The token is not valid: ${result.reason ?? 'unknown reason'}.`, {
      hint: `Checked against issuer ${issuer}${audience ? ` and audience ${audience}` : ''}.`,
    });
  }
}

async function tokenInput(ctx: Context, argument: string | undefined): Promise<string> {
  if (argument !== undefined && argument !== '-') return argument;
  if (argument === undefined && ctx.io.stdin.isTTY) {
    throw new UsageError('No token given.', { hint: 'Pass it as an argument, or "-" and pipe it to stdin.' });
  }
  return readAll(ctx.io.stdin).catch(() => {
    throw new UsageError('The token on stdin is too large.', { hint: 'An access token is a few kilobytes at most.' });
  });
}

function renderDecoded(decoded: DecodedJwt): string {
  const now = Date.now();
  return ['Header', renderFields(decoded.header, now), '', 'Claims', renderFields(decoded.claims, now)].join('\n');
}

/** Claims that hold a time (seconds since the epoch). */
const TIME_CLAIMS = new Set(['iat', 'nbf', 'exp', 'auth_time']);

function renderFields(record: Record<string, unknown>, nowMs: number): string {
  return keyValues(
    Object.entries(record).map(([name, value]) => [printable(name), renderValue(name, value, nowMs)] as const),
  );
}

function renderValue(name: string, value: unknown, nowMs: number): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
    const date = new Date(value * 1000);
    if (!Number.isNaN(date.getTime())) {
      const relative = relativeTime(value, nowMs);
      const phrase = name === 'exp' ? (value * 1000 >= nowMs ? `expires ${relative}` : `expired ${relative}`) : relative;
      return `${date.toISOString()} (${phrase})`;
    }
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return printable(value.join(' '));
  return printable(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
}

/** Claims come from anyone: control characters (terminal escapes) are shown escaped, never sent to the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function parsed<T>(value: unknown, parse: (text: string) => T): T | undefined {
  const text = optionalString(value);
  return text === undefined ? undefined : parse(text);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
