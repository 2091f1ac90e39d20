import { newSigningKey, type SigningKey } from './keys.js';

/**
 * A custom authorization server's signing keys, kept in the order Okta lists them (AuthorizationServerJsonWebKey
 * `status`): the ACTIVE key that signs, the NEXT key published ahead of the next rotation so that resource servers
 * already have it cached, and the EXPIRED key that signed before the last rotation.
 */
type ServerKeyStatus = 'ACTIVE' | 'NEXT' | 'EXPIRED';

export function serverKeyStatus(index: number): ServerKeyStatus {
  return index === 0 ? 'ACTIVE' : index === 1 ? 'NEXT' : 'EXPIRED';
}

/** A new server's keys: ACTIVE and NEXT. */
export async function newServerKeys(): Promise<SigningKey[]> {
  return Promise.all([newSigningKey(), newSigningKey()]);
}

/** After keyRotate: NEXT becomes ACTIVE, a new NEXT is made, the old ACTIVE stays published as EXPIRED. */
export async function rotatedServerKeys(keys: SigningKey[]): Promise<SigningKey[]> {
  const [active, next] = keys;
  const [promoted, newNext] = await Promise.all([next ?? newSigningKey(), newSigningKey()]);
  return [promoted, newNext, ...(active ? [active] : [])];
}
