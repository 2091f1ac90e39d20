import type { JsonWebKey } from 'node:crypto';
import type { JsonWebKeyLike } from './types.js';

/**
 * RSA key pairs for private_key_jwt clients: the private key as PKCS#8 PEM (kept in the keychain), the public key
 * as a JWK whose kid is its RFC 7638 thumbprint (registered on the app).
 */
interface ClientKeyPair {
  privateKeyPem: string;
  publicJwk: JsonWebKeyLike & { kid: string };
}

export async function generateClientKeyPair(): Promise<ClientKeyPair> {
  const jose = await import('jose');
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const privateKeyPem = await jose.exportPKCS8(privateKey);
  const jwk = await jose.exportJWK(publicKey);
  const kid = await jose.calculateJwkThumbprint(jwk, 'sha256');
  return { privateKeyPem, publicJwk: { kty: jwk.kty, e: jwk.e, n: jwk.n, kid, use: 'sig', alg: 'RS256' } };
}

/** The public JWK of a stored private key (PKCS#8 PEM, or a private JWK as JSON). */
export async function publicJwkOf(privateKey: string, keyId?: string): Promise<JsonWebKeyLike & { kid: string }> {
  const jose = await import('jose');
  const { createPublicKey, createPrivateKey } = await import('node:crypto');
  const trimmed = privateKey.trim();
  const parsed = trimmed.startsWith('{') ? (JSON.parse(trimmed) as { keys?: Array<{ kid?: string }> }) : undefined;
  // A JWK set (a key rotation holds both keys for a while): the key with keyId, else the newest (last).
  const chosen = parsed?.keys ? (parsed.keys.find((k) => keyId && k.kid === keyId) ?? parsed.keys.at(-1)) : parsed;
  const keyObject = chosen ? createPrivateKey({ key: chosen as JsonWebKey, format: 'jwk' }) : createPrivateKey(trimmed);
  const jwk = await jose.exportJWK(createPublicKey(keyObject));
  const kid = keyId ?? (await jose.calculateJwkThumbprint(jwk, 'sha256'));
  return { kty: jwk.kty, e: jwk.e, n: jwk.n, kid, use: 'sig', alg: 'RS256' };
}
