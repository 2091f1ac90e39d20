// Emulator token endpoint: client-credentials tokens per second and latency on loopback, against a bare node:http
// server answering a static body in the same run (the floor for any HTTP service on this machine), and against
// panva's oidc-provider issuing the same kind of token (RS256 JWT, client_secret_basic) on the same machine in the
// same run: the goal is at least as many tokens per second (issue 16).
import { exportJWK, generateKeyPair } from 'jose';
import { bareServer, load, percentile, round } from './lib.js';

export const title = 'Emulator token endpoint';

export default async function run({ budgetMs }) {
  const { startEmulator, provisionClientCredentials } = await import('../dist/emulator.js');
  const emulator = await startEmulator({ port: 0, rateLimits: 'off' }); // speed, not Okta's rate limits
  const bare = await bareServer('{"access_token":"x","token_type":"Bearer","expires_in":3600}');
  try {
    const fixture = await provisionClientCredentials(emulator.url, emulator.adminToken, {
      authMethod: 'client_secret_basic',
    });
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(fixture.clientId)}:${encodeURIComponent(fixture.clientSecret)}`).toString('base64')}`;
    const post = (url) => () =>
      fetch(url, {
        method: 'POST',
        headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&scope=${fixture.scope}`,
      }).then(async (res) => {
        if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      });
    const options = { concurrency: 8, count: 3000, budgetMs: budgetMs / 2 };
    const floor = await load(post(`${bare.url}/token`), options);
    const tokens = await load(post(fixture.tokenUrl), options);
    const provider = await oidcProvider(fixture);
    let reference;
    try {
      reference = await load(post(provider.tokenUrl), options);
    } finally {
      await provider.stop();
    }
    return [
      { name: 'bare node:http (baseline)', value: round(floor.perSecond, 0), unit: 'req/s' },
      {
        name: 'oidc-provider tokens, RS256 JWT, client_secret_basic (baseline)',
        value: round(reference.perSecond, 0),
        unit: 'tokens/s',
      },
      {
        name: 'emulator tokens (RS256, client_secret_basic), against oidc-provider',
        value: round(tokens.perSecond, 0),
        unit: 'tokens/s',
        ratio: round(tokens.perSecond / reference.perSecond),
        atLeast: 1,
      },
      {
        name: 'emulator tokens against bare node:http',
        value: round(tokens.perSecond, 0),
        unit: 'tokens/s',
        ratio: round(tokens.perSecond / floor.perSecond),
      },
      { name: 'emulator token p50', value: round(percentile(tokens.latencies, 50)), unit: 'ms' },
      { name: 'emulator token p99', value: round(percentile(tokens.latencies, 99)), unit: 'ms' },
    ];
  } finally {
    await emulator.stop();
    await bare.stop();
  }
}

/** oidc-provider with one client of the same id, secret and scope, its access tokens RS256 JWTs as the emulator's. */
async function oidcProvider(fixture) {
  const { default: Provider } = await import('oidc-provider');
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const signing = await generateKeyPair('RS256', { extractable: true });
  const scopes = fixture.scope.split(' ');
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: fixture.clientId,
        client_secret: fixture.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: fixture.scope,
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(signing.privateKey)), kid: 'bench-1', use: 'sig', alg: 'RS256' }] },
    scopes,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => 'api://bench',
        getResourceServerInfo: async () => ({
          scope: scopes.join(' '),
          audience: 'api://bench',
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
        useGrantedResource: async () => true,
      },
    },
  });
  const callback = provider.callback();
  server.on('request', callback);
  return { tokenUrl: `${issuer}/token`, stop: () => new Promise((resolve) => server.close(resolve)) };
}
