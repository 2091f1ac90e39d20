import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, maskSecret, redact, registerSecret } from '../../src/secrets/redact.js';

afterEach(() => clearRegisteredSecrets());

describe('redact', () => {
  it('masks every registered secret, also URL-encoded', () => {
    registerSecret('canary-S3cret/+=value');
    const text = `secret canary-S3cret/+=value and ${encodeURIComponent('canary-S3cret/+=value')}`;
    expect(redact(text)).not.toContain('canary-S3cret');
  });

  it('masks credentials by their look even when never registered', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2ExIiwic2NwIjpbImEiXX0.c2lnbmF0dXJlLXZhbHVl';
    const samples = [
      `Authorization: SSWS 00abcdefghijklmnopqrstuvwxyz`,
      `Authorization: Bearer ${jwt}`,
      `token ${jwt}`,
      `{"client_secret": "plain-secret-1"}`,
      `{"access_token":"opaque-token-value"}`,
      `grant_type=client_credentials&client_secret=form-secret-2&scope=a`,
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
    ];
    for (const sample of samples) {
      const out = redact(sample);
      expect(out).toContain('****');
      for (const leaked of [
        '00abcdefghij',
        jwt,
        'plain-secret-1',
        'opaque-token-value',
        'form-secret-2',
        'MIIEvQIBAD',
      ]) {
        expect(out).not.toContain(leaked);
      }
    }
  });

  it('does not reach across lines after an auth scheme word', () => {
    expect(redact('token type: Bearer\nexpires in: 3600')).toBe('token type: Bearer\nexpires in: 3600');
  });

  it('does not take an auth mode in a table for a credential', () => {
    const row = '*  default  https://acme.okta.com  ssws  acme.eu.auth0.com';
    expect(redact(row)).toBe(row);
  });

  it('leaves ordinary text alone', () => {
    const text = 'issuer: https://acme.okta.com/oauth2/aus1 token_endpoint: https://acme.okta.com/oauth2/aus1/v1/token';
    expect(redact(text)).toBe(text);
  });

  it('shows a secret as its length only', () => {
    expect(maskSecret('abcdefghijkl')).toBe('**** (12 characters)');
  });
});
