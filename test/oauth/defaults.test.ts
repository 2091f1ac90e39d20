import { describe, expect, it } from 'vitest';
import { auth0Defaults, oktaDefaults, resolveTokenSettings } from '../../src/oauth/defaults.js';

const okta = {
  orgUrl: 'https://acme.okta.com',
  appId: '0oaApp',
  clientId: '0oaClient',
  authMethod: 'private_key_jwt',
  authServerId: 'aus1',
  audience: 'api://orders',
  scopes: ['orders:read', 'orders:write'],
  keyId: 'k1',
};

describe('state defaults', () => {
  it('reads the okta section, deriving the issuer and the token endpoint', () => {
    expect(oktaDefaults(okta)).toEqual({
      ...okta,
      issuer: 'https://acme.okta.com/oauth2/aus1',
      tokenEndpoint: 'https://acme.okta.com/oauth2/aus1/v1/token',
    });
  });

  it('treats fields of the wrong type as missing, and anything not an object as empty', () => {
    expect(oktaDefaults({ clientId: 42, authMethod: 'magic', scopes: [1, 2], issuer: '' })).toEqual({});
    expect(oktaDefaults({ defaultScope: 'a b' })).toEqual({ scopes: ['a', 'b'] });
    for (const junk of [undefined, null, 'x', 3, [okta]]) expect(oktaDefaults(junk)).toEqual({});
    expect(auth0Defaults('nope')).toEqual({});
  });

  it('reads the auth0 section: token endpoint and issuer from the domain, or the emulator base URL', () => {
    expect(
      auth0Defaults({ domain: 'acme.eu.auth0.com', clientId: 'c', audience: 'https://api', scopes: ['read:x'] }),
    ).toEqual({
      domain: 'acme.eu.auth0.com',
      clientId: 'c',
      audience: 'https://api',
      scopes: ['read:x'],
      tokenEndpoint: 'https://acme.eu.auth0.com/oauth/token',
      issuer: 'https://acme.eu.auth0.com/',
    });
    expect(auth0Defaults({ domain: 'd', baseUrl: 'http://127.0.0.1:9/' }).tokenEndpoint).toBe(
      'http://127.0.0.1:9/oauth/token',
    );
  });
});

describe('resolveTokenSettings: flags over state', () => {
  it('takes everything from the state when no flag is given', () => {
    expect(resolveTokenSettings({}, oktaDefaults(okta), {})).toEqual({
      provider: 'okta',
      clientId: '0oaClient',
      tokenEndpoint: 'https://acme.okta.com/oauth2/aus1/v1/token',
      authMethod: 'private_key_jwt',
      keyId: 'k1',
      scopes: ['orders:read', 'orders:write'],
      audience: 'api://orders',
    });
  });

  it("a flag wins; the state's auth method and key id stay with the state's client", () => {
    const settings = resolveTokenSettings(
      { clientId: 'other', scopes: ['x'], issuer: 'https://other/oauth2/aus9' },
      oktaDefaults(okta),
      {},
    );
    expect(settings).toMatchObject({
      clientId: 'other',
      authMethod: 'client_secret_basic',
      keyId: undefined,
      scopes: ['x'],
      issuer: 'https://other/oauth2/aus9',
    });
    expect(settings.tokenEndpoint).toBeUndefined();
    expect(resolveTokenSettings({ privateKeyFile: 'k.pem', clientId: 'c' }, {}, {}).authMethod).toBe('private_key_jwt');
    expect(resolveTokenSettings({ tokenUrl: 'https://t/token' }, oktaDefaults(okta), {}).tokenEndpoint).toBe(
      'https://t/token',
    );
  });

  it('picks auth0 when only its section exists, with client_secret_post by default', () => {
    const settings = resolveTokenSettings(
      {},
      {},
      auth0Defaults({ domain: 'd.auth0.com', clientId: 'c', audience: 'https://api' }),
    );
    expect(settings).toMatchObject({
      provider: 'auth0',
      clientId: 'c',
      authMethod: 'client_secret_post',
      tokenEndpoint: 'https://d.auth0.com/oauth/token',
    });
    expect(resolveTokenSettings({}, {}, {})).toMatchObject({
      provider: 'generic',
      authMethod: 'client_secret_basic',
      scopes: [],
    });
  });
});
