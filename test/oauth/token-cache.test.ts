import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretRefs } from '../../src/secrets/refs.js';
import { SecretStore, type SecretBackend } from '../../src/secrets/store.js';
import { TokenCache, cacheKey, credentialFingerprint, toResponse } from '../../src/oauth/token-cache.js';
import { describeWithKeychain, requireKeychain, testKeychainService } from '../support/index.js';

const profile = 'cache-test';
const used = new Set<string>();
let backend: SecretBackend;
let store: SecretStore;

const parts = {
  tokenEndpoint: 'https://acme.okta.com/oauth2/aus1/v1/token',
  clientId: '0oa1',
  credential: credentialFingerprint({ method: 'client_secret_basic', clientSecret: 'secret-one' }),
  scopes: ['b', 'a'],
  audience: 'api://x',
};

describe('cacheKey', () => {
  it('is a short hex hash that ignores scope order and changes with what changes the token', () => {
    const key = cacheKey(parts);
    expect(key).toMatch(/^[0-9a-f]{24}$/);
    expect(cacheKey({ ...parts, scopes: ['a', 'b', 'a'] })).toBe(key);
    for (const changed of [
      { ...parts, scopes: ['a'] },
      { ...parts, audience: 'api://y' },
      { ...parts, clientId: '0oa2' },
      { ...parts, tokenEndpoint: 'https://acme.okta.com/oauth2/aus2/v1/token' },
      { ...parts, extraParams: { k: 'v' } },
      { ...parts, credential: credentialFingerprint({ method: 'client_secret_basic', clientSecret: 'secret-two' }) },
    ]) {
      expect(cacheKey(changed)).not.toBe(key);
    }
  });
});

describeWithKeychain('TokenCache in the real keychain', () => {
  beforeAll(async () => {
    backend = await requireKeychain(testKeychainService('cache'));
    store = new SecretStore(backend, {});
  });
  afterAll(async () => {
    for (const key of used) await backend?.delete(secretRefs.tokenCache(profile, key).account).catch(() => false);
  });

  it('returns the token while it is good for more than a minute, then forgets it', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const cache = new TokenCache(store, profile, { now: () => now });
    const key = cacheKey({ ...parts, clientId: `expiry-${Date.now()}` });
    used.add(key);
    const stored = await cache.set(key, {
      access_token: 'token-value-1',
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'a b',
    });
    expect(stored).toEqual({
      access_token: 'token-value-1',
      token_type: 'Bearer',
      expires_at: now / 1000 + 300,
      scope: 'a b',
    });
    expect(JSON.parse((await backend.get(secretRefs.tokenCache(profile, key).account)) ?? '')).toEqual(stored);

    now += 200_000;
    const hit = await cache.get(key);
    expect(hit?.access_token).toBe('token-value-1');
    expect(toResponse(hit!, now / 1000)).toEqual({
      access_token: 'token-value-1',
      token_type: 'Bearer',
      expires_in: 100,
      scope: 'a b',
    });

    now += 41_000; // 59 s left: inside the margin
    expect(await cache.get(key)).toBeUndefined();
    expect(await backend.get(secretRefs.tokenCache(profile, key).account)).toBeUndefined();
  });

  it('does not cache a token without a lifetime, or one too short to reuse', async () => {
    const cache = new TokenCache(store, profile);
    const key = cacheKey({ ...parts, clientId: `short-${Date.now()}` });
    used.add(key);
    expect(await cache.set(key, { access_token: 'no-lifetime', token_type: 'Bearer' })).toBeUndefined();
    expect(await cache.set(key, { access_token: 'short-lived', token_type: 'Bearer', expires_in: 30 })).toBeUndefined();
    expect(await backend.get(secretRefs.tokenCache(profile, key).account)).toBeUndefined();
  });

  it('drops a damaged entry', async () => {
    const cache = new TokenCache(store, profile);
    const key = cacheKey({ ...parts, clientId: `damaged-${Date.now()}` });
    used.add(key);
    await backend.set(secretRefs.tokenCache(profile, key).account, '{"access_token": 5}');
    expect(await cache.get(key)).toBeUndefined();
    expect(await backend.get(secretRefs.tokenCache(profile, key).account)).toBeUndefined();
  });
});
