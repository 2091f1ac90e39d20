import { createPrivateKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { UsageError } from '../errors.js';
import { registerSecret } from '../secrets/redact.js';

/** How a client authenticates at the token endpoint (RFC 6749 2.3.1, OpenID Connect Core 9, RFC 7523). */
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export type ClientAuth =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientSecret: string }
  | { method: 'private_key_jwt'; key: SigningKey };

export interface SigningKey {
  key: KeyObject;
  alg: SigningAlg;
  kid?: string | undefined;
}

type SigningAlg = 'RS256' | 'ES256' | 'ES384' | 'ES512';

/** What a client's authentication adds to a token request: headers and body parameters. */
interface AppliedClientAuth {
  headers: Record<string, string>;
  params: Record<string, string>;
}

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ASSERTION_LIFETIME_SEC = 60;

export function isAuthMethod(value: unknown): value is AuthMethod {
  return typeof value === 'string' && (AUTH_METHODS as readonly string[]).includes(value);
}

export function parseAuthMethod(value: string): AuthMethod {
  if (isAuthMethod(value)) return value;
  throw new UsageError(`"${value}" is not a client authentication method.`, {
    hint: `Use one of ${AUTH_METHODS.join(', ')}.`,
  });
}

/**
 * The headers and parameters that authenticate the client. Called once per request: a private_key_jwt assertion
 * has its own jti and must not be replayed, so a retry gets a new one.
 */
export async function applyClientAuth(
  auth: ClientAuth,
  clientId: string,
  tokenEndpoint: string,
  nowSec: number = Math.floor(Date.now() / 1000),
): Promise<AppliedClientAuth> {
  switch (auth.method) {
    case 'client_secret_basic':
      return { headers: { authorization: basicAuthorization(clientId, auth.clientSecret) }, params: {} };
    case 'client_secret_post':
      return { headers: {}, params: { client_id: clientId, client_secret: auth.clientSecret } };
    case 'private_key_jwt': {
      const assertion = await clientAssertion({ clientId, tokenEndpoint, key: auth.key, nowSec });
      return {
        headers: {},
        params: { client_id: clientId, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion },
      };
    }
  }
}

/** RFC 6749 2.3.1: the client id and secret are each form-urlencoded before they are joined and base64-encoded. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString('base64')}`;
}

/** application/x-www-form-urlencoded encoding of one value (space as "+"). */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * RFC 7523 client assertion: iss = sub = client id, aud = the token endpoint, a random jti, and a short life
 * (60 seconds at most, which Okta and Auth0 both accept).
 */
export async function clientAssertion(input: {
  clientId: string;
  tokenEndpoint: string;
  key: SigningKey;
  nowSec?: number;
  lifetimeSec?: number;
}): Promise<string> {
  const now = input.nowSec ?? Math.floor(Date.now() / 1000);
  const lifetime = Math.min(input.lifetimeSec ?? ASSERTION_LIFETIME_SEC, ASSERTION_LIFETIME_SEC);
  const header: { alg: SigningAlg; typ: 'JWT'; kid?: string } = { alg: input.key.alg, typ: 'JWT' };
  if (input.key.kid) header.kid = input.key.kid;
  // jose (60 KB) only where a JWT is signed: client_secret_basic and _post never need it.
  const { SignJWT } = await import('jose');
  const assertion = await new SignJWT({})
    .setProtectedHeader(header)
    .setIssuer(input.clientId)
    .setSubject(input.clientId)
    .setAudience(input.tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(input.key.key);
  registerSecret(assertion);
  return assertion;
}

/**
 * A private key for private_key_jwt, from PEM (PKCS#8, or PKCS#1 / SEC1) or JWK JSON (a single key, or a JWK set
 * with one key or a key matching keyId). The algorithm follows the key: RS256 for RSA, ES256/384/512 for EC P-256/384/521.
 */
export function loadSigningKey(text: string, keyId?: string, source = 'the private key'): SigningKey {
  const trimmed = text.trim();
  if (!trimmed) throw badKey(source, 'it is empty');
  registerSecret(trimmed);
  let key: KeyObject;
  let kid = keyId;
  if (trimmed.startsWith('{')) {
    const jwk = pickJwk(parseJson(trimmed, source), keyId, source);
    if (typeof jwk.d !== 'string') throw badKey(source, 'the JWK has no private part ("d"); this is a public key');
    kid ??= typeof jwk.kid === 'string' && jwk.kid ? jwk.kid : undefined;
    try {
      key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch (error) {
      throw badKey(source, 'the JWK is not a valid private key', error);
    }
  } else if (trimmed.includes('-----BEGIN')) {
    if (
      /-----BEGIN (RSA |EC )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/.test(trimmed) &&
      !/PRIVATE KEY-----/.test(trimmed)
    ) {
      throw badKey(source, 'it is a public key or certificate, not a private key');
    }
    if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(trimmed)) {
      throw badKey(source, 'it is encrypted; decrypt it first (openssl pkcs8 -in key.pem -out plain.pem)');
    }
    try {
      key = createPrivateKey({ key: trimmed, format: 'pem' });
    } catch (error) {
      throw badKey(source, 'the PEM is not a valid private key', error);
    }
  } else {
    throw badKey(source, 'it is neither PEM (-----BEGIN PRIVATE KEY-----) nor JWK JSON');
  }
  return { key, alg: algorithmFor(key, source), kid };
}

function algorithmFor(key: KeyObject, source: string): SigningAlg {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' || curve === 'P-256') return 'ES256';
    if (curve === 'secp384r1' || curve === 'P-384') return 'ES384';
    if (curve === 'secp521r1' || curve === 'P-521') return 'ES512';
    throw badKey(source, `the EC curve ${curve ?? '(unknown)'} is not one of P-256, P-384, P-521`);
  }
  throw badKey(source, `${key.asymmetricKeyType ?? 'this'} keys are not supported; use RSA or EC (P-256)`);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badKey(source, 'it starts like JSON but does not parse', error);
  }
}

function pickJwk(value: unknown, keyId: string | undefined, source: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badKey(source, 'the JSON is not a JWK');
  const record = value as Record<string, unknown>;
  if (!Array.isArray(record.keys)) return record;
  const keys = record.keys.filter((k): k is Record<string, unknown> => typeof k === 'object' && k !== null);
  const chosen = keyId ? keys.find((k) => k.kid === keyId) : keys.length === 1 ? keys[0] : undefined;
  if (!chosen) {
    throw badKey(
      source,
      keyId
        ? `the JWK set has no key with kid "${keyId}"`
        : `the JWK set holds ${keys.length} keys; pick one with --key-id`,
    );
  }
  return chosen;
}

function badKey(source: string, detail: string, cause?: unknown): UsageError {
  return new UsageError(`Cannot use ${source}: ${detail}.`, {
    hint: 'Give an unencrypted RSA or EC private key as PEM (PKCS#8) or as a JWK (JSON).',
    cause,
  });
}
