/**
 * The trust boundary, Lambda side (issue 15): the SCIM bridge and the token hook, built as deployed and served by
 * the real `okta-m2m hook serve` (or serveHandler on the built zip), over real HTTP. Allowlisted names that must
 * look non-loopback resolve to 127.0.0.1 through a DNS preload in the child, and a raw TCP trap counts every
 * connection made to them. Each attack worked on main before this change.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTemplate } from '../../src/lambda/build.js';
import { resolveEnvironment } from '../../src/lambda/deploy-env.js';
import { serveHandler, type ServeHandle } from '../../src/lambda/serve.js';
import { spawnCli } from '../support/index.js';
import { bridgeToken, json, listen, startScimServer, type Local, type ScimServer } from '../support/templates.js';
import { serveProcess, type ServedProcess } from './support/serve-process.js';
import { DNS_PRELOAD, DNS_REBIND_PRELOAD } from './support/trap.js';
import { hookDeployArgs } from '../support/hook-project.js';

let outDir: string;
let bridgeZip: string;
let hookZip: string;
/** Counts TCP connections: an allowlisted name resolving to loopback must never be connected to. */
let tcpTrap: TcpServer;
let tcpTrapPort = 0;
let tcpConnections = 0;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'okta-m2m-trust-build-'));
  [bridgeZip, hookZip] = [
    (await buildTemplate('scim-bridge', { outDir })).zipPath,
    (await buildTemplate('token-hook', { outDir })).zipPath,
  ];
  tcpTrap = createTcpServer((socket) => {
    tcpConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => tcpTrap.listen(0, '127.0.0.1', resolve));
  tcpTrapPort = (tcpTrap.address() as AddressInfo).port;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => tcpTrap.close(() => resolve()));
  rmSync(outDir, { recursive: true, force: true });
});

/**
 * `hook serve scim-bridge` of the built zip with these allowlists, and the loopback switch for tests: loopback
 * SPELLED as such (127.0.0.1) is reached; names are still checked.
 */
const serveBridgeArgs = (allowedHosts: string, tokenHosts: string) => [
  'scim-bridge',
  '--zip',
  bridgeZip,
  '--env',
  `ALLOWED_HOSTS=${allowedHosts}`,
  '--env',
  `ALLOWED_TOKEN_HOSTS=${tokenHosts}`,
  '--env',
  'ALLOW_INSECURE_LOOPBACK=1',
];

/**
 * Bridge tokens for the idp's /token, each for a client of its own: `<label>-<n>`, secret
 * `<label>-secret-<n>-<suffix>`; `count` is how many were made.
 */
function numberedTokens(label: string, suffix: string, idp: () => Local) {
  const make = (fields: Record<string, unknown> = {}) => {
    make.count += 1;
    return bridgeToken({
      v: 1,
      tokenUrl: `${idp().url}/token`,
      clientId: `${label}-${make.count}`,
      clientSecret: `${label}-secret-${make.count}-${suffix}`,
      ...fields,
    });
  };
  make.count = 0;
  return make;
}

