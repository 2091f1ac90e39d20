import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { oktaTimestamp } from './ids.js';

export interface SigningKey {
  kid: string;
  created: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    created: oktaTimestamp(),
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
    publicJwk: { kty: 'RSA', alg: 'RS256', kid, use: 'sig', e: publicJwk.e!, n: publicJwk.n! },
  };
}

export function jwks(keys: SigningKey[]): { keys: JWK[] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

type ImportedKey = Awaited<ReturnType<typeof importJWK>>;
const importedKeys = new Map<string, Promise<ImportedKey>>();

export async function signJwt(key: SigningKey, payload: JWTPayload): Promise<string> {
  let imported = importedKeys.get(key.kid);
  if (!imported) {
    imported = importJWK(key.privateJwk, 'RS256');
    importedKeys.set(key.kid, imported);
  }
  return new SignJWT(payload).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(await imported);
}
