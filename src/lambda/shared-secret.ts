import { randomBytes } from 'node:crypto';
import { registerSecret } from '../secrets/redact.js';

/** A new shared secret for Okta's inline hook call: 32 random bytes, base64url. Registered for redaction at once. */
export function newSharedSecret(): string {
  const value = randomBytes(32).toString('base64url');
  registerSecret(value);
  return value;
}
