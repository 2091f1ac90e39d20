import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { SecretRef } from '../secrets/refs.js';
import type { SecretStore } from '../secrets/store.js';
import { keyDpopProver, type DpopProver } from './dpop.js';

/**
 * The DPoP key pair of a client: EC P-256 (ES256), made on first use and kept in the keychain as a private JWK, so
 * every run proves possession of the same key and a cached DPoP token stays usable.
 */
export interface DpopKey {
  privateKey: KeyObject;
  /** The RFC 7638 thumbprint of the public key: what a bound token's cnf.jkt says. */
  thumbprint: string;
  prover: DpopProver;
}

export async function dpopKeyFrom(privateKey: KeyObject, now?: () => number): Promise<DpopKey> {
  const { calculateJwkThumbprint } = await import('jose');
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') {
    throw new UsageError('A DPoP key must be an EC P-256 key.', {
      hint: 'Remove the stored DPoP key; okta-m2m makes a new one.',
    });
  }
  return { privateKey, thumbprint: await calculateJwkThumbprint(jwk), prover: keyDpopProver(privateKey, 'ES256', now) };
}

/** A private key from PEM or a JWK (JSON); the error names where it came from. */
export function parseDpopPrivateKey(text: string, source: string): KeyObject {
  const trimmed = text.trim();
  try {
    return trimmed.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' })
      : createPrivateKey(trimmed);
  } catch {
    throw new UsageError(`${source} is not a private key (PEM or JWK).`, {
      hint: 'A DPoP key is an EC P-256 private key.',
    });
  }
}

/** The public key from a private or public key file (PEM or JWK), for checking a token's cnf.jkt. */
export async function thumbprintOfKeyText(text: string, source: string): Promise<string> {
  const { calculateJwkThumbprint } = await import('jose');
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith('{')
      ? createPublicKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' })
      : createPublicKey(trimmed);
  } catch {
    throw new UsageError(`${source} is not a key (PEM or JWK).`, {
      hint: 'Give the DPoP key file (private or public).',
    });
  }
  return calculateJwkThumbprint(key.export({ format: 'jwk' }));
}

export function generateDpopPrivateKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

/** The stored DPoP key, or undefined when there is none. */
export async function loadDpopKey(store: SecretStore, ref: SecretRef): Promise<DpopKey | undefined> {
  const stored = await store.get(ref);
  return stored ? dpopKeyFrom(parseDpopPrivateKey(stored, ref.label)) : undefined;
}

/** The stored DPoP key; a new one is made and stored when there is none. */
export async function ensureDpopKey(store: SecretStore, ref: SecretRef): Promise<{ key: DpopKey; created: boolean }> {
  const existing = await loadDpopKey(store, ref);
  if (existing) return { key: existing, created: false };
  const privateKey = generateDpopPrivateKey();
  await store.set(ref, JSON.stringify(privateKey.export({ format: 'jwk' })));
  return { key: await dpopKeyFrom(privateKey), created: true };
}
