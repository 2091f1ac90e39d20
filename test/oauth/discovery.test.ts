import { describe, expect, it } from 'vitest';
import { RemoteError, UsageError } from '../../src/errors.js';
import { discover, discoveryUrls } from '../../src/oauth/discovery.js';
import { closedPort, json, startScriptedServer } from '../support/http-server.js';
import type { OidcServer } from '../support/oidc-server.js';
import { useOidcServer } from '../support/use-oidc-server.js';

let op: OidcServer;
useOidcServer((started) => (op = started));

describe('discoveryUrls', () => {
  it('tries the RFC 8414 form first (well-known inserted after the host), then the appended forms', () => {
    expect(discoveryUrls('https://acme.okta.com/oauth2/aus1')).toEqual([
      'https://acme.okta.com/.well-known/oauth-authorization-server/oauth2/aus1',
      'https://acme.okta.com/oauth2/aus1/.well-known/oauth-authorization-server',
      'https://acme.okta.com/oauth2/aus1/.well-known/openid-configuration',
    ]);
    expect(discoveryUrls('https://tenant.auth0.com/')).toEqual([
      'https://tenant.auth0.com/.well-known/oauth-authorization-server',
      'https://tenant.auth0.com/.well-known/openid-configuration',
    ]);
  });

  it('refuses what is not an issuer URL', () => {
    for (const bad of ['acme.okta.com', 'ftp://x/y', 'https://x/y?z=1', 'https://x/y#f', '']) {
      expect(() => discoveryUrls(bad)).toThrow(UsageError);
    }
  });
});

describe('discover', () => {
  it('finds oidc-provider (an issuer with a path), issuer checked', async () => {
    const metadata = await discover(op.issuer);
    expect(metadata.issuer).toBe(op.issuer);
    expect(metadata.token_endpoint).toBe(op.tokenEndpoint);
    expect(metadata.jwks_uri).toBe(`${op.issuer}/jwks`);
    expect(metadata.grant_types_supported).toContain('client_credentials');
  });

  it('uses the RFC 8414 form when the server has it, and the appended form Okta serves', async () => {
    const server = await startScriptedServer((req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server/oauth2/rfc') {
        return json(res, 200, {
          issuer: `${server.url}/oauth2/rfc`,
          token_endpoint: `${server.url}/oauth2/rfc/v1/token`,
        });
      }
      if (req.url === '/oauth2/okta/.well-known/oauth-authorization-server') {
        return json(res, 200, {
          issuer: `${server.url}/oauth2/okta`,
          token_endpoint: `${server.url}/oauth2/okta/v1/token`,
        });
      }
      return json(res, 404, { errorCode: 'E0000022' });
    });
    try {
      expect((await discover(`${server.url}/oauth2/rfc`)).token_endpoint).toBe(`${server.url}/oauth2/rfc/v1/token`);
      expect(server.requests.map((r) => r.url)).toEqual(['/.well-known/oauth-authorization-server/oauth2/rfc']);
      server.requests.length = 0;
      expect((await discover(`${server.url}/oauth2/okta`)).token_endpoint).toBe(`${server.url}/oauth2/okta/v1/token`);
      expect(server.requests.map((r) => r.url)).toEqual([
        '/.well-known/oauth-authorization-server/oauth2/okta',
        '/oauth2/okta/.well-known/oauth-authorization-server',
      ]);
    } finally {
      await server.close();
    }
  });

  it('refuses a document that names another issuer', async () => {
    const server = await startScriptedServer((req, res) =>
      json(res, 200, {
        issuer: req.url?.includes('slash') ? `${server.url}/slash/` : 'https://evil.example.com/oauth2/default',
        token_endpoint: 'https://evil.example.com/oauth2/default/v1/token',
      }),
    );
    try {
      const error = await discover(`${server.url}/oauth2/default`).catch((e: unknown) => e as RemoteError);
      expect(error).toBeInstanceOf(RemoteError);
      expect(error.message).toMatch(
        /names issuer https:\/\/evil\.example\.com\/oauth2\/default, not http:\/\/127\.0\.0\.1/,
      );
      const slash = await discover(`${server.url}/slash`).catch((e: unknown) => e as RemoteError);
      expect(slash.hint).toBe(`Give the issuer exactly as the server names it: ${server.url}/slash/`);
    } finally {
      await server.close();
    }
  });

  it('refuses oidc-provider asked for under another spelling of its issuer', async () => {
    const error = await discover(`${op.issuer}/`).catch((e: unknown) => e as RemoteError);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toMatch(
      /^The discovery document at http:\/\/127\.0\.0\.1:\d+\/op\/\.well-known\/\S+ names issuer /,
    );
    expect(error.message).toContain(`names issuer ${op.issuer}, not ${op.issuer}/.`);
    expect(error.hint).toBe(`Give the issuer exactly as the server names it: ${op.issuer}`);
  });

  it('explains a missing document, a broken one, and a server that is not there', async () => {
    const server = await startScriptedServer((req, res) => {
      if (req.url?.startsWith('/broken')) return json(res, 200, { issuer: `${server.url}/broken` });
      res.writeHead(404).end('not here');
    });
    try {
      const missing = await discover(`${server.url}/nothing`).catch((e: unknown) => e as RemoteError);
      expect(missing.message).toBe(`No authorization server metadata found for issuer ${server.url}/nothing.`);
      expect(missing.hint).toMatch(/Tried .*HTTP 404.*--token-url/);
      const broken = await discover(`${server.url}/broken`).catch((e: unknown) => e as RemoteError);
      expect(broken.message).toMatch(/has no valid "token_endpoint"/);
    } finally {
      await server.close();
    }
    const port = await closedPort();
    const refused = await discover(`http://127.0.0.1:${port}/oauth2/x`).catch((e: unknown) => e as RemoteError);
    expect(refused.message).toBe(`Cannot reach 127.0.0.1:${port} for discovery: connection refused.`);
  });
});
