/**
 * Sealed SCIM bridge tokens (version 2): the credentials of a version 1 token, encrypted to the bridge's public key
 * as a compact JWE (ECDH-ES+A256KW key agreement on P-256, A256GCM content encryption, `kid` the RFC 7638 SHA-256
 * thumbprint of the public key). Whoever reads the Okta SCIM app's settings, or a log of its Authorization header,
 * holds a token only the bridge, with the private half, can open; a token altered anywhere, or sealed to another
 * key, does not open.
 *
 * jose only, no printing: the bridge Lambda bundles this module beside bridge-token.ts.
 */
import {
  CompactEncrypt,
  calculateJwkThumbprint,
  compactDecrypt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import {
  BridgeTokenError,
  bridgeTokenBody,
  bridgeTokenFields,
  bridgeTokenText,
  isSealedBridgeToken,
  type BridgeToken,
} from './bridge-token.js';

const SEALED_BRIDGE_TOKEN_VERSION = 2;
const SEAL_ALG = 'ECDH-ES+A256KW';
const SEAL_ENC = 'A256GCM';
const SEAL_CURVE = 'P-256';
/** The JWE `typ`: says what the token is, so a JWE made for something else is not taken for one. */
const SEALED_TOKEN_TYPE = 'okta-m2m-bridge-token+jwe';

/** The bridge's key pair as JWKs; `privateJwk` is a secret (the bridge's environment or AWS Secrets Manager only). */
export interface BridgeKeyPair {
  kid: string;
  publicJwk: JWK;
  privateJwk: JWK;
}

/** What can be read from a sealed token without the private key. */
interface SealedTokenInfo {
  version: typeof SEALED_BRIDGE_TOKEN_VERSION;
  sealed: true;
  kid: string;
  alg: string;
  enc: string;
}

export async function generateBridgeKeyPair(): Promise<BridgeKeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(SEAL_ALG, { crv: SEAL_CURVE, extractable: true });
  const publicJwk = onlyPublic(await exportJWK(publicKey));
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return {
    kid,
    publicJwk: { ...publicJwk, kid, alg: SEAL_ALG, use: 'enc' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: SEAL_ALG, use: 'enc' },
  };
}

/**
 * A bridge public key (a JWK, from a file or the state) checked to be one this codec seals to; its `kid` is always
 * the thumbprint, whatever the JWK said. A private JWK gives its public half.
 */
export async function bridgePublicKey(input: unknown): Promise<{ kid: string; publicJwk: JWK }> {
  const jwk = parseJwk(input, 'bridge public key');
  const publicJwk = onlyPublic(jwk);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, publicJwk: { ...publicJwk, kid, alg: SEAL_ALG, use: 'enc' } };
}

/**
 * The sealed (version 2) bridge token of `credentials`, for the bridge whose public key is `publicJwk`. The domain
 * function `scim-token encode --seal` and `rotate secret` call.
 */
export async function sealBridgeToken(credentials: BridgeToken, publicJwk: JWK): Promise<string> {
  const { kid, publicJwk: checked } = await bridgePublicKey(publicJwk);
  const body = bridgeTokenBody(credentials, SEALED_BRIDGE_TOKEN_VERSION);
  const key = await importJWK(checked, SEAL_ALG);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(body)))
    .setProtectedHeader({ alg: SEAL_ALG, enc: SEAL_ENC, kid, typ: SEALED_TOKEN_TYPE })
    .encrypt(key);
}

/** Version, kid and algorithms of a sealed token, read from its protected header; never anything inside. */
export function inspectSealedBridgeToken(input: string): SealedTokenInfo {
  const text = bridgeTokenText(input);
  if (!isSealedBridgeToken(text)) throw new BridgeTokenError('the bridge token is not sealed (it is version 1)');
  const header = protectedHeader(text);
  return { version: SEALED_BRIDGE_TOKEN_VERSION, sealed: true, kid: header.kid, alg: header.alg, enc: header.enc };
}

/** An opener for one private key (imported once): a sealed token's credentials, or a BridgeTokenError. */
export async function sealedTokenOpener(
  privateJwk: unknown,
): Promise<{ kid: string; open(input: string): Promise<BridgeToken> }> {
  const jwk = parseJwk(privateJwk, 'bridge private key');
  if (typeof jwk.d !== 'string') throw new BridgeTokenError('the bridge private key has no private part ("d")');
  const { kid } = await bridgePublicKey(jwk);
  const key = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d }, SEAL_ALG);
  return {
    kid,
    async open(input: string): Promise<BridgeToken> {
      const text = bridgeTokenText(input);
      if (!isSealedBridgeToken(text)) throw new BridgeTokenError('the bridge token is not sealed');
      // Base64url has spare bits in a part's last character: only the canonical spelling is the token, so that
      // no altered character is accepted, even one that decodes to the same bytes.
      if (
        !text
          .split('.')
          .every(
            (part) => /^[A-Za-z0-9_-]*$/.test(part) && Buffer.from(part, 'base64url').toString('base64url') === part,
          )
      ) {
        throw new BridgeTokenError('the sealed bridge token is not canonical base64url');
      }
      const header = protectedHeader(text);
      if (header.kid !== kid) throw new BridgeTokenError('the sealed bridge token is sealed to another key');
      let plaintext: Uint8Array;
      try {
        ({ plaintext } = await compactDecrypt(text, key, {
          keyManagementAlgorithms: [SEAL_ALG],
          contentEncryptionAlgorithms: [SEAL_ENC],
        }));
      } catch {
        throw new BridgeTokenError('the sealed bridge token does not open with this key');
      }
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
      } catch {
        throw new BridgeTokenError('the sealed bridge token does not hold JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new BridgeTokenError('the sealed bridge token does not hold a JSON object');
      const record = body as Record<string, unknown>;
      if (record.v !== SEALED_BRIDGE_TOKEN_VERSION)
        throw new BridgeTokenError('the sealed bridge token does not say version 2 inside');
      return bridgeTokenFields(record);
    },
  };
}

function protectedHeader(text: string): { kid: string; alg: string; enc: string } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(text);
  } catch {
    throw new BridgeTokenError('the sealed bridge token has no readable header');
  }
  if (header.typ !== SEALED_TOKEN_TYPE)
    throw new BridgeTokenError('the sealed bridge token is not an okta-m2m bridge token (typ)');
  if (header.alg !== SEAL_ALG || header.enc !== SEAL_ENC) {
    throw new BridgeTokenError(`the sealed bridge token must use ${SEAL_ALG} with ${SEAL_ENC}`);
  }
  if (typeof header.kid !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(header.kid))
    throw new BridgeTokenError('the sealed bridge token has no key id');
  return { kid: header.kid, alg: header.alg, enc: header.enc };
}

function parseJwk(input: unknown, what: string): JWK {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      // Not echoed: it may be a private key.
      throw new BridgeTokenError(`the ${what} is not JSON (a JWK)`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BridgeTokenError(`the ${what} is not a JWK object`);
  const jwk = value as JWK;
  if (jwk.kty !== 'EC' || jwk.crv !== SEAL_CURVE || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new BridgeTokenError(`the ${what} must be an EC ${SEAL_CURVE} JWK`);
  }
  if (jwk.alg !== undefined && jwk.alg !== SEAL_ALG)
    throw new BridgeTokenError(`the ${what} is for ${String(jwk.alg)}, not ${SEAL_ALG}`);
  return jwk;
}

function onlyPublic(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}
