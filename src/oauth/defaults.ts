import { isRecord } from '../config/validate.js';
import { UsageError } from '../errors.js';
import { isAuthMethod, type AuthMethod } from './client-auth.js';
import type { Provider } from './client-credentials.js';
import type { OktaState } from '../okta/setup/state.js';

/**
 * What `init` left in the project state for `token get` to default to: the state's own fields, every one optional.
 * Read defensively: a field of the wrong type is treated as missing, so flags can always override a damaged or
 * older state.
 */
type OktaTokenDefaults = Partial<
  Pick<
    OktaState,
    | 'orgUrl'
    | 'appId'
    | 'clientId'
    | 'authMethod'
    | 'authServerId'
    | 'issuer'
    | 'tokenEndpoint'
    | 'audience'
    | 'scopes'
    | 'keyId'
    // init made the app with DPoP-bound tokens: token get uses DPoP without being told.
    | 'dpop'
  >
> & {
  /** Why the state's server is not used: it points somewhere the profile (or the state's own org) does not. */
  refused?: string;
};

/** What the profile says about where its credentials may go (its org URL, its Auth0 tenant). */
interface TrustedServers {
  orgUrl?: string | undefined;
  auth0?: { domain: string; baseUrl?: string | undefined } | undefined;
}

interface Auth0TokenDefaults {
  domain?: string;
  /** The emulator's address (http://127.0.0.1:port) in place of https://{domain}. */
  baseUrl?: string;
  clientId?: string;
  audience?: string;
  scopes?: string[];
  tokenEndpoint?: string;
  /** https://{domain}/ (or {baseUrl}/): Auth0's issuer ends with a slash. */
  issuer?: string;
  refused?: string;
}

/**
 * State section 'okta' (written by `init`). The state is data: the issuer and token endpoint are derived from the
 * profile's org URL (else the state's own) and the authorization server id; a stored issuer or tokenEndpoint that
 * is not that derivation is not used (`refused` says why), so a tampered state cannot send a secret elsewhere.
 */
export function oktaDefaults(section: unknown, trusted: TrustedServers = {}): OktaTokenDefaults {
  if (!isRecord(section)) return {};
  const out: OktaTokenDefaults = {};
  for (const key of ['orgUrl', 'appId', 'clientId', 'authServerId', 'audience', 'keyId'] as const) {
    const value = text(section[key]);
    if (value !== undefined) out[key] = value;
  }
  if (isAuthMethod(section.authMethod)) out.authMethod = section.authMethod;
  if (section.dpop === true) out.dpop = true;
  const scopes = list(section.scopes);
  const fallback = list(section.defaultScope);
  if (scopes?.length) out.scopes = scopes;
  else if (fallback?.length) out.scopes = fallback;
  const stateOrg = trimSlash(out.orgUrl);
  const profileOrg = trimSlash(trusted.orgUrl);
  const storedIssuer = text(section.issuer);
  const storedEndpoint = text(section.tokenEndpoint);
  if (profileOrg && stateOrg && originOf(profileOrg) !== originOf(stateOrg)) {
    out.refused = `The project state is for ${stateOrg}, but the profile uses ${profileOrg}.`;
    return out;
  }
  const org = profileOrg ?? stateOrg;
  if (!org) {
    if (storedIssuer || storedEndpoint)
      out.refused = 'The project state names an authorization server but no org URL to check it against.';
    return out;
  }
  const issuer = trimSlash(storedIssuer) ?? (out.authServerId ? `${org}/oauth2/${out.authServerId}` : undefined);
  if (!issuer) {
    if (storedEndpoint)
      out.refused = 'The project state names a token endpoint but no authorization server to check it against.';
    return out;
  }
  if (originOf(issuer) !== originOf(org)) {
    out.refused = `The project state's issuer ${storedIssuer ?? issuer} is not on ${org}.`;
    return out;
  }
  // Okta's custom authorization servers all live under {org}/oauth2/{id}, their token endpoint at {issuer}/v1/token;
  // another server on the org's origin keeps its recorded endpoint, on that origin only.
  const derived = issuer.startsWith(`${org}/oauth2/`) ? `${issuer}/v1/token` : undefined;
  const tokenEndpoint = derived ?? storedEndpoint;
  if (
    storedEndpoint !== undefined &&
    (derived ? storedEndpoint !== derived : originOf(storedEndpoint) !== originOf(org))
  ) {
    out.refused = `The project state's tokenEndpoint ${storedEndpoint} is not ${derived ?? `on ${org}`}, the token endpoint of its authorization server.`;
    return out;
  }
  out.issuer = storedIssuer ?? issuer;
  if (tokenEndpoint) out.tokenEndpoint = tokenEndpoint;
  return out;
}

/**
 * State section 'auth0' (written by `auth0 init`): the token endpoint is derived from the profile's tenant (else the
 * state's domain or emulator base URL); a stored tokenEndpoint that differs is not used (`refused`).
 */
