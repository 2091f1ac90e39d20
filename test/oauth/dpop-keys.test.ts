/**
 * The DPoP pieces that need no server: the per-client key kept in a secret store, the cache key bound to the key's
 * thumbprint, the proof's claims (RFC 9449 4.2: typ dpop+jwt, jwk, htm, htu without query or fragment, iat, jti,
 * ath), and what `token get --curl --dpop` prints.
 */
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { curlCommand } from '../../src/oauth/curl.js';
import { DpopNonces, dpopAth } from '../../src/oauth/dpop.js';
import { ensureDpopKey, loadDpopKey, thumbprintOfKeyText } from '../../src/oauth/dpop-keys.js';
import { cacheKey } from '../../src/oauth/token-cache.js';
import { secretRefs } from '../../src/secrets/refs.js';
import { SecretStore, type SecretBackend } from '../../src/secrets/store.js';

function memoryStore(): { store: SecretStore; entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const backend: SecretBackend = {
    get: (account) => Promise.resolve(entries.get(account)),
    set: (account, value) => Promise.resolve(void entries.set(account, value)),
    delete: (account) => Promise.resolve(entries.delete(account)),
  };
  return { store: new SecretStore(backend, {}), entries };
}

describe('DPoP keys', () => {
  it('makes an EC P-256 key once per client and finds the same one again', async () => {
    const { store, entries } = memoryStore();
    const ref = secretRefs.dpopKey('p', '0oa1');
    const first = await ensureDpopKey(store, ref);
    expect(first.created).toBe(true);
    expect(JSON.parse(entries.get(ref.account)!)).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
    const again = await ensureDpopKey(store, ref);
    expect([again.created, again.key.thumbprint]).toEqual([false, first.key.thumbprint]);
    expect(await loadDpopKey(store, secretRefs.dpopKey('p', '0oa2'))).toBeUndefined();
    const { d: _d, ...publicJwk } = JSON.parse(entries.get(ref.account)!);
    expect(await thumbprintOfKeyText(JSON.stringify(publicJwk), 'test')).toBe(first.key.thumbprint);
  });

  it('signs proofs with typ, jwk, htm, htu (no query or fragment), iat, a fresh jti, ath and the nonce', async () => {
    const { store } = memoryStore();
    const { key } = await ensureDpopKey(store, secretRefs.dpopKey('p', '0oa1'));
    const input = {
      htm: 'get',
      htu: 'https://acme.okta.com/api/v1/groups/00g%2F1/users?limit=2&after=x#frag',
      accessToken: 'at',
      nonce: 'n1',
    };
    const [one, two] = [await key.prover.proof(input), await key.prover.proof(input)];
    const header = decodeProtectedHeader(one);
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(header.jwk).not.toHaveProperty('d');
    expect(await calculateJwkThumbprint(header.jwk!)).toBe(key.thumbprint);
    const claims = decodeJwt(one);
    expect(claims).toMatchObject({
      htm: 'GET',
      htu: 'https://acme.okta.com/api/v1/groups/00g%2F1/users',
      ath: dpopAth('at'),
      nonce: 'n1',
      iat: expect.any(Number),
    });
    expect(claims.jti).not.toBe(decodeJwt(two).jti);
  });

  it('a DPoP token is cached under a key of its own, one per DPoP key', () => {
    const parts = {
      tokenEndpoint: 'https://acme.okta.com/oauth2/aus1/v1/token',
      clientId: '0oa1',
      credential: 'c',
      scopes: ['a'],
    };
    expect(cacheKey({ ...parts, dpopJkt: undefined })).toBe(cacheKey(parts));
    expect(cacheKey({ ...parts, dpopJkt: 'jkt-1' })).not.toBe(cacheKey(parts));
    expect(cacheKey({ ...parts, dpopJkt: 'jkt-1' })).not.toBe(cacheKey({ ...parts, dpopJkt: 'jkt-2' }));
  });

  it('keeps one nonce per server for the run', () => {
    const nonces = new DpopNonces();
    nonces.set('https://acme.okta.com/oauth2/v1/token', 'n1');
    nonces.set('https://other.example/token', 'n2');
    nonces.set('https://acme.okta.com/api/v1/apps', null);
    expect(nonces.get('https://acme.okta.com/api/v1/apps?limit=1')).toBe('n1');
    expect(nonces.get('https://other.example/x')).toBe('n2');
    expect(nonces.get('https://third.example/x')).toBeUndefined();
  });

  it('token get --curl --dpop sends the proof from a variable and says how to make it', () => {
    const curl = curlCommand(
      {
        tokenEndpoint: 'https://acme.okta.com/oauth2/aus1/v1/token',
        clientId: '0oa1',
        scopes: ['a'],
        provider: 'okta',
      },
      'client_secret_basic',
      { dpop: true },
    );
    expect(curl.command).toContain(`-H 'DPoP: '"$DPOP_PROOF"`);
    expect(curl.note).toContain(
      'DPOP_PROOF=$(okta-m2m token proof --client-id 0oa1 --htm POST --htu https://acme.okta.com/oauth2/aus1/v1/token)',
    );
    expect(curl.note).toMatch(/use_dpop_nonce.*--nonce/);
    expect(curlCommand({ tokenEndpoint: 'https://x/t', clientId: 'c' }, 'client_secret_basic').command).not.toContain(
      'DPoP',
    );
  });
});
