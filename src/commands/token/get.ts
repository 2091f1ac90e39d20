import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { SecretStoreError, UsageError } from '../../errors.js';
import { secretRefs } from '../../secrets/refs.js';
import { keyValues, relativeTime } from '../../ui/format.js';
import { collect, collectList } from '../options.js';
import { resolveClientSecret } from '../secret-input.js';
import { optionalString, parsed, printable, renderFields } from './shared.js';
// Types only: the domain modules (and jose) load inside run.
import type { AuthMethod, ClientAuth } from '../../oauth/client-auth.js';
import type { Provider, TokenRequestSpec, TokenResponse } from '../../oauth/client-credentials.js';
import type { DecodedJwt } from '../../oauth/jwt.js';
import type * as Jwt from '../../oauth/jwt.js';
import type { DpopKey } from '../../oauth/dpop-keys.js';

const HELP = `
Defaults come from what \`okta-m2m init\` (or \`auth0 init\`) recorded for the profile in .okta-m2m/state.json;
each flag overrides its field. The secret comes from --client-secret-stdin, else $OKTA_M2M_CLIENT_SECRET or the
keychain, else a prompt on a terminal; a private key from --private-key-file, else $OKTA_M2M_CLIENT_PRIVATE_KEY or
the keychain.

Output: on a terminal, a summary (the token itself with --raw); in a pipe or with --raw, the access token alone;
with --json, the token response. --curl prints the equivalent curl command instead of requesting a token (the
credential as a shell variable; nothing is read from the keychain).

Tokens are reused until a minute before they expire; the cache lives only in the OS keychain. --force gets a
new one (and caches it), --no-cache neither reads nor writes the cache.

The audience: Okta sets it on the authorization server, so none is sent; Auth0 gets "audience" in a JSON body;
--provider generic sends it as "resource" (RFC 8707) (add --param audience=... for servers that want that).

DPoP: with --dpop (or when init made the app with --dpop), every token request carries a DPoP proof signed with
the client's DPoP key (EC P-256, made on first use, kept in the keychain); the token is bound to it (cnf.jkt).
Call an API with it through "okta-m2m token proof" (see docs/dpop.md).

Examples:
  $ okta-m2m token get                                     what init made
  $ curl -H "Authorization: Bearer $(okta-m2m token get)" https://api.example.com/orders
  $ okta-m2m token get --issuer https://acme.okta.com/oauth2/aus1 --client-id 0oa1 \\
      --scope orders:read --client-secret-stdin < secret.txt
  $ okta-m2m token get --auth-method private_key_jwt --private-key-file key.pem --key-id k1
`;

export const command = () =>
  new Command('get')
    .description('get an access token with the client credentials grant')
    .option('--issuer <url>', 'the authorization server (its token endpoint is found by discovery)')
    .option('--token-url <url>', 'the token endpoint (no discovery)')
    .option('--client-id <id>', 'the client to authenticate as')
    .option('--auth-method <method>', 'client_secret_basic, client_secret_post or private_key_jwt')
    .option('--client-secret-stdin', 'read the client secret from stdin')
    .option('--private-key-file <file>', 'private key for private_key_jwt: PEM (PKCS#8) or JWK JSON')
    .option('--key-id <kid>', 'the key id to put in the client assertion header')
    .option('--scope <scope>', 'scope to request (repeatable; commas or spaces also separate)', collectList)
    .option('--audience <audience>', 'the API the token is for (Auth0; "resource" for --provider generic)')
    .option('--provider <provider>', 'okta, auth0 or generic (default: from the state, else generic)')
    .option('--param <name=value>', 'an extra parameter for the token request (repeatable)', collect)
    .option('--allow-cross-origin', "accept a discovered token endpoint on another origin than the issuer's")
    .option('--raw', 'print only the access token, also on a terminal')
    .option('--curl', 'print the equivalent curl command instead of getting a token')
    .option('--no-cache', 'neither reuse nor store a cached token')
    .option('--force', 'get a new token even when a cached one is still good')
    .option(
      '--dpop',
      'get a DPoP-bound token (RFC 9449), with a key pair kept in the keychain (default: as init set up)',
    )
    .addHelpText('after', HELP);

type GetOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: GetOptions): Promise<void> {
  const [{ parseAuthMethod }, { parseProvider }, { oktaDefaults, auth0Defaults, resolveTokenSettings }, discovery] =
    await Promise.all([
      import('../../oauth/client-auth.js'),
      import('../../oauth/client-credentials.js'),
      import('../../oauth/defaults.js'),
      import('../../oauth/discovery.js'),
    ]);

  const profile = await ctx.profileName();
  const state = await ctx.state();
  const trusted = (await ctx.profiles()).profiles[profile];
  const settings = resolveTokenSettings(
    {
      provider: parsed(options.provider, parseProvider),
      issuer: optionalString(options.issuer),
      tokenUrl: optionalString(options.tokenUrl),
      clientId: optionalString(options.clientId),
      authMethod: parsed(options.authMethod, parseAuthMethod),
      privateKeyFile: optionalString(options.privateKeyFile),
      keyId: optionalString(options.keyId),
      scopes: options.scope,
      audience: optionalString(options.audience),
    },
    oktaDefaults(state.get(profile, 'okta'), trusted),
    auth0Defaults(state.get(profile, 'auth0'), trusted),
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
  const extraParams = parseParams(options.param);
  const spec: TokenRequestSpec = {
    tokenEndpoint: await discovery.resolveTokenEndpoint(settings, {
      allowCrossOrigin: Boolean(options.allowCrossOrigin),
      timeoutMs: ctx.globals.timeoutMs,
    }),
    clientId,
    scopes: settings.scopes,
    audience: settings.audience,
    extraParams,
    provider: settings.provider,
  };
  if (settings.provider === 'okta' && optionalString(options.audience)) {
    ctx.ui.warn(
      "Okta sets the audience on the authorization server; --audience is not sent (it is checked against the token's aud).",
    );
  }

  const dpop = options.dpop ?? settings.dpop ?? false;
  if (options.curl) {
    const { curlCommand } = await import('../../oauth/curl.js');
    const curl = curlCommand(spec, settings.authMethod, { dpop });
    // The command holds no secret (the credential is a shell variable), and it is what the user asked for:
    // printed as is, because redaction would mangle "client_secret=$CLIENT_SECRET".
    if (ctx.ui.json) ctx.ui.secretResult(JSON.stringify(curl, null, 2));
    else {
      ctx.ui.secretResult(curl.command);
      ctx.ui.info(curl.note);
    }
    return;
  }

  const { token, cached, jkt } = await obtainToken(
    { ctx, options, profile, spec, method: settings.authMethod, keyId: settings.keyId },
    dpop,
  );
  const summary = !ctx.ui.json && !options.raw && ctx.ui.stdoutIsTTY;
  const checkAudience = settings.provider === 'okta' && settings.audience;
  // Decoding the token (jose) only where something is read from it.
  const jwt = checkAudience || jkt || summary ? await import('../../oauth/jwt.js') : undefined;
  if (jwt && checkAudience) warnOnAudience(ctx, jwt, token, checkAudience);
  const bound = jwt && jkt ? dpopBinding(ctx, jwt, token, jkt) : undefined;
  if (ctx.ui.json) ctx.ui.secretResult(JSON.stringify(token, null, 2));
  else if (!summary || !jwt) {
    ctx.ui.secretResult(token.access_token);
    if (bound) ctx.ui.info(`token_type: ${printable(token.token_type)}, cnf.jkt: ${bound}`);
  } else {
    ctx.ui.out(tokenSummary(jwt, token, cached, bound));
    ctx.ui.info('(--raw prints the access token itself; in a pipe it is printed alone)');
  }
}

/** One `token get`: the command's context and options, and the request they resolved to. */
interface TokenRun {
  ctx: Context;
  options: GetOptions;
  profile: string;
  spec: TokenRequestSpec;
  method: AuthMethod;
  keyId: string | undefined;
}

async function obtainToken(
  run: TokenRun,
  dpop: boolean,
): Promise<{ token: TokenResponse; cached: boolean; jkt?: string | undefined }> {
  const { ctx, options, profile, spec, method } = run;
  const [{ TokenCache, cacheKey, credentialFingerprint, toResponse }, { requestToken }, { HttpClient }] =
    await Promise.all([
      import('../../oauth/token-cache.js'),
      import('../../oauth/client-credentials.js'),
      import('../../http/client.js'),
    ]);
  let useCache = options.cache !== false;
  const cache = new TokenCache(ctx.secrets, profile);
  const auth = await clientAuth(run);
  const dpopKey = dpop ? await clientDpopKey(ctx, profile, spec.clientId) : undefined;
  const key = cacheKey({ ...spec, credential: credentialFingerprint(auth), dpopJkt: dpopKey?.thumbprint });
  const jkt = dpopKey?.thumbprint;
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
      return { token: toResponse(hit), cached: true, jkt };
    }
  }
  ctx.ui.debug(`requesting a token from ${spec.tokenEndpoint} (${method})`);
  const token = await requestToken({
    ...spec,
    auth,
    timeoutMs: ctx.globals.timeoutMs,
    ...(dpopKey ? { dpop: dpopKey.prover, dpopNonces: new (await import('../../oauth/dpop.js')).DpopNonces() } : {}),
    http: new HttpClient(ctx.httpOptions()),
  });
  if (useCache) await cache.set(key, token).catch(cacheUnavailable);
  return { token, cached: false, jkt };
}