/** A GET to the served bridge, with a bearer token when one is given: its status and body. */
const getServed = (served: ServedProcess, path: string, bearer?: string) =>
  fetch(`${served.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} }).then(async (res) => ({
    status: res.status,
    body: await res.text(),
  }));

describe('scim bridge', () => {
  let bridge: ServedProcess;
  let scim: ScimServer;
  let idp: Local;
  let idpRequests = 0;
  let idpAnswer: { status: number; body: unknown } = { status: 200, body: {} };
  const token = numberedTokens('trust', 'Kk8', () => idp);
  const call = (path: string, bearer?: string) => getServed(bridge, path, bearer);

  beforeAll(async () => {
    scim = await startScimServer();
    idp = await listen((_req, res) => {
      idpRequests += 1;
      if (idpAnswer.status === 200)
        return json(res, 200, { access_token: `at-${idpRequests}`, token_type: 'Bearer', expires_in: 3600 });
      json(res, idpAnswer.status, idpAnswer.body);
    });
    bridge = await serveProcess(
      serveBridgeArgs(`${scim.host},scim.example.test:${tcpTrapPort}`, `${idp.host},idp.example.test:${tcpTrapPort}`),
      { nodeArgs: ['--import', DNS_PRELOAD] },
    );
  }, 60_000);

  afterAll(async () => {
    await bridge?.stop();
    await Promise.all([scim?.close(), idp?.close()]);
  });

  it('refuses an allowlisted target or token host whose name resolves to loopback: no connection is made', async () => {
    tcpConnections = 0;
    const target = await call(`/scim.example.test:${tcpTrapPort}/scim/v2/Users`, token());
    expect(target.status, target.body).toBe(403);
    expect(target.body).toMatch(/resolves to a loopback, private or link-local address/);
    const viaToken = await call(
      `/${scim.host}/scim/v2/Users`,
      token({ tokenUrl: `https://idp.example.test:${tcpTrapPort}/token` }),
    );
    expect(viaToken.status, viaToken.body).toBe(401);
    expect(tcpConnections).toBe(0);
  });

  it('answers every unauthenticated request with the same 401, before any target check', async () => {
    const answers = [
      await call(`/${scim.host}/scim/v2/Users`),
      await call('/not-allowlisted.example/scim/v2/Users'),
      await call('/169.254.169.254/latest/meta-data'),
      await call('/not-allowlisted.example/scim/v2/Users', 'not-a-bridge-token'),
      await call('/not-allowlisted.example/scim/v2/Users', token({ tokenUrl: 'https://elsewhere.example/token' })),
    ];
    for (const answer of answers) {
      expect(answer.status, answer.body).toBe(401);
      expect(answer.body).toBe(answers[0]!.body);
    }
  });

  it("never reflects the identity provider's error text, in a response or a log line", async () => {
    idpAnswer = { status: 400, body: { error: 'attacker_chosen_words', error_description: 'more attacker words' } };
    try {
      const res = await call(`/${scim.host}/scim/v2/Users`, token());
      expect(res.body).not.toContain('attacker');
      expect(res.status).toBe(401);
      await new Promise((r) => setTimeout(r, 100));
      expect(bridge.stdout() + bridge.stderr()).not.toContain('attacker');
    } finally {
      idpAnswer = { status: 200, body: {} };
    }
  });

  it('backs off per token URL and client id after a refused token request: guessed secrets are not all proxied', async () => {
    idpAnswer = { status: 401, body: { error: 'invalid_client' } };
    try {
      const before = idpRequests;
      const statuses: number[] = [];
      for (let guess = 0; guess < 10; guess += 1) {
        const res = await call(
          `/${scim.host}/scim/v2/Users`,
          bridgeToken({
            v: 1,
            tokenUrl: `${idp.url}/token`,
            clientId: 'victim-client',
            clientSecret: `guess-${guess}-xyz`,
          }),
        );
        statuses.push(res.status);
      }
      // 1 s, doubling: ten guesses in a few seconds reach the identity provider three times at most (not ten).
      expect(idpRequests - before).toBeLessThanOrEqual(3);
      expect(idpRequests - before).toBeGreaterThanOrEqual(1);
      expect(new Set(statuses)).toEqual(new Set([401]));
    } finally {
      idpAnswer = { status: 200, body: {} };
    }
  });
});

describe('scim bridge under DNS rebinding', () => {
  // rebind.example.test answers a public address to the bridge's check and 127.0.0.1 to a connect by name (the
  // preload), and the preload refuses every connection that is not to loopback, naming the address on stderr.
  let bridge: ServedProcess;
  let idp: Local;
  const token = numberedTokens('rebind', 'Zz4', () => idp);
  const call = (path: string, bearer: string) => getServed(bridge, path, bearer);

  beforeAll(async () => {
    idp = await listen((_req, res) =>
      json(res, 200, { access_token: `at-rebind-${token.count}`, token_type: 'Bearer', expires_in: 3600 }),
    );
    bridge = await serveProcess(
      serveBridgeArgs(`rebind.example.test:${tcpTrapPort}`, `${idp.host},rebind.example.test:${tcpTrapPort}`),
      { nodeArgs: ['--import', DNS_REBIND_PRELOAD] },
    );
  }, 60_000);

  afterAll(async () => {
    await bridge?.stop();
    await idp?.close();
  });

  it('connects to the address it checked, never to the second answer: the loopback trap gets no connection', async () => {
    tcpConnections = 0;
    const target = await call(`/rebind.example.test:${tcpTrapPort}/scim/v2/Users`, token());
    expect(target.status, target.body).toBe(502);
    const viaToken = await call(
      `/rebind.example.test:${tcpTrapPort}/scim/v2/Users`,
      token({ tokenUrl: `https://rebind.example.test:${tcpTrapPort}/token` }),
    );
    expect(viaToken.status, viaToken.body).toBe(502);
    expect(tcpConnections).toBe(0);
    // Both requests went to the checked (public) address, which the preload refused so that nothing leaves loopback.
    await vi.waitFor(() => expect(bridge.stderr().match(/refused a connection to 203\.0\.113\.7/g)).toHaveLength(2));
  });
});

