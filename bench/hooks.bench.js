// The Lambda templates, built and served by `okta-m2m hook serve` as they would run behind a function URL:
// - scim-bridge: latency added over calling the SCIM server directly, and token requests per 1,000 SCIM calls;
// - token-hook: warm latency of an on-behalf-of call, against a bare node:http answer over the same loopback;
// - both zips' sizes.
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { bareServer, cli, load, percentile, round, startCliServer } from './lib.js';

export const title = 'Lambda templates (scim-bridge, token-hook)';
const CALLS = 1000;

export default async function run({ budgetMs }) {
  const { startEmulator, provisionClientCredentials } = await import('../dist/emulator.js');
  const emulator = await startEmulator({ port: 0, rateLimits: 'off' }); // speed, not Okta's rate limits
  const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-bench-hooks-'));
  const env = { ...process.env, NO_COLOR: '1', OKTA_M2M_CONFIG_DIR: join(dir, 'config') };
  const scim = await scimServer();
  const bare = await bareServer('{"commands":[{"type":"com.okta.access.patch","value":[]}]}');
  const servers = [];
  try {
    const sizes = ['scim-bridge', 'token-hook'].map((name) => {
      const built = spawnSync(
        process.execPath,
        [cli, '--json', 'hook', 'build', name, '--out-dir', join(dir, 'build')],
        { env, encoding: 'utf8' },
      );
      if (built.status !== 0) throw new Error(`hook build ${name} failed: ${built.stderr}`);
      return JSON.parse(built.stdout);
    });

    // scim-bridge
    const fixture = await provisionClientCredentials(emulator.url, emulator.adminToken, {
      accessTokenLifetimeMinutes: 60,
    });
    const bridge = await startCliServer(
      [
        'hook',
        'serve',
        'scim-bridge',
        '--zip',
        sizes[0].zipPath,
        '--env',
        `ALLOWED_HOSTS=${scim.host}`,
        '--env',
        `ALLOWED_TOKEN_HOSTS=${new URL(emulator.url).host}`,
        '--env',
        'ALLOW_INSECURE_LOOPBACK=1',
      ],
      { env, cwd: dir },
    );
    servers.push(bridge);
    const bridgeToken = Buffer.from(
      JSON.stringify({
        v: 1,
        tokenUrl: fixture.tokenUrl,
        clientId: fixture.clientId,
        clientSecret: fixture.clientSecret,
        scope: fixture.scope,
      }),
    ).toString('base64');
    const get = (url, headers) => () =>
      fetch(url, { headers }).then(async (res) => {
        if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      });
    const options = { concurrency: 4, count: CALLS, budgetMs: budgetMs / 4 };
    const direct = await load(get(`http://${scim.host}/scim/v2/Users`, { Authorization: 'Bearer direct' }), options);
    emulator.clearRequestLog();
    const viaBridge = await load(
      get(`${bridge.line}/${scim.host}/scim/v2/Users`, { Authorization: `Bearer ${bridgeToken}` }),
      options,
    );
    const tokenRequests = emulator.requestLog.filter((entry) => entry.path.endsWith('/v1/token')).length;

    // token-hook: Okta's call with an on-behalf-of assertion minted by the emulator.
    const caller = await provisionClientCredentials(emulator.url, emulator.adminToken, {});
    const assertion = await mint(caller);
    const hook = await startCliServer(
      [
        'hook',
        'serve',
        'token-hook',
        '--zip',
        sizes[1].zipPath,
        '--env',
        'HOOK_SECRET=bench-hook-secret',
        '--env',
        `ISSUER=${caller.issuer}`,
        '--env',
        `AUDIENCE=${caller.audience}`,
        '--env',
        `POLICY=${JSON.stringify({ '*': ['*'] })}`,
        '--env',
        'ALLOW_INSECURE_LOOPBACK=1',
      ],
      { env, cwd: dir },
    );
    servers.push(hook);
    const payload = JSON.stringify(hookPayload(caller, assertion));
    const post = (url) => () =>
      fetch(url, {
        method: 'POST',
        headers: { Authorization: 'bench-hook-secret', 'Content-Type': 'application/json' },
        body: payload,
      }).then(async (res) => {
        const body = await res.text();
        if (res.status !== 200 || !body.includes('com.okta.access.patch'))
          throw new Error(`hook: ${res.status} ${body}`);
      });
    const hookOptions = { concurrency: 1, count: 500, budgetMs: budgetMs / 4 };
    const floor = await load(post(bare.url), hookOptions);
    const warm = await load(post(hook.line), hookOptions);

    const added = (p) => percentile(viaBridge.latencies, p) - percentile(direct.latencies, p);
    return [
      { name: 'SCIM call direct p50 (baseline)', value: round(percentile(direct.latencies, 50)), unit: 'ms' },
      {
        name: 'SCIM call via bridge p50',
        value: round(percentile(viaBridge.latencies, 50)),
        unit: 'ms',
        ratio: round(percentile(viaBridge.latencies, 50) / percentile(direct.latencies, 50)),
      },
      { name: 'bridge added latency p50', value: round(added(50)), unit: 'ms' },
      { name: 'bridge added latency p99', value: round(added(99)), unit: 'ms' },
      {
        name: `token requests per 1,000 SCIM calls (${viaBridge.latencies.length} made)`,
        value: round((tokenRequests * 1000) / viaBridge.latencies.length, 1),
        unit: '',
      },
      { name: 'bare node:http answer p50 (baseline)', value: round(percentile(floor.latencies, 50)), unit: 'ms' },
      {
        name: 'token-hook warm p50',
        value: round(percentile(warm.latencies, 50)),
        unit: 'ms',
        ratio: round(percentile(warm.latencies, 50) / percentile(floor.latencies, 50)),
      },
      {
        name: 'token-hook warm p99',
        value: round(percentile(warm.latencies, 99)),
        unit: 'ms',
        ratio: round(percentile(warm.latencies, 99) / percentile(floor.latencies, 99)),
      },
      { name: 'scim-bridge zip', value: round(sizes[0].size / 1024, 1), unit: 'KiB' },
      { name: 'token-hook zip', value: round(sizes[1].size / 1024, 1), unit: 'KiB' },
    ];
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all([emulator.stop(), scim.stop(), bare.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

async function scimServer() {
  const body = JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: 0,
    Resources: [],
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/scim+json' }).end(body));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `localhost:${server.address().port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

async function mint(fixture) {
  const res = await fetch(fixture.tokenUrl, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${fixture.clientId}:${fixture.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: `grant_type=client_credentials&scope=${fixture.scope}`,
  });
  if (!res.ok) throw new Error(`mint failed: ${res.status}`);
  return (await res.json()).access_token;
}

function hookPayload(caller, assertion) {
  return {
    eventType: 'com.okta.oauth2.tokens.transform',
    data: {
      context: {
        request: { url: { value: `${caller.tokenUrl}?assertion=${assertion}` }, method: 'POST' },
        protocol: {
          type: 'OAUTH2.0',
          request: { grant_type: 'client_credentials', scope: 'api.read' },
          client: { id: 'api-a-client', type: 'PUBLIC' },
        },
      },
      access: { claims: {}, scopes: { 'api.read': { id: 'scp1', action: 'GRANT' } } },
    },
  };
}
