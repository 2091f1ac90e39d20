import { isRecord } from '../config/validate.js';
import { isAuthMethod, type AuthMethod } from './client-auth.js';
import type { Provider } from './client-credentials.js';

/**
 * What `init` left in the project state for `token get` to default to. Read defensively: a field of the wrong
 * type is treated as missing, so flags can always override a damaged or older state.
 */
export interface OktaTokenDefaults {
  orgUrl?: string;
  appId?: string;
  clientId?: string;
  authMethod?: AuthMethod;
  authServerId?: string;
  issuer?: string;
  tokenEndpoint?: string;
  audience?: string;
  scopes?: string[];
  keyId?: string;
}

export interface Auth0TokenDefaults {
  domain?: string;
  /** The emulator's address (http://127.0.0.1:port) in place of https://{domain}. */
  baseUrl?: string;
  clientId?: string;
  audience?: string;
  scopes?: string[];
  tokenEndpoint?: string;
  /** https://{domain}/ (or {baseUrl}/): Auth0's issuer ends with a slash. */
  issuer?: string;
}

/** State section 'okta' (written by `init`). */
export function oktaDefaults(section: unknown): OktaTokenDefaults {
  if (!isRecord(section)) return {};
  const out: OktaTokenDefaults = {};
  for (const key of ['orgUrl', 'appId', 'clientId', 'authServerId', 'issuer', 'tokenEndpoint', 'audience', 'keyId'] as const) {
    const value = text(section[key]);
    if (value !== undefined) out[key] = value;
  }
  if (isAuthMethod(section.authMethod)) out.authMethod = section.authMethod;
  const scopes = list(section.scopes);
  const fallback = list(section.defaultScope);
  if (scopes?.length) out.scopes = scopes;
  else if (fallback?.length) out.scopes = fallback;
  const orgUrl = out.orgUrl?.replace(/\/+$/, '');
  if (!out.issuer && orgUrl && out.authServerId) out.issuer = `${orgUrl}/oauth2/${out.authServerId}`;
  // Okta's custom authorization servers all put the token endpoint here; discovery is not needed for it.
  if (!out.tokenEndpoint && out.issuer && orgUrl && out.issuer.startsWith(`${orgUrl}/oauth2/`)) {
    out.tokenEndpoint = `${out.issuer.replace(/\/+$/, '')}/v1/token`;
  }
  return out;
}

/** State section 'auth0' (written by `auth0 init`). */
export function auth0Defaults(section: unknown): Auth0TokenDefaults {
  if (!isRecord(section)) return {};
  const out: Auth0TokenDefaults = {};
  for (const key of ['domain', 'baseUrl', 'clientId', 'audience', 'tokenEndpoint'] as const) {
    const value = text(section[key]);
    if (value !== undefined) out[key] = value;
  }
  const scopes = list(section.scopes);
  if (scopes?.length) out.scopes = scopes;
  const base = (out.baseUrl ?? (out.domain ? `https://${out.domain}` : undefined))?.replace(/\/+$/, '');
  if (base) {
    out.tokenEndpoint ??= `${base}/oauth/token`;
    out.issuer = `${base}/`;
  }
  return out;
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
export interface TokenFlags {
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

export interface TokenSettings {
  provider: Provider;
  clientId?: string | undefined;
  /** Set when the token endpoint is to be found by discovery from this issuer. */
  issuer?: string | undefined;
  tokenEndpoint?: string | undefined;
  authMethod: AuthMethod;
  keyId?: string | undefined;
  scopes: string[];
  audience?: string | undefined;
}

/**
 * Flags over state, field by field. The state's auth method and key id belong to the state's client, so they
 * apply only when the client id is the state's; the state's server applies only when no --issuer or --token-url.
 */
export function resolveTokenSettings(flags: TokenFlags, okta: OktaTokenDefaults, auth0: Auth0TokenDefaults): TokenSettings {
  const hasOkta = Object.keys(okta).length > 0;
  const hasAuth0 = Object.keys(auth0).length > 0;
  const provider: Provider = flags.provider ?? (hasOkta ? 'okta' : hasAuth0 ? 'auth0' : 'generic');
  const state: OktaTokenDefaults & Auth0TokenDefaults = provider === 'auth0' ? auth0 : provider === 'okta' ? okta : hasOkta ? okta : {};
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
    scopes: flags.scopes?.length ? [...flags.scopes] : [...(state.scopes ?? [])],
    audience: flags.audience ?? state.audience,
  };
  if (flags.tokenUrl) settings.tokenEndpoint = flags.tokenUrl;
  else if (flags.issuer) settings.issuer = flags.issuer;
  else if (state.tokenEndpoint) settings.tokenEndpoint = state.tokenEndpoint;
  else if (state.issuer) settings.issuer = state.issuer;
  return settings;
}
