import type { HttpClient } from '../http/client.js';
import { loadSigningKey } from '../oauth/client-auth.js';
import { requestToken } from '../oauth/client-credentials.js';
import type { DpopNonces, DpopProver } from '../oauth/dpop.js';

/**
 * The management client's OAuth login: client credentials with private_key_jwt at the org authorization server
 * ({org}/oauth2/v1/token, the only one that issues okta.* scopes), through THE client-credentials implementation.
 * The token is kept in memory and fetched again a minute before it expires (or after Okta rejects it).
 */
interface OAuthLogin {
  orgUrl: string;
  clientId: string;
  scopes: string[];
  privateKey: string;
  keyId?: string | undefined;
}

interface ManagementToken {
  accessToken: string;
  tokenType: string;
  expiresAt: number;
  scope?: string | undefined;
}

const REFRESH_EARLY_MS = 60_000;

export function orgTokenEndpoint(orgUrl: string): string {
  return `${new URL(orgUrl).origin}/oauth2/v1/token`;
}

export class ManagementTokenSource {
  private cached: ManagementToken | undefined;
  private pending: Promise<ManagementToken> | undefined;

  constructor(
    private readonly login: OAuthLogin,
    private readonly http: HttpClient,
    private readonly dpop?: DpopProver,
    private readonly now: () => number = Date.now,
    private readonly dpopNonces?: DpopNonces,
  ) {}

  async get(): Promise<ManagementToken> {
    if (this.cached && this.now() < this.cached.expiresAt - REFRESH_EARLY_MS) return this.cached;
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    this.cached = await this.pending;
    return this.cached;
  }

  invalidate(): boolean {
    const had = this.cached !== undefined;
    this.cached = undefined;
    return had;
  }

  private async fetch(): Promise<ManagementToken> {
    const response = await requestToken({
      tokenEndpoint: orgTokenEndpoint(this.login.orgUrl),
      clientId: this.login.clientId,
      auth: { method: 'private_key_jwt', key: loadSigningKey(this.login.privateKey, this.login.keyId) },
      scopes: this.login.scopes,
      provider: 'okta',
      http: this.http,
      ...(this.dpop ? { dpop: this.dpop, ...(this.dpopNonces ? { dpopNonces: this.dpopNonces } : {}) } : {}),
    });
    return {
      accessToken: response.access_token,
      tokenType: response.token_type,
      expiresAt: this.now() + (response.expires_in ?? 3600) * 1000,
      ...(response.scope !== undefined ? { scope: response.scope } : {}),
    };
  }
}
