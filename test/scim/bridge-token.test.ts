import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BridgeTokenError,
  MAX_BRIDGE_TOKEN_LENGTH,
  decodeBridgeToken,
  encodeBridgeToken,
} from '../../src/scim/bridge-token.js';
import { BridgeUrlError, bridgeBaseUrl } from '../../src/scim/bridge-url.js';

const token = {
  tokenUrl: 'https://acme.okta.com/oauth2/aus1/v1/token',
  clientId: '0oa1client',
  clientSecret: 'Zs3cr3t-bridge-canary',
};
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('bridge token codec', () => {
  it('round-trips with version 1 and optional fields', () => {
    const encoded = encodeBridgeToken({ ...token, scope: 'scim.read scim.write', audience: 'api://scim' });
    expect(JSON.parse(Buffer.from(encoded, 'base64').toString())).toEqual({
      v: 1,
      ...token,
      scope: 'scim.read scim.write',
      audience: 'api://scim',
    });
    expect(decodeBridgeToken(encoded)).toEqual({ ...token, scope: 'scim.read scim.write', audience: 'api://scim' });
  });

  it('accepts the spellings of hand-made tokens, base64url, a Bearer prefix and scope lists', () => {
    const handMade = {
      authUrl: token.tokenUrl,
      client_id: token.clientId,
      client_secret: token.clientSecret,
      scope: ['a', 'b'],
    };
    const url = Buffer.from(JSON.stringify(handMade)).toString('base64url');
    expect(decodeBridgeToken(`Bearer ${url}`)).toEqual({ ...token, scope: 'a b' });
    expect(decodeBridgeToken(b64({ auth_url: token.tokenUrl, clientId: 'x', clientSecret: 'y' })).tokenUrl).toBe(
      token.tokenUrl,
    );
    expect(decodeBridgeToken(b64({ token_url: token.tokenUrl, clientId: 'x', clientSecret: 'y' })).tokenUrl).toBe(
      token.tokenUrl,
    );
  });

  it('allows http only for loopback token URLs', () => {
    expect(
      decodeBridgeToken(b64({ ...token, tokenUrl: 'http://127.0.0.1:8080/oauth2/x/v1/token' })).tokenUrl,
    ).toContain('127.0.0.1');
    expect(decodeBridgeToken(b64({ ...token, tokenUrl: 'http://localhost:1/t' })).tokenUrl).toContain('localhost');
    expect(() => decodeBridgeToken(b64({ ...token, tokenUrl: 'http://acme.okta.com/t' }))).toThrow(/https/);
    expect(() => decodeBridgeToken(b64({ ...token, tokenUrl: 'https://user:pw@acme.okta.com/t' }))).toThrow(
      /user name/,
    );
    expect(() => decodeBridgeToken(b64({ ...token, tokenUrl: 'ftp://acme.okta.com/t' }))).toThrow(/https/);
  });

  it.each([
    ['empty', '', /empty/],
    ['not base64', 'not a token!', /not base64/],
    ['not JSON', Buffer.from('hello').toString('base64'), /JSON/],
    ['a JSON array', b64([1, 2]), /object/],
    ['a JSON string', b64('x'), /object/],
    ['no secret', b64({ tokenUrl: token.tokenUrl, clientId: 'x' }), /clientSecret/],
    ['a numeric client id', b64({ ...token, clientId: 42 }), /not a string/],
    ['an unknown version', b64({ ...token, v: 2 }), /version 2/],
    ['a bad URL', b64({ ...token, tokenUrl: 'not a url' }), /not a URL/],
    ['an object scope', b64({ ...token, scope: { a: 1 } }), /scope/],
    ['too long', 'A'.repeat(MAX_BRIDGE_TOKEN_LENGTH + 4), /longer than/],
  ])('refuses %s with a precise error', (_label, input, message) => {
    expect(() => decodeBridgeToken(input)).toThrow(BridgeTokenError);
    expect(() => decodeBridgeToken(input)).toThrow(message);
  });

  it('never throws anything but BridgeTokenError on hostile input, and never echoes a secret', () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString('base64')),
      fc.jsonValue().map((value) => b64(value)),
      fc
        .record({
          tokenUrl: fc.oneof(fc.webUrl(), fc.anything()),
          clientId: fc.anything(),
          clientSecret: fc.anything(),
        })
        .map((value) => b64(value)),
    );
    fc.assert(
      fc.property(hostile, (input) => {
        try {
          const decoded = decodeBridgeToken(input);
          expect(typeof decoded.clientSecret).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(BridgeTokenError);
          expect((error as Error).message).not.toContain(token.clientSecret);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects huge input without decoding it', () => {
    const huge = 'QUFB'.repeat(1_000_000);
    const started = process.hrtime.bigint();
    expect(() => decodeBridgeToken(huge)).toThrow(/longer than/);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });
});

describe('bridge base URL', () => {
  it('joins the function URL, the target host and the SCIM path', () => {
    expect(bridgeBaseUrl('https://abc.lambda-url.us-east-1.on.aws/', 'SCIM.example.com')).toBe(
      'https://abc.lambda-url.us-east-1.on.aws/scim.example.com/services/scim/v2',
    );
    expect(bridgeBaseUrl('https://abc.lambda-url.us-east-1.on.aws', 'scim.example.com:8443', '/scim/v2/')).toBe(
      'https://abc.lambda-url.us-east-1.on.aws/scim.example.com:8443/scim/v2',
    );
  });

  it.each([
    ['not a url', 'scim.example.com', '/scim'],
    ['http://abc.example.com', 'scim.example.com', '/scim'],
    ['https://abc.example.com/?q=1', 'scim.example.com', '/scim'],
    ['https://abc.example.com', 'evil@scim.example.com', '/scim'],
    ['https://abc.example.com', 'scim.example.com/path', '/scim'],
    ['https://abc.example.com', 'scim.example.com', '/../admin'],
  ])('refuses %s + %s + %s', (functionUrl, host, path) => {
    expect(() => bridgeBaseUrl(functionUrl, host, path)).toThrow(BridgeUrlError);
  });
});