export function auth0Defaults(section: unknown, trusted: TrustedServers = {}): Auth0TokenDefaults {
  if (!isRecord(section)) return {};
  const out: Auth0TokenDefaults = {};
  for (const key of ['domain', 'baseUrl', 'clientId', 'audience'] as const) {
    const value = text(section[key]);
    if (value !== undefined) out[key] = value;
  }
  const scopes = list(section.scopes);
  if (scopes?.length) out.scopes = scopes;
  const stateBase = trimSlash(out.baseUrl ?? (out.domain ? `https://${out.domain}` : undefined));
  const profileBase = trusted.auth0 ? trimSlash(trusted.auth0.baseUrl ?? `https://${trusted.auth0.domain}`) : undefined;
  const storedEndpoint = text(section.tokenEndpoint);
  if (profileBase && stateBase && originOf(profileBase) !== originOf(stateBase)) {
    out.refused = `The project state is for the Auth0 tenant ${stateBase}, but the profile uses ${profileBase}.`;
    return out;
  }
  const base = profileBase ?? stateBase;
  if (!base) {
    if (storedEndpoint)
      out.refused = 'The project state names a token endpoint but no Auth0 tenant to check it against.';
    return out;
  }
  const tokenEndpoint = `${base}/oauth/token`;
  if (storedEndpoint !== undefined && storedEndpoint !== tokenEndpoint) {
    out.refused = `The project state's tokenEndpoint ${storedEndpoint} is not ${tokenEndpoint}, the tenant's token endpoint.`;
    return out;
  }
  out.tokenEndpoint = tokenEndpoint;
  out.issuer = `${base}/`;
  return out;
}

/** The issuer and audience `token verify` defaults to: the Okta setup's, else the Auth0 one's. */
export function verifyDefaults(
  okta: OktaTokenDefaults,
  auth0: Auth0TokenDefaults,
): { issuer?: string; audience?: string } | undefined {
  const fromState = okta.issuer ? okta : auth0.issuer ? auth0 : undefined;
  if (!fromState) {
    const refused = okta.refused ?? auth0.refused;
    if (refused) throw refusedState(refused);
  }
  return fromState;
}

function refusedState(reason: string): UsageError {
  return new UsageError(reason, {
    hint: 'A project state file is data, not a direction: okta-m2m sends credentials only to the servers of the profile. Fix or remove .okta-m2m/state.json (run "okta-m2m init" again), or give --issuer or --token-url yourself.',
  });
}

function trimSlash(value: string | undefined): string | undefined {
  return value?.replace(/\/+$/, '');
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A list of strings, or a space-separated string (a scope parameter as sent). */
function list(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.filter(Boolean);
  return undefined;
}

/** Token settings from the command line; each one given overrides the state. */
interface TokenFlags {
  provider?: Provider | undefined;
  issuer?: string | undefined;
  tokenUrl?: string | undefined;
  clientId?: string | undefined;
  authMethod?: AuthMethod | undefined;
  privateKeyFile?: string | undefined;
  keyId?: string | undefined;
  scopes?: readonly string[] | undefined;
  audience?: string | undefined;
}

interface TokenSettings {
  provider: Provider;
  clientId?: string | undefined;
  /** Set when the token endpoint is to be found by discovery from this issuer. */
  issuer?: string | undefined;
  tokenEndpoint?: string | undefined;
  authMethod: AuthMethod;
  keyId?: string | undefined;
  scopes: string[];
  audience?: string | undefined;
  /** The state's client is DPoP-bound. */
  dpop?: boolean | undefined;
}

/**
 * Flags over state, field by field. The state's auth method and key id belong to the state's client, so they
 * apply only when the client id is the state's; the state's server applies only when no --issuer or --token-url.
 */
export function resolveTokenSettings(
  flags: TokenFlags,
  okta: OktaTokenDefaults,
  auth0: Auth0TokenDefaults,
): TokenSettings {
  const hasOkta = Object.keys(okta).length > 0;
  const hasAuth0 = Object.keys(auth0).length > 0;
  const provider: Provider = flags.provider ?? (hasOkta ? 'okta' : hasAuth0 ? 'auth0' : 'generic');
  const state: OktaTokenDefaults & Auth0TokenDefaults =
    provider === 'auth0' ? auth0 : provider === 'okta' ? okta : hasOkta ? okta : {};
  const clientId = flags.clientId ?? state.clientId;
  const sameClient = clientId !== undefined && clientId === state.clientId;
  const settings: TokenSettings = {
    provider,
    clientId,
    authMethod:
      flags.authMethod ??
      (flags.privateKeyFile ? 'private_key_jwt' : undefined) ??
      (sameClient ? state.authMethod : undefined) ??
      (provider === 'auth0' ? 'client_secret_post' : 'client_secret_basic'),
    keyId: flags.keyId ?? (sameClient ? state.keyId : undefined),
    ...(sameClient && state.dpop ? { dpop: true } : {}),
    scopes: flags.scopes?.length ? [...flags.scopes] : [...(state.scopes ?? [])],
    audience: flags.audience ?? state.audience,
  };
  if (flags.tokenUrl) settings.tokenEndpoint = flags.tokenUrl;
  else if (flags.issuer) settings.issuer = flags.issuer;
  else if (state.refused) throw refusedState(state.refused);
  else if (state.tokenEndpoint) settings.tokenEndpoint = state.tokenEndpoint;
  else if (state.issuer) settings.issuer = state.issuer;
  return settings;
}