/** The client's DPoP key from the keychain, made (and stored) on first use. */
async function clientDpopKey(ctx: Context, profile: string, clientId: string): Promise<DpopKey> {
  const { ensureDpopKey } = await import('../../oauth/dpop-keys.js');
  const { key, created } = await ensureDpopKey(ctx.secrets, secretRefs.dpopKey(profile, clientId));
  if (created) ctx.ui.progress(`made a DPoP key for ${clientId} (kept in the keychain)`);
  return key;
}

/**
 * The token's cnf.jkt when it is bound to our key. A server that answers a DPoP request with a Bearer token, or
 * binds it to another key, is said so (the token still prints: it is what the server gave).
 */
function dpopBinding(ctx: Context, jwt: JwtModule, token: TokenResponse, jkt: string): string | undefined {
  if (token.token_type.toLowerCase() !== 'dpop') {
    ctx.ui.warn(
      `asked for a DPoP-bound token, got token_type ${printable(token.token_type)}: the app does not bind tokens to a key (Okta: turn on "Require Demonstrating Proof of Possession (DPoP) header in token requests").`,
    );
    return undefined;
  }
  const cnf = tryDecode(jwt, token.access_token)?.claims.cnf;
  const bound = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
  if (typeof bound === 'string' && bound !== jkt)
    ctx.ui.warn(`the token's cnf.jkt ${printable(bound)} is not this client's DPoP key (${jkt}).`);
  return typeof bound === 'string' ? printable(bound) : jkt;
}

async function clientAuth({ ctx, options, profile, spec, method, keyId }: TokenRun): Promise<ClientAuth> {
  const clientId = spec.clientId;
  if (method === 'private_key_jwt') {
    const { loadSigningKey } = await import('../../oauth/client-auth.js');
    const file = optionalString(options.privateKeyFile);
    if (file) {
      const text = await (
        await import('../../config/files.js')
      ).readInputFile(resolve(ctx.io.cwd, file), 'the key file');
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
  options: GetOptions,
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
      throw new UsageError(`--param "${value}" is not name=value.`, {
        hint: 'For example: --param resource=api://orders',
      });
    }
    const name = value.slice(0, at);
    if (['grant_type', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type'].includes(name)) {
      throw new UsageError(`--param cannot set ${name}.`, {
        hint: 'Use --client-id, --auth-method and the secret or key options.',
      });
    }
    params[name] = value.slice(at + 1);
  }
  return params;
}

type JwtModule = typeof Jwt;

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

function tokenSummary(jwt: JwtModule, token: TokenResponse, cached: boolean, jkt: string | undefined): string {
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
      ...(jkt
        ? ([
            ['token_type', printable(token.token_type)],
            ['cnf.jkt', jkt],
          ] as const)
        : []),
    ]),
  ];
  if (decoded) lines.push('', 'Claims', renderFields(decoded.claims, now));
  return lines.join('\n');
}
