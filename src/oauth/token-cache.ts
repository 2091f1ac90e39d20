import { createHash } from 'node:crypto';
import { isRecord } from '../config/validate.js';
import { secretRefs } from '../secrets/refs.js';
import type { SecretStore } from '../secrets/store.js';
import type { TokenResponse } from './client-credentials.js';
import type { ClientAuth } from './client-auth.js';

/** A cached access token: kept only in the keychain, never in a file. */
interface CachedToken {
  access_token: string;
  token_type: string;
  /** Seconds since the epoch. */
  expires_at: number;
  scope?: string;
}

interface CacheKeyParts {
  /** The token endpoint (which names the issuer). */
  tokenEndpoint: string;
  clientId: string;
  /**
   * A hash of the credential (`credentialFingerprint`): a token is reused only by whoever holds the secret or key
   * that got it, so a wrong secret never gets a cached token.
   */
  credential: string;
  scopes?: readonly string[] | undefined;
  audience?: string | undefined;
  provider?: string | undefined;
  extraParams?: Readonly<Record<string, string>> | undefined;
  /** The DPoP key's thumbprint, for a DPoP-bound token: such a token is reused only with the key it is bound to. */
  dpopJkt?: string | undefined;
}

/** A token is reused until this many seconds before it expires. */
const EXPIRY_MARGIN_SEC = 60;

/** What makes two requests ask for the same token, hashed to a short hex string (the keychain account's suffix). */
export function cacheKey(parts: CacheKeyParts): string {
  const canonical = JSON.stringify([
    parts.tokenEndpoint,
    parts.clientId,
    parts.credential,
    [...new Set(parts.scopes ?? [])].sort(),
    parts.audience ?? null,
    parts.provider ?? null,
    Object.entries(parts.extraParams ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    // Only when bound, so the keys of Bearer tokens cached before DPoP existed stay as they were.
    ...(parts.dpopJkt ? [['dpop', parts.dpopJkt]] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 24);
}

/** SHA-256 of the client's credential (the secret, or the private key and its key id), hex. */
export function credentialFingerprint(auth: ClientAuth): string {
  const hash = createHash('sha256').update(auth.method).update('\0');
  if (auth.method === 'private_key_jwt') {
    hash
      .update(auth.key.key.export({ format: 'der', type: 'pkcs8' }))
      .update('\0')
      .update(auth.key.kid ?? '');
  } else {
    hash.update(auth.clientSecret);
  }
  return hash.digest('hex');
}

/**
 * Removes every cached token of a profile (logout, destroy): the keys are listed in the profile's cache index,
 * since a keychain cannot be searched portably. Returns how many entries went.
 */
export async function clearProfileTokens(store: SecretStore, profile: string): Promise<number> {
  const cache = new TokenCache(store, profile);
  let removed = 0;
  for (const key of await cache.keys()) if (await cache.delete(key)) removed += 1;
  await store.delete(secretRefs.tokenCacheIndex(profile));
  return removed;
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
    await this.remember(key);
    await this.store.set(secretRefs.tokenCache(this.profile, key), JSON.stringify(entry));
    return entry;
  }

  async delete(key: string): Promise<boolean> {
    return this.store.delete(secretRefs.tokenCache(this.profile, key));
  }

  /** The keys listed in the profile's cache index (a damaged index lists nothing). */
  async keys(): Promise<string[]> {
    const raw = await this.store.get(secretRefs.tokenCacheIndex(this.profile));
    if (raw === undefined) return [];
    try {
      const value = JSON.parse(raw) as unknown;
      return Array.isArray(value)
        ? value.filter((key): key is string => typeof key === 'string' && /^[0-9a-f]{24}$/.test(key))
        : [];
    } catch {
      return [];
    }
  }

  private async remember(key: string): Promise<void> {
    const keys = await this.keys();
    if (keys.includes(key)) return;
    // Bounded: the oldest keys fall off (their entries expire and are removed when read).
    const next = [...keys, key].slice(-MAX_INDEXED_KEYS);
    await this.store.set(secretRefs.tokenCacheIndex(this.profile), JSON.stringify(next));
  }
}

const MAX_INDEXED_KEYS = 200;

function toEntry(response: TokenResponse, nowSec: number): CachedToken | undefined {
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
  if (typeof token_type !== 'string' || typeof expires_at !== 'number' || !Number.isFinite(expires_at))
    return undefined;
  const entry: CachedToken = { access_token, token_type, expires_at };
  if (typeof scope === 'string') entry.scope = scope;
  return entry;
}
