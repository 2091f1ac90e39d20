import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';
import { OAuthError } from './errors.js';

const PROOF_MAX_AGE_SECONDS = 300;

/** Validates a DPoP proof for the token endpoint (RFC 9449) and returns the key thumbprint to bind. */
export async function verifyDpopProof(proof: string | undefined, tokenUrls: string[], nonce: string): Promise<string> {
  if (!proof) throw new OAuthError(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', maxTokenAge: PROOF_MAX_AGE_SECONDS });
  } catch {
    throw new OAuthError(400, 'invalid_dpop_proof', 'The DPoP proof JWT is invalid.');
  }
  const { payload, protectedHeader } = verified;
  if (payload.htm !== 'POST' || typeof payload.htu !== 'string' || !tokenUrls.includes(payload.htu)) {
    throw new OAuthError(400, 'invalid_dpop_proof', "The DPoP proof 'htm' or 'htu' does not match the request.");
  }
  if (payload.nonce !== nonce) {
    throw new OAuthError(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.', { 'DPoP-Nonce': nonce });
  }
  return calculateJwkThumbprint(protectedHeader.jwk!);
}

export function newDpopNonce(): string {
  return randomBytes(24).toString('base64url');
}
