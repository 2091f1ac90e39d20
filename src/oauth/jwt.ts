import {
  createRemoteJWKSet,
  customFetch,
  decodeJwt as joseDecodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
} from 'jose';
import { RemoteError, UsageError } from '../errors.js';
import { discover, type AuthServerMetadata } from './discovery.js';
import { send, type FetchLike } from './http.js';

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Asymmetric algorithms only: "none" and HMAC (a shared secret, forgeable by any holder) are never accepted. */
const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const HINT = 'Pass an access token (three base64url parts separated by dots), as an argument or on stdin.';

/**
 * Header and claims of a JWT, without checking its signature. Anything that is not a JWS-compact JWT with JSON
 * header and claims is a UsageError with a one-line reason; no input makes it throw anything else.
 */
export function decodeJwt(input: string): DecodedJwt {
  const token = input.trim().replace(/^bearer\s+/i, '');
  if (!token) throw new UsageError('No token given.', { hint: HINT });
  const parts = token.split('.');
  if (parts.length === 5) {
    throw new UsageError('This is an encrypted token (JWE); it cannot be read without the key.', { hint: HINT });
  }
  if (parts.length !== 3) {
    throw new UsageError(
      parts.length === 1
        ? 'This is not a JWT: it has no dots (an opaque token can only be checked by the server that issued it).'
        : `This is not a JWT: it has ${parts.length} parts, not 3.`,
      { hint: HINT },
    );
  }
  if (!parts.every((part) => /^[A-Za-z0-9_-]*$/.test(part))) {
    throw new UsageError('This is not a JWT: it holds characters that are not base64url.', { hint: HINT });
  }
  let header: unknown;
  let claims: unknown;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new UsageError('This is not a JWT: its header is not base64url-encoded JSON.', { hint: HINT });
  }
  try {
    claims = joseDecodeJwt(token);
  } catch {
    throw new UsageError('This is not a JWT: its claims are not a base64url-encoded JSON object.', { hint: HINT });
  }
  if (!isObject(header) || !isObject(claims)) {
    throw new UsageError('This is not a JWT: its header or claims are not JSON objects.', { hint: HINT });
  }
  return { header, claims };
}

/** The scopes a token grants: Okta's `scp` (an array), or `scope` (a space-separated string: Auth0 and others). */
export function tokenScopes(claims: Record<string, unknown>): string[] {
  const value = claims.scp ?? claims.scope;
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

interface VerifyOptions {
  token: string;
  issuer: string;
  audience?: string | readonly string[] | undefined;
  scopes?: readonly string[] | undefined;
  clockToleranceSec?: number | undefined;
  /** Discovery metadata already at hand (skips the request). */
  metadata?: AuthServerMetadata | undefined;
  fetch?: FetchLike | undefined;
  /** Per request, for discovery and the issuer's keys (default the HTTP core's). */
  timeoutMs?: number | undefined;
  /** The time to check against (default now). */
  currentDate?: Date | undefined;
}

interface VerifyResult extends DecodedJwt {
  valid: boolean;
  reason?: string;
}

/**
 * Verifies an access token against its issuer: signature (keys from the issuer's jwks_uri, asymmetric algorithms
 * only), issuer, audience, times (with clock tolerance), then the required scopes. A token that fails a check is
 * a result with a reason; a token that is not a JWT is a UsageError; an unreachable issuer is a RemoteError.
 */
export async function verifyJwt(options: VerifyOptions): Promise<VerifyResult> {
  const decoded = decodeJwt(options.token);
  const token = options.token.trim().replace(/^bearer\s+/i, '');
  const invalid = (reason: string): VerifyResult => ({ valid: false, reason, ...decoded });

  const alg = decoded.header.alg;
  if (typeof alg !== 'string' || !ALLOWED_ALGORITHMS.includes(alg)) {
    return invalid(
      `its algorithm ${JSON.stringify(alg ?? null)} is not allowed (only ${ALLOWED_ALGORITHMS.join(', ')})`,
    );
  }
  const metadata =
    options.metadata ?? (await discover(options.issuer, { fetch: options.fetch, timeoutMs: options.timeoutMs }));
  if (!metadata.jwks_uri) {
    throw new RemoteError(`The issuer ${options.issuer} publishes no jwks_uri, so signatures cannot be checked.`, {
      hint: 'Check the issuer: an OAuth 2.0 server that issues JWTs publishes its keys.',
    });
  }
  const jwksUri = metadata.jwks_uri;
  const keys = createRemoteJWKSet(new URL(jwksUri), {
    [customFetch]: (url, init) =>
      send(url, init, { fetch: options.fetch, timeoutMs: options.timeoutMs, what: 'its signing keys' }),
  });
  try {
    await jwtVerify(token, keys, {
      issuer: options.issuer,
      ...(options.audience === undefined ? {} : { audience: options.audience as string | string[] }),
      algorithms: ALLOWED_ALGORITHMS,
      clockTolerance: options.clockToleranceSec ?? 30,
      ...(options.currentDate ? { currentDate: options.currentDate } : {}),
    });
  } catch (error) {
    if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
      throw new RemoteError(`The issuer's signing keys at ${jwksUri} could not be read: ${error.message}.`, {
        hint: 'Check the issuer and try again.',
        cause: error,
      });
    }
    if (!(error instanceof errors.JOSEError)) throw error;
    if (error.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/i.test(error.message)) {
      throw new RemoteError(`The issuer's signing keys at ${jwksUri} could not be read: ${error.message}.`, {
        hint: 'Check the issuer and try again.',
        cause: error,
      });
    }
    return invalid(reasonFor(error, decoded, options, jwksUri));
  }

  const required = options.scopes ?? [];
  if (required.length) {
    const granted = new Set(tokenScopes(decoded.claims));
    const missing = required.filter((scope) => !granted.has(scope));
    if (missing.length) {
      return invalid(
        `it lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (it has: ${[...granted].join(' ') || 'none'})`,
      );
    }
  }
  return { valid: true, ...decoded };
}

function reasonFor(error: errors.JOSEError, decoded: DecodedJwt, options: VerifyOptions, jwksUri: string): string {
  const { claims, header } = decoded;
  if (error instanceof errors.JWTExpired) {
    return typeof claims.exp === 'number' ? `it expired at ${isoTime(claims.exp)}` : 'it has expired';
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return `its issuer is ${JSON.stringify(claims.iss ?? null)}, not ${JSON.stringify(options.issuer)}`;
      case 'aud':
        return `its audience is ${JSON.stringify(claims.aud ?? null)}, not ${JSON.stringify(options.audience)}`;
      case 'nbf':
        return typeof claims.nbf === 'number' ? `it is not valid before ${isoTime(claims.nbf)}` : `its nbf is invalid`;
      case 'iat':
        return `its issue time (iat) is invalid or in the future`;
      default:
        return `claim "${error.claim}" failed: ${error.message}`;
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "its signature does not verify with the issuer's keys";
  if (error instanceof errors.JWKSNoMatchingKey) {
    return `no key of the issuer (${jwksUri}) matches its key id ${JSON.stringify(header.kid ?? null)}: it was signed by someone else, or with a retired key`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return `its algorithm ${JSON.stringify(header.alg ?? null)} is not allowed`;
  return error.message;
}

function isoTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
