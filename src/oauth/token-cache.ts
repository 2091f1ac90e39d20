import { createHash } from 'node:crypto';
import { isRecord } from '../config/validate.js';
import { secretRefs } from '../secrets/refs.js';
import type { SecretStore } from '../secrets/store.js';
import type { TokenResponse } from './client-credentials.js';

/** A cached access token: kept only in the keychain, never in a file. */
export interface CachedToken {
  access_token: string;
  token_type: string;
  /** Seconds since the epoch. */
  expires_at: number;
  scope?: string;
}

export interface CacheKeyParts {
  /** The token endpoint (which names the issuer). */
  tokenEndpoint: string;
  clientId: string;
  scopes?: readonly string[] | undefined;
  audience?: string | undefined;
  provider?: string | undefined;
  extraParams?: Readonly<Record<string, string>> | undefined;
}

/** A token is reused until this many seconds before it expires. */
export const EXPIRY_MARGIN_SEC = 60;

/** What makes two requests ask for the same token, hashed to a short hex string (the keychain account's suffix). */
export function cacheKey(parts: CacheKeyParts): string {
  const canonical = JSON.stringify([
    parts.tokenEndpoint,
    parts.clientId,
    [...new Set(parts.scopes ?? [])].sort(),
    parts.audience ?? null,
    parts.provider ?? null,
    Object.entries(parts.extraParams ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 24);
}

export class TokenCache {
  constructor(
    private readonly store: SecretStore,
    private readonly profile: string,
    private readonly options: { marginSec?: number; now?: () => number } = {},
  ) {}

  private nowSec(): number {
    return Math.floor((this.options.now?.() ?? Date.now()) / 1000);
  }

  /** The cached token when it is still good for longer than the margin; a damaged or stale entry is removed. */
  async get(key: string): Promise<CachedToken | undefined> {
    const ref = secretRefs.tokenCache(this.profile, key);
    const raw = await this.store.get(ref);
    if (raw === undefined) return undefined;
    const entry = parseEntry(raw);
    if (entry && entry.expires_at - this.nowSec() > (this.options.marginSec ?? EXPIRY_MARGIN_SEC)) return entry;
    await this.store.delete(ref).catch(() => false);
    return undefined;
  }

  /** Stores a token response; one without a lifetime (or with too short a one to reuse) is not cached. */
  async set(key: string, response: TokenResponse): Promise<CachedToken | undefined> {
    const entry = toEntry(response, this.nowSec());
    if (!entry || entry.expires_at - this.nowSec() <= (this.options.marginSec ?? EXPIRY_MARGIN_SEC)) return undefined;
    await this.store.set(secretRefs.tokenCache(this.profile, key), JSON.stringify(entry));
    return entry;
  }

  async delete(key: string): Promise<boolean> {
    return this.store.delete(secretRefs.tokenCache(this.profile, key));
  }
}

export function toEntry(response: TokenResponse, nowSec: number): CachedToken | undefined {
  if (typeof response.expires_in !== 'number' || !(response.expires_in > 0)) return undefined;
  const entry: CachedToken = {
    access_token: response.access_token,
    token_type: response.token_type,
    expires_at: nowSec + Math.floor(response.expires_in),
  };
  if (typeof response.scope === 'string') entry.scope = response.scope;
  return entry;
}

/** A cached entry as a token response (expires_in counted from now). */
export function toResponse(entry: CachedToken, nowSec: number = Math.floor(Date.now() / 1000)): TokenResponse {
  const response: TokenResponse = {
    access_token: entry.access_token,
    token_type: entry.token_type,
    expires_in: Math.max(0, entry.expires_at - nowSec),
  };
  if (entry.scope !== undefined) response.scope = entry.scope;
  return response;
}

function parseEntry(raw: string): CachedToken | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const { access_token, token_type, expires_at, scope } = value;
  if (typeof access_token !== 'string' || !access_token) return undefined;
  if (typeof token_type !== 'string' || typeof expires_at !== 'number' || !Number.isFinite(expires_at)) return undefined;
  const entry: CachedToken = { access_token, token_type, expires_at };
  if (typeof scope === 'string') entry.scope = scope;
  return entry;
}
