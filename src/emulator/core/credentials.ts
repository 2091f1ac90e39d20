import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of a presented secret with a stored one. */
export function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * client_secret_basic in the RFC 6749 section 2.3.1 form (each part form-urlencoded, then base64): undefined when the
 * header is not Basic, 'malformed' when it is but does not decode to id:secret.
 */
export function basicCredentials(
  header: string | undefined,
): { clientId: string; secret: string } | 'malformed' | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}
