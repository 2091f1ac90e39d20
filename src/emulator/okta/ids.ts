import { randomBytes, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** Okta object ids are 20 characters: a 3-character type prefix and 17 random ones. */
export const idPrefix = {
  app: '0oa',
  authServer: 'aus',
  policy: '00p',
  rule: '0pr',
  scope: 'scp',
  claim: 'ocl',
  inlineHook: 'cal',
  user: '00u',
  group: '00g',
  grant: 'oag',
  secret: 'ocs',
  request: 'req',
} as const;

export function newId(kind: keyof typeof idPrefix): string {
  return idPrefix[kind] + randomAlphanumeric(17);
}

/** A client secret the way Okta generates one: 64 URL-safe characters. */
export function newClientSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** Okta timestamps carry milliseconds but they are always zero. */
export function oktaTimestamp(date = new Date()): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();
}
