import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import { oktaTimestamp } from './ids.js';

export interface SigningKey {
  kid: string;
  created: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * A new RSA signing key, never handed out twice. Making one takes ~60 ms of CPU, and creating an authorization
 * server needs two (ACTIVE and NEXT), which would put the emulator's own cost on a client's critical path where
 * Okta answers at once; so a few keys are made ahead, in the background, and each one taken is replaced.
 */
export async function newSigningKey(): Promise<SigningKey> {
  const made = spareKeys.shift() ?? generateSigningKey();
  refillSpareKeys();
  return { ...(await made), created: oktaTimestamp() };
}

/** Enough for one new authorization server (ACTIVE and NEXT). */
const SPARE_KEYS = 2;
const spareKeys: Promise<SigningKey>[] = [];

/** Starts making the spare keys, one after another so a start-up is not slowed by all at once. */
function refillSpareKeys(): void {
  if (spareKeys.length >= SPARE_KEYS) return;
  const previous = spareKeys.at(-1) ?? Promise.resolve();
  const made = previous.then(generateSigningKey, generateSigningKey);
  made.catch(() => undefined);
  spareKeys.push(made);
  refillSpareKeys();
}

async function generateSigningKey(): Promise<SigningKey> {
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