describe('token hook', () => {
  const HOOK_SECRET = 'trust-hook-secret-Qq7Ww8Ee9';
  const ISSUER = 'https://issuer.example.test/oauth2/default';
  let key: CryptoKey;
  let jwks: Local;
  let hook: ServeHandle;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = await listen((_req, res) => json(res, 200, { keys: [jwk] }));
    hook = await serveHandler(hookZip, {
      env: {
        HOOK_SECRET,
        ISSUER,
        AUDIENCE: 'api://a',
        JWKS_URL: `${jwks.url}/keys`,
        ALLOW_INSECURE_LOOPBACK: '1',
        // client-a may act on behalf of others for r:write only.
        POLICY: JSON.stringify({ 'client-a': ['r:write'] }),
        // Set straight on the function (the CLI refuses these names): the template must still not be fooled.
        CARRY_CLAIMS: 'toString,Sub,SCP,tenant',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await hook?.stop();
    await jwks?.close();
  });

  async function assertion(claims: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tenant: 't-1', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('api://a')
      .setSubject('user-1')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(key);
  }

  async function callHook(requested: string, granted: string[], claims?: Record<string, unknown>, url = hook.url) {
    const body = {
      eventId: 'e1',
      data: {
        context: {
          request: {
            url: { value: `https://o.example.test/oauth2/aus/v1/token?assertion=${await assertion(claims)}` },
          },
          protocol: { request: { grant_type: 'client_credentials', scope: requested }, client: { id: 'client-a' } },
        },
        access: { scopes: Object.fromEntries(granted.map((s) => [s, { id: s, action: 'GRANT' }])) },
      },
    };
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: HOOK_SECRET, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as {
      commands?: Array<{ value: Array<{ path: string }> }>;
      error?: { errorSummary: string };
    };
  }

  it('decides on the granted scopes: an empty or blank scope= that gets the default scope is denied', async () => {
    for (const requested of ['', ' ', '%20']) {
      const answer = await callHook(requested, ['r:read']);
      expect(answer.commands, JSON.stringify(answer)).toBeUndefined();
      expect(answer.error?.errorSummary).toMatch(/r:read|without a scope/);
    }
    expect((await callHook('', [])).error?.errorSummary).toMatch(/without a scope/);
    const allowed = await callHook('r:write', ['r:write']);
    expect(allowed.commands?.[0]?.value[0]?.path).toBe('/claims/act');
  });

  it('carries only own, non-reserved claims: toString (inherited), Sub and SCP (reserved, any case) are not patched', async () => {
    const answer = await callHook('r:write', ['r:write'], { Sub: 'spoofed', SCP: ['admin'] });
    const paths = answer.commands?.[0]?.value.map((op) => op.path);
    expect(paths).toEqual(['/claims/act', '/claims/tenant']);
  });

  it('carries the claims `hook build --carry-claim` built into the zip when CARRY_CLAIMS is unset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'okta-m2m-trust-carry-'));
    let served: ServedProcess | undefined;
    try {
      const build = await spawnCli(
        ['--json', 'hook', 'build', 'token-hook', '--out-dir', dir, '--carry-claim', 'tenant', '--carry-claim', 'dept'],
        { timeoutMs: 30_000 },
      );
      expect(build.code, build.stderr).toBe(0);
      const built = JSON.parse(build.stdout) as { zipPath: string; carryClaims: string[] };
      expect(built.carryClaims).toEqual(['tenant', 'dept']);
      served = await serveProcess(
        [
          'token-hook',
          '--zip',
          built.zipPath,
          '--hook-secret-stdin',
          '--env',
          `ISSUER=${ISSUER}`,
          '--env',
          'AUDIENCE=api://a',
          '--env',
          `JWKS_URL=${jwks.url}/keys`,
          '--env',
          'ALLOW_INSECURE_LOOPBACK=1',
          '--env',
          `POLICY=${JSON.stringify({ 'client-a': ['r:write'] })}`,
        ],
        // Not the CARRY_CLAIMS this process's served hook left in process.env: the function's own is unset.
        { input: HOOK_SECRET, env: { CARRY_CLAIMS: undefined } },
      );
      const answer = await callHook('r:write', ['r:write'], { dept: 'd-7', other: 'x' }, served.url);
      expect(answer.commands?.[0]?.value.map((op) => op.path)).toEqual([
        '/claims/act',
        '/claims/tenant',
        '/claims/dept',
      ]);
    } finally {
      await served?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('hook commands', () => {
  const awsEnv = {
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  };

  it('hook build refuses the names hook serve and hook deploy refuse (one rule), and writes no zip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'okta-m2m-trust-build-claims-'));
    try {
      for (const [claims, reason] of [
        [['toString'], /it is a property of every JavaScript object/],
        [['constructor'], /it is a property of every JavaScript object/],
        [['Sub'], /Okta reserves it/],
        [['tenant', 'SCP'], /Okta reserves it/],
        [['bad name!'], /a claim name is 1 to 64 letters/],
        [['x'.repeat(65)], /a claim name is 1 to 64 letters/],
      ] as const) {
        const args = ['hook', 'build', 'token-hook', '--out-dir', dir, ...claims.flatMap((c) => ['--carry-claim', c])];
        const result = await spawnCli(args, { timeoutMs: 15_000 });
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toMatch(/--carry-claim ".*" cannot be carried/);
        expect(result.stderr).toMatch(reason);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      }
      const bridge = await spawnCli(['hook', 'build', 'scim-bridge', '--out-dir', dir, '--carry-claim', 'tenant'], {
        timeoutMs: 15_000,
      });
      expect(bridge.code, bridge.stderr).toBe(2);
      expect(bridge.stderr).toMatch(/--carry-claim is a token-hook option/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse bad --carry-claim and CARRY_CLAIMS names at serve and deploy', async () => {
    for (const args of [
      ['hook', 'serve', 'token-hook', '--zip', hookZip, '--env', 'CARRY_CLAIMS=tenant,toString'],
      ['hook', 'serve', 'token-hook', '--zip', hookZip, '--env', 'CARRY_CLAIMS=Sub'],
      hookDeployArgs('token-hook', '--zip', hookZip, '--no-okta', '--carry-claim', 'SCP'),
      hookDeployArgs('token-hook', '--zip', hookZip, '--no-okta', '--env', 'CARRY_CLAIMS=constructor'),
    ]) {
      const result = await spawnCli(args, { env: awsEnv, timeoutMs: 15_000 });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/cannot be carried/);
    }
  });

  it("a state's tokenEndpoint never adds a host to the bridge's token allowlist (the org's host does)", () => {
    const { env } = resolveEnvironment(
      'scim-bridge',
      undefined,
      { allowedHosts: ['scim.example.com'] },
      {
        orgUrl: 'https://acme.okta.com',
        tokenEndpoint: 'https://collector.example.test/token',
      },
    );
    expect(env.ALLOWED_TOKEN_HOSTS).toBe('scim.example.com,acme.okta.com');
  });

  it('hook deploy refuses ALLOW_INSECURE_LOOPBACK before building or calling AWS', async () => {
    const result = await spawnCli(
      hookDeployArgs(
        'scim-bridge',
        '--zip',
        bridgeZip,
        '--allowed-host',
        'scim.example.test',
        '--env',
        'ALLOW_INSECURE_LOOPBACK=1',
      ),
      {
        env: awsEnv,
        timeoutMs: 15_000,
      },
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/ALLOW_INSECURE_LOOPBACK is for local tests only/);
  });

  it('hook serve warns on a non-loopback bind, and takes the hook secret from stdin', async () => {
    const secret = 'stdin-hook-secret-Rr4Tt5Yy6';
    const served = await serveProcess(
      ['token-hook', '--zip', hookZip, '--host', '0.0.0.0', '--hook-secret-stdin', '--env', 'POLICY={"*":["*"]}'],
      { input: `${secret}\n` },
    );
    try {
      expect(served.stderr()).toMatch(/warning: binding to 0\.0\.0\.0: .*reachable from other machines/);
      const port = new URL(served.url).port;
      const hit = (auth: string) =>
        fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { authorization: auth }, body: '{}' });
      expect((await hit('not-the-secret')).status).toBe(401);
      expect((await hit(secret)).status).toBe(200);
      expect(served.stdout() + served.stderr()).not.toContain(secret);
    } finally {
      await served.stop();
    }
  });
});
