import { randomBytes } from 'node:crypto';
import type { Rng } from '../core/prng.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

function draw(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rng() * alphabet.length)];
  return out;
}

/** Id shapes as Auth0 makes them. Deterministic for a seed; secrets are never seeded. */
export class IdFactory {
  constructor(private readonly rng: Rng) {}
  clientId(): string {
    return draw(this.rng, ALNUM, 32);
  }
  resourceServerId(): string {
    return draw(this.rng, HEX, 24);
  }
  clientGrantId(): string {
    return `cgr_${draw(this.rng, ALNUM, 16)}`;
  }
  roleId(): string {
    return `rol_${draw(this.rng, ALNUM, 16)}`;
  }
  userId(): string {
    return `auth0|${draw(this.rng, HEX, 24)}`;
  }
  keyId(): string {
    return draw(this.rng, ALNUM, 22);
  }
}

/** A client secret: 64 url-safe characters from the system CSPRNG. */
export function newClientSecret(): string {
  return randomBytes(48).toString('base64url');
}
