import { join } from 'node:path';
import fc from 'fast-check';
import { calculateJwkThumbprint, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { BridgeTokenError, decodeBridgeToken, encodeBridgeToken } from '../../src/scim/bridge-token.js';
import {
  bridgePublicKey,
  generateBridgeKeyPair,
  inspectSealedBridgeToken,
  sealBridgeToken,
  sealedTokenOpener,
  type BridgeKeyPair,
} from '../../src/scim/sealed-token.js';

const credentials = {
  tokenUrl: 'https://acme.okta.com/oauth2/aus1/v1/token',
  clientId: '0oa1client',
  clientSecret: 'Zs3cr3t-sealed-canary-7Q',
  scope: 'scim:read scim:write',
};

let pair: BridgeKeyPair;
let other: BridgeKeyPair;
let sealed: string;

beforeAll(async () => {
  [pair, other] = await Promise.all([generateBridgeKeyPair(), generateBridgeKeyPair()]);
  sealed = await sealBridgeToken(credentials, pair.publicJwk);
});

/** Every token that differs from `token` in exactly one character (each position, a base64url neighbour). */
function oneCharacterAlterations(token: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const out: string[] = [];
  for (let i = 0; i < token.length; i += 1) {
    const c = token[i]!;
    const replacement = c === '.' ? 'A' : alphabet[(alphabet.indexOf(c) + 1) % alphabet.length]!;
    out.push(token.slice(0, i) + replacement + token.slice(i + 1));
  }
  return out;
}

describe('sealed bridge tokens (version 2)', () => {
  it('are a compact JWE (ECDH-ES+A256KW, A256GCM) whose kid is the RFC 7638 thumbprint of the bridge key', async () => {
    expect(sealed.split('.')).toHaveLength(5);
    const header = decodeProtectedHeader(sealed);
    expect(header).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', typ: 'okta-m2m-bridge-token+jwe' });
    expect(header.kid).toBe(
      await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: pair.publicJwk.x!, y: pair.publicJwk.y! }, 'sha256'),
    );
    expect(header.kid).toBe(pair.kid);
    expect(pair.publicJwk).not.toHaveProperty('d');
    expect(sealed).not.toContain(credentials.clientSecret);
    expect(Buffer.from(sealed.replace(/\./g, ''), 'base64url').toString('latin1')).not.toContain(
      credentials.clientSecret,
    );
  });

  it('open with the private key to the credentials, and say version 2 inside', async () => {
    const opener = await sealedTokenOpener(pair.privateJwk);
    expect(opener.kid).toBe(pair.kid);
    expect(await opener.open(sealed)).toEqual(credentials);
    expect(await opener.open(`Bearer ${sealed}`)).toEqual(credentials);
    // The private key given as the JSON text the bridge's environment holds.
    expect(await (await sealedTokenOpener(JSON.stringify(pair.privateJwk))).open(sealed)).toEqual(credentials);
  });

  it('show version, kid and algorithms without the private key, and nothing inside', () => {
    const info = inspectSealedBridgeToken(sealed);
    expect(info).toEqual({ version: 2, sealed: true, kid: pair.kid, alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
    expect(JSON.stringify(info)).not.toContain(credentials.clientId);
    expect(() => inspectSealedBridgeToken(encodeBridgeToken(credentials))).toThrow(BridgeTokenError);
  });

  it('are refused, as a BridgeTokenError, when sealed to another key', async () => {
    const toOther = await sealBridgeToken(credentials, other.publicJwk);
    await expect((await sealedTokenOpener(pair.privateJwk)).open(toOther)).rejects.toBeInstanceOf(BridgeTokenError);
    // Sealed to another key but carrying this key's kid: the header is authenticated, the key unwrap fails.
    const [, ...rest] = toOther.split('.');
    const header = Buffer.from(JSON.stringify({ ...decodeProtectedHeader(toOther), kid: pair.kid })).toString(
      'base64url',
    );
    await expect((await sealedTokenOpener(pair.privateJwk)).open([header, ...rest].join('.'))).rejects.toBeInstanceOf(
      BridgeTokenError,
    );
  });

  it('are refused when any one character is altered, even one whose spare bits decode to the same bytes', async () => {
    const opener = await sealedTokenOpener(pair.privateJwk);
    const altered = oneCharacterAlterations(sealed);
    expect(altered).toHaveLength(sealed.length);
    const opened: number[] = [];
    for (const [position, token] of altered.entries()) {
      const error = await opener.open(token).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(error instanceof BridgeTokenError)) opened.push(position);
    }
    expect(opened).toEqual([]);
  });

  it('are not read by the version 1 decoder, which says why without quoting anything', () => {
    expect(() => decodeBridgeToken(sealed)).toThrow(/sealed \(version 2\)/);
    expect(decodeBridgeToken(encodeBridgeToken(credentials))).toEqual(credentials);
  });

  it('take only an EC P-256 public key for ECDH-ES+A256KW, and recompute its kid', async () => {
    await expect(bridgePublicKey({ kty: 'RSA', n: 'x', e: 'AQAB' })).rejects.toThrow(/EC P-256/);
    await expect(bridgePublicKey({ ...pair.publicJwk, crv: 'P-384' })).rejects.toThrow(/EC P-256/);
    await expect(bridgePublicKey({ ...pair.publicJwk, alg: 'RSA-OAEP' })).rejects.toThrow(/not ECDH-ES\+A256KW/);
    await expect(bridgePublicKey('not json')).rejects.toThrow(/not JSON/);
    expect((await bridgePublicKey({ ...pair.publicJwk, kid: 'chosen-by-a-file' })).kid).toBe(pair.kid);
    // A private JWK gives only its public half.
    expect((await bridgePublicKey(pair.privateJwk)).publicJwk).not.toHaveProperty('d');
    await expect(sealedTokenOpener(pair.publicJwk)).rejects.toThrow(/no private part/);
  });

  it('validate the credentials before sealing (https token URL, a client id without ":")', async () => {
    await expect(
      sealBridgeToken({ ...credentials, tokenUrl: 'http://acme.okta.com/t' }, pair.publicJwk),
    ).rejects.toBeInstanceOf(BridgeTokenError);
    await expect(sealBridgeToken({ ...credentials, clientId: 'a:b' }, pair.publicJwk)).rejects.toBeInstanceOf(
      BridgeTokenError,
    );
  });

  it('throw nothing but BridgeTokenError on hostile input, and never echo it', async () => {
    const opener = await sealedTokenOpener(pair.privateJwk);
    const [header, key, iv, ciphertext, tag] = sealed.split('.') as [string, string, string, string, string];
    const part = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.base64String({ maxLength: 80 }),
      fc.constantFrom(header, key, iv, ciphertext, tag, ''),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(part, { minLength: 1, maxLength: 7 }), async (parts) => {
        const input = parts.join('.');
        for (const attempt of [() => opener.open(input), async () => inspectSealedBridgeToken(input)]) {
          const error = await attempt().then(
            () => undefined,
            (e: unknown) => e,
          );
          if (error === undefined) continue; // the one real token, reassembled
          expect(error).toBeInstanceOf(BridgeTokenError);
          if (input.length >= 8) expect((error as Error).message).not.toContain(input);
        }
      }),
      { numRuns: 300, seed: 18 },
    );
  });

  it('seal to the key the state records, for rotate secret; none recorded, none made', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { ProjectState } = await import('../../src/config/state.js');
    const { sealToRecordedBridgeKey, writeBridgeKeyRecord } = await import('../../src/scim/bridge-key-record.js');
    const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-sealed-state-'));
    try {
      const state = await ProjectState.load(dir);
      expect(await sealToRecordedBridgeKey(state, 'default', credentials)).toBeUndefined();
      await writeBridgeKeyRecord(state, 'default', {
        kid: 'not-the-thumbprint',
        publicJwk: pair.publicJwk,
        source: 'hook deploy',
        privateKeyIn: 'environment',
      });
      const sealedNow = (await sealToRecordedBridgeKey(state, 'default', {
        ...credentials,
        clientSecret: 'the-new-secret',
      }))!;
      expect(sealedNow.kid).toBe(pair.kid);
      expect(await (await sealedTokenOpener(pair.privateJwk)).open(sealedNow.token)).toEqual({
        ...credentials,
        clientSecret: 'the-new-secret',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
