/**
 * A second, independent OAuth 2.0 server for the tests: panva's oidc-provider (certified OpenID Provider), run on
 * loopback with the client credentials grant, one resource server (audience) and a client per auth method.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';

export const AUDIENCE = 'api://orders';
const SCOPES = ['orders:read', 'orders:write', 'orders:admin'];
const MOUNT = '/op';

export interface OidcServer {
  issuer: string;
  tokenEndpoint: string;
  url: string;
  clients: {
    basic: { clientId: string; clientSecret: string };
    post: { clientId: string; clientSecret: string };
    /** A client id and secret with characters that Basic auth must form-urlencode (":", "+", space, "%"). */
    special: { clientId: string; clientSecret: string };
    rsa: { clientId: string; privateKeyPem: string; privateJwk: string; kid: string };
    ec: { clientId: string; privateKeyPem: string; kid: string };
  };
  /** Token lifetime in seconds (changeable between requests). */
  setAccessTokenTtl(seconds: number): void;
  close(): Promise<void>;
}

export async function startOidcServer(options: { accessTokenTtl?: number } = {}): Promise<OidcServer> {
  let ttl = options.accessTokenTtl ?? 300;
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${url}${MOUNT}`;

  const signing = await generateKeyPair('RS256', { extractable: true });
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const rsaPublic = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', use: 'sig', alg: 'RS256' };
  const ecPublic = { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', use: 'sig', alg: 'ES256' };
  const clientBase = {
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: 'orders:read orders:write',
  };
  const clients = {
    basic: { clientId: 'basic-client', clientSecret: `basic-${randomText()}` },
    post: { clientId: 'post-client', clientSecret: `post-${randomText()}` },
    special: { clientId: 'special:client+1', clientSecret: `a:b+c d%20e&f=${randomText()}` },
    rsa: {
      clientId: 'rsa-client',
      privateKeyPem: await exportPKCS8(rsa.privateKey),
      privateJwk: JSON.stringify({ ...(await exportJWK(rsa.privateKey)), kid: 'rsa-1' }),
      kid: 'rsa-1',
    },
    ec: { clientId: 'ec-client', privateKeyPem: await exportPKCS8(ec.privateKey), kid: 'ec-1' },
  };

  const provider = new Provider(issuer, {
    clients: [
      {
        ...clientBase,
        client_id: clients.basic.clientId,
        client_secret: clients.basic.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        ...clientBase,
        client_id: clients.special.clientId,
        client_secret: clients.special.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        ...clientBase,
        client_id: clients.post.clientId,
        client_secret: clients.post.clientSecret,
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        ...clientBase,
        client_id: clients.rsa.clientId,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [rsaPublic] },
      },
      {
        ...clientBase,
        client_id: clients.ec.clientId,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [ecPublic] },
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(signing.privateKey)), kid: 'server-1', use: 'sig', alg: 'RS256' }] },
    scopes: SCOPES,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => AUDIENCE,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          if (resource !== AUDIENCE) throw new errors.InvalidTarget();
          return {
            scope: SCOPES.join(' '),
            audience: AUDIENCE,
            accessTokenTTL: ttl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url === MOUNT || req.url?.startsWith(`${MOUNT}/`)) {
      (req as { originalUrl?: string }).originalUrl = req.url;
      req.url = req.url.slice(MOUNT.length) || '/';
      callback(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
  });

  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    url,
    clients,
    setAccessTokenTtl(seconds) {
      ttl = seconds;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function randomText(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url');
}
