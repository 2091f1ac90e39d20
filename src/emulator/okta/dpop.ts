import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { OAuthError } from './errors.js';

const PROOF_MAX_AGE_SECONDS = 300;

/** The jti of every proof seen within its lifetime: Okta refuses a replayed proof (RFC 9449 section 11.1). */
export class DpopReplayGuard {
  private readonly seen = new Map<string, number>();

  /** false when this jti was seen before */
  remember(jti: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
    if (this.seen.size > 0 && this.seen.size % 1024 === 0)
      for (const [k, until] of this.seen) if (until < nowSeconds) this.seen.delete(k);
    if (this.seen.has(jti)) return false;
    this.seen.set(jti, nowSeconds + PROOF_MAX_AGE_SECONDS);
    return true;
  }
}

interface ProofExpectation {
  htm: string;
  /** the URLs the request may have been addressed to (without query or fragment) */
  htus: string[];
  /** required at the token endpoint (use_dpop_nonce) */
  nonce?: string;
  /** base64url SHA-256 of the access token, on resource (management) requests */
  ath?: string;
  /** the thumbprint the token is bound to (cnf.jkt), on resource requests */
  jkt?: string;
}

/** Why a proof was refused; the token endpoint and the management API render it differently. */
export class DpopProofError extends Error {
  constructor(
    readonly error: 'invalid_dpop_proof' | 'use_dpop_nonce',
    description: string,
  ) {
    super(description);
  }
}

export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Validates a DPoP proof (RFC 9449 section 4.3, as Okta applies it) and returns its key's thumbprint. */
export async function checkDpopProof(
  proof: string | undefined,
  expect: ProofExpectation,
  replay: DpopReplayGuard,
): Promise<string> {
  if (!proof) throw new DpopProofError('invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      maxTokenAge: PROOF_MAX_AGE_SECONDS,
      algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
    });
  } catch {
    throw new DpopProofError('invalid_dpop_proof', 'The DPoP proof JWT is invalid.');
  }
  const { payload, protectedHeader } = verified;
  if (payload.htm !== expect.htm || typeof payload.htu !== 'string' || !expect.htus.includes(payload.htu)) {
    throw new DpopProofError('invalid_dpop_proof', "The DPoP proof 'htm' or 'htu' does not match the request.");
  }
  if (typeof payload.jti !== 'string' || payload.jti === '')
    throw new DpopProofError('invalid_dpop_proof', "The DPoP proof must contain a 'jti' claim.");
  if (expect.ath !== undefined && payload.ath !== expect.ath)
    throw new DpopProofError('invalid_dpop_proof', "The DPoP proof 'ath' does not match the access token.");
  const thumbprint = await calculateJwkThumbprint(protectedHeader.jwk!);
  if (expect.jkt !== undefined && thumbprint !== expect.jkt)
    throw new DpopProofError(
      'invalid_dpop_proof',
      'The DPoP proof key does not match the key the access token is bound to.',
    );
  if (expect.nonce !== undefined && payload.nonce !== expect.nonce)
    throw new DpopProofError('use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.');
  if (!replay.remember(`${thumbprint}:${payload.jti}`))
    throw new DpopProofError('invalid_dpop_proof', 'The DPoP proof has already been used.');
  return thumbprint;
}

/** The token endpoint's form of a proof check: OAuth errors, the nonce in a DPoP-Nonce header. */
export async function verifyDpopProof(
  proof: string | undefined,
  tokenUrls: string[],
  nonce: string,
  replay: DpopReplayGuard,
): Promise<string> {
  try {
    return await checkDpopProof(proof, { htm: 'POST', htus: tokenUrls, nonce }, replay);
  } catch (err) {
    if (!(err instanceof DpopProofError)) throw err;
    throw new OAuthError(400, err.error, err.message, err.error === 'use_dpop_nonce' ? { 'DPoP-Nonce': nonce } : {});
  }
}

export function newDpopNonce(): string {
  return randomBytes(24).toString('base64url');
}
