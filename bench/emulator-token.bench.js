// Emulator token endpoint: client-credentials tokens per second and latency on loopback, against a bare node:http
// server answering a static body in the same run (the floor for any HTTP service on this machine).
import { bareServer, load, percentile, round } from './lib.js';

export const title = 'Emulator token endpoint';

export default async function run({ budgetMs }) {
  const { startEmulator, provisionClientCredentials } = await import('../dist/emulator.js');
  const emulator = await startEmulator({ port: 0, rateLimits: 'off' }); // speed, not Okta's rate limits
  const bare = await bareServer('{"access_token":"x","token_type":"Bearer","expires_in":3600}');
  try {
    const fixture = await provisionClientCredentials(emulator.url, emulator.adminToken, { authMethod: 'client_secret_basic' });
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
    return [
      { name: 'bare node:http (baseline)', value: round(floor.perSecond, 0), unit: 'req/s' },
      { name: 'emulator tokens (RS256, client_secret_basic)', value: round(tokens.perSecond, 0), unit: 'tokens/s', ratio: round(tokens.perSecond / floor.perSecond) },
      { name: 'emulator token p50', value: round(percentile(tokens.latencies, 50)), unit: 'ms' },
      { name: 'emulator token p99', value: round(percentile(tokens.latencies, 99)), unit: 'ms' },
    ];
  } finally {
    await emulator.stop();
    await bare.stop();
  }
}
