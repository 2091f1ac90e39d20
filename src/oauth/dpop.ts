import { createHash, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';

/**
 * DPoP (RFC 9449): a proof JWT per request, binding a token to a key. The interface is what the HTTP clients call
 * (the Okta management client, the token request); which key signs is the credential-lifecycle work's to choose
 * (a keychain key later). Okta asks for a nonce by answering `use_dpop_nonce` with a `DPoP-Nonce` header; the
 * caller passes the latest nonce back in.
 */
export interface DpopProofInput {
  /** The request method. */
  htm: string;
  /** The request URL; the query and fragment are dropped here (RFC 9449 4.2), the path kept as sent. */
  htu: string;
  /** The access token the request carries, for `ath`; none on a token request. */
  accessToken?: string | undefined;
  nonce?: string | undefined;
}

export interface DpopProver {
  proof(input: DpopProofInput): Promise<string>;
}

/**
 * htu: scheme, host and path as they go on the wire, without query or fragment (RFC 9449 4.2; Okta compares it byte
 * for byte). The path is the one fetch sends (WHATWG URL serialisation), percent-encoding kept as is, never decoded:
 * decoding it is what broke okta-sdk-nodejs on ids with escapes (#521).
 */
export function dpopHtu(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    const cut = url.search(/[?#]/);
    return cut >= 0 ? url.slice(0, cut) : url;
  }
}

/** ath: base64url(SHA-256(access token)). */
export function dpopAth(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

/** A prover with a private key (RS256 or ES256), jose loaded on first use. */
export function keyDpopProver(privateKey: KeyObject, alg: 'RS256' | 'ES256', now: () => number = Date.now): DpopProver {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return {
    async proof(input) {
      const { SignJWT } = await import('jose');
      const claims: Record<string, unknown> = { htm: input.htm.toUpperCase(), htu: dpopHtu(input.htu) };
      if (input.accessToken) claims.ath = dpopAth(input.accessToken);
      if (input.nonce) claims.nonce = input.nonce;
      return new SignJWT(claims)
        .setProtectedHeader({ typ: 'dpop+jwt', alg, jwk: jwk })
        .setJti(randomUUID())
        .setIssuedAt(Math.floor(now() / 1000))
        .sign(privateKey);
    },
  };
}

/**
 * The latest `DPoP-Nonce` each server gave, for the run: sent in every later proof to that server, so only the
 * first request to it can be refused with `use_dpop_nonce`. Keyed by origin (one server, one nonce).
 */
export class DpopNonces {
  private readonly byOrigin = new Map<string, string>();

  get(url: string): string | undefined {
    return this.byOrigin.get(originOf(url));
  }

  set(url: string, nonce: string | null | undefined): void {
    if (nonce) this.byOrigin.set(originOf(url), nonce);
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
