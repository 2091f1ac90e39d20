/**
 * Sealed (version 2) bridge tokens end to end, over real HTTP: `okta-m2m hook serve scim-bridge` (the built bundle,
 * a child process) makes the bridge key and records its public half; `okta-m2m scim-token encode --seal` seals the
 * emulator client's credentials to it; a client playing Okta's SCIM app sends the token to the bridge, which trades
 * it at the emulator for access tokens and proxies the SCIM calls. The same token altered in any one character, or
 * sealed to another key, gets the 401 every unauthenticated request gets. The client secret and the private key are
 * canaries: no output, log or file may show them (the approach of test/security/canaries.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTemplate } from '../../src/lambda/build.js';
import { serveHandler } from '../../src/lambda/serve.js';
import { encodeBridgeToken } from '../../src/scim/bridge-token.js';
import { generateBridgeKeyPair, sealBridgeToken } from '../../src/scim/sealed-token.js';
import { cliPath, repoRoot, spawnCli, type CliResult } from '../support/index.js';
import { filesUnder, stopChild } from '../support/index.js';
import { useBridgeBackends } from '../support/bridge-backends.js';
import { secretForms } from '../support/secret-forms.js';
import { scimTokenEncodeArgs } from '../support/scim-token.js';

const b = useBridgeBackends('sealed');
let env: NodeJS.ProcessEnv;
let serve: { child: ChildProcess; url: string; stdout: () => string; stderr: () => string };
const outputs: Array<{ label: string; result: Pick<CliResult, 'stdout' | 'stderr'>; tokenAllowed?: boolean }> = [];

const cli = (args: string[], input = '') => spawnCli(args, { env, cwd: b.dir, input });

/** Okta's SCIM app as far as the bridge sees it: its static bearer token, SCIM media types, its request shapes. */
function scimApp(bridgeUrl: string, token: string) {
  const base = `${bridgeUrl}/${b.scimHost()}/scim/v2`;
  const headers = {
    Authorization: `Bearer ${token}`,
    Accept: 'application/scim+json',
    'User-Agent': 'Okta SCIM Client 1.0.0',
  };
  return {
    base,
    findUser: (userName: string) =>
      fetch(`${base}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`, {
        headers,
      }),
    createUser: (userName: string) =>
      fetch(`${base}/Users`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true }),
      }),
    deactivate: (id: string) =>
      fetch(`${base}/Users/${id}`, {
        method: 'PATCH',
        headers: { ...headers, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', value: { active: false } }],
        }),
      }),
  };
}

function serveBridge(args: string[]): Promise<typeof serve> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'hook', 'serve', 'scim-bridge', ...args], {
      cwd: b.dir,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1];
      if (url) resolve({ child, url, stdout: () => out, stderr: () => err });
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('close', (code) => reject(new Error(`hook serve exited (${String(code)}): ${err}`)));
    child.stdin.end();
  });
}

beforeAll(async () => {
  env = { OKTA_M2M_CONFIG_DIR: join(b.dir, 'config'), OKTA_M2M_PROFILE: 'sealed', NO_COLOR: '1' };
  serve = await serveBridge([
    '--out-dir',
    join(b.dir, 'build'),
    '--env',
    `ALLOWED_HOSTS=${b.scimHost()}`,
    '--env',
    `ALLOWED_TOKEN_HOSTS=${new URL(b.emulator.url).host}`,
    '--env',
    'ALLOW_INSECURE_LOOPBACK=1',
  ]);
}, 90_000);

afterAll(async () => {
  if (serve) await stopChild(serve.child, 'SIGINT');
});

describe('a sealed bridge token, from hook serve and scim-token encode --seal to the built bridge', () => {
  let sealed: string;
  let kid: string;

  it('hook serve records the public half of a new bridge key; encode --seal seals to it', async () => {
    const state = JSON.parse(await readFile(join(b.dir, '.okta-m2m', 'state.json'), 'utf8'));
    const record = state.profiles.sealed.scimBridge;
    expect(record).toMatchObject({
      source: 'hook serve',
      privateKeyIn: 'environment',
      publicJwk: { kty: 'EC', crv: 'P-256' },
    });
    expect(record.publicJwk).not.toHaveProperty('d');
    kid = record.kid;
    expect(serve.stderr()).toContain(`bridge key ${kid}`);

    const encoded = await cli(
      scimTokenEncodeArgs(
        b.fixture.tokenUrl,
        b.fixture.clientId,
        '--seal',
        '--client-secret-stdin',
        '--scope',
        b.fixture.scope,
      ),
      b.fixture.clientSecret,
    );
    expect(encoded.code, encoded.stderr).toBe(0);
    sealed = encoded.stdout.trim();
    expect(sealed.split('.')).toHaveLength(5);
    expect(encoded.stderr).toContain(`sealed to the bridge key ${kid} (recorded by hook serve)`);
    outputs.push({ label: 'scim-token encode --seal', result: encoded, tokenAllowed: true });
  });

  it("proxies the SCIM app's calls: one token request at the emulator, the emulator's access token upstream", async () => {
    b.emulator.clearRequestLog();
    const app = scimApp(serve.url, sealed);
    const found = await app.findUser('ada@example.com');
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ totalResults: 1 });
    const created = await app.createUser('grace@example.com');
    expect(created.status).toBe(201);
    expect((await app.deactivate('u-1')).status).toBe(200);

    expect(b.emulator.requestLog.filter((e) => e.path.endsWith('/v1/token'))).toHaveLength(1);
    const upstream = b.scim.requests.slice(-3);
    expect(upstream.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      'GET /scim/v2/Users',
      'POST /scim/v2/Users',
      'PATCH /scim/v2/Users/u-1',
    ]);
    const accessToken = String(upstream[0]!.headers.authorization).replace(/^Bearer /, '');
    expect(decodeJwt(accessToken)).toMatchObject({
      iss: b.fixture.issuer,
      cid: b.fixture.clientId,
      scp: [b.fixture.scope],
    });
    // The bridge token never goes upstream.
    expect(JSON.stringify(upstream)).not.toContain(sealed.slice(-40));
  });

  it('answers the same token altered in any one character, or sealed to another key, with the 401 of no token', async () => {
    const app = (token: string) =>
      fetch(`${serve.url}/${b.scimHost()}/scim/v2/Users`, { headers: { Authorization: `Bearer ${token}` } });
    const unauthenticated = await fetch(`${serve.url}/${b.scimHost()}/scim/v2/Users`);
    expect(unauthenticated.status).toBe(401);
    // What could tell one refusal from another: status, body, and the headers the bridge sets (not the per-request ones).
    const shape = (res: Response) =>
      JSON.stringify(['content-type', 'www-authenticate', 'cache-control'].map((h) => res.headers.get(h)));
    const refusal = { headers: shape(unauthenticated), body: await unauthenticated.text() };

    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const answers = new Map<string, number[]>();
    const scimCallsBefore = b.scim.requests.length;
    for (let i = 0; i < sealed.length; i += 1) {
      const c = sealed[i]!;
      const altered =
        sealed.slice(0, i) +
        (c === '.' ? 'A' : alphabet[(alphabet.indexOf(c) + 1) % alphabet.length]!) +
        sealed.slice(i + 1);
      const res = await app(altered);
      const key = `${res.status} ${shape(res) === refusal.headers} ${(await res.text()) === refusal.body}`;
      answers.set(key, [...(answers.get(key) ?? []), i]);
    }
    expect([...answers.keys()]).toEqual(['401 true true']);
    expect(answers.get('401 true true')).toHaveLength(sealed.length);

    const otherKey = await generateBridgeKeyPair();
    const toOther = await sealBridgeToken(b.credentials(), otherKey.publicJwk);
    const res = await app(toOther);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe(refusal.body);
    expect(b.scim.requests.length, 'nothing unauthenticated reached the SCIM server').toBe(scimCallsBefore);
  }, 60_000);

  it('decode shows version, kid and that it is sealed, and refuses --show-secret', async () => {
    const human = await cli(['scim-token', 'decode', sealed]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/version:\s+2 \(sealed\)/);
    expect(human.stdout).toContain(kid);
    const json = await cli(['--json', 'scim-token', 'decode', '-'], sealed);
    expect(JSON.parse(json.stdout)).toEqual({ version: 2, sealed: true, kid, alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
    const shown = await cli(['scim-token', 'decode', '--show-secret', sealed]);
    expect(shown.code).toBe(2);
    expect(shown.stderr).toMatch(/only the bridge/);
    outputs.push(
      { label: 'decode', result: human },
      { label: 'decode --json', result: json },
      { label: 'decode --show-secret', result: shown },
    );
  });

  it('the client secret and the private key appear in no output, bridge log or file; the token only where asked', async () => {
    outputs.push({
      label: 'hook serve (and the bridge logs)',
      result: { stdout: serve.stdout(), stderr: serve.stderr() },
    });
    const secret = b.fixture.clientSecret!;
    const found: string[] = [];
    for (const { label, result, tokenAllowed } of outputs) {
      for (const [stream, text] of [
        ['stdout', result.stdout],
        ['stderr', result.stderr],
      ] as const) {
        if (secretForms(secret).some((f) => text.includes(f))) found.push(`${label} ${stream}: client secret`);
        // A private JWK's "d" member: the bridge key's private half never leaves the serve process's environment.
        if (/"d"\s*:/.test(text)) found.push(`${label} ${stream}: a private key`);
        if (!(tokenAllowed && stream === 'stdout') && sealed && text.includes(sealed.slice(-43)))
          found.push(`${label} ${stream}: the sealed token`);
      }
    }
    for (const { path, content: text } of await filesUnder(b.dir)) {
      if (path.endsWith('.zip')) continue; // the built bundle: code
      if (secretForms(secret).some((f) => text.includes(f))) found.push(`${path}: client secret`);
      if (/"d"\s*:/.test(text)) found.push(`${path}: a private key`);
      if (text.includes(sealed.slice(-43))) found.push(`${path}: the sealed token`);
    }
    expect(found).toEqual([]);
    expect(serve.stdout()).toMatch(/"tokenVersion":2/);
  });
});

describe('the built bridge with both versions, version 1 turned off by ACCEPT_UNSEALED_TOKENS', () => {
  it('takes version 1 by default, refuses it with ACCEPT_UNSEALED_TOKENS=0 while sealed tokens still pass', async () => {
    const key = await generateBridgeKeyPair();
    const built = await buildTemplate('scim-bridge', { outDir: join(b.dir, 'build-inproc') });
    const bridge = await serveHandler(built.zipPath, {
      env: {
        ALLOWED_HOSTS: b.scimHost(),
        ALLOWED_TOKEN_HOSTS: new URL(b.emulator.url).host,
        ALLOW_INSECURE_LOOPBACK: '1',
        BRIDGE_PRIVATE_KEY: JSON.stringify(key.privateJwk),
      },
    });
    const credentials = b.credentials();
    const v1 = encodeBridgeToken(credentials);
    const v2 = await sealBridgeToken(credentials, key.publicJwk);
    const call = async (token: string) => (await scimApp(bridge.url, token).findUser('ada@example.com')).status;
    const logs: string[] = [];
    const log = vi
      .spyOn(console, 'log')
      .mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' ')));
    try {
      expect(await call(v1)).toBe(200);
      expect(await call(v2)).toBe(200);
      // The handler reads its environment per request (serveHandler runs it in this process).
      process.env.ACCEPT_UNSEALED_TOKENS = '0';
      expect(await call(v1)).toBe(401);
      expect(await call(v2)).toBe(200);
      expect(logs.map((l) => JSON.parse(l).tokenVersion)).toEqual([1, 2, 1, 2]);
      const text = logs.join('\n');
      for (const value of [credentials.clientSecret, key.privateJwk.d!, v2.slice(-43), v1])
        expect(secretForms(value).some((f) => text.includes(f))).toBe(false);
    } finally {
      log.mockRestore();
      delete process.env.ACCEPT_UNSEALED_TOKENS;
      await bridge.stop();
    }
  }, 60_000);
});

describe('the built bridge with its key in AWS Secrets Manager (BRIDGE_PRIVATE_KEY_SECRET_ID)', () => {
  it("reads the key once per cold start with the runtime's AWS SDK, answers 503 while it cannot, then opens sealed tokens", async () => {
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const [{ SecretsManagerClient, GetSecretValueCommand }, { mockClient }, { bundleTemplate }] = await Promise.all([
      import('@aws-sdk/client-secrets-manager'),
      import('aws-sdk-client-mock'),
      import('../../src/lambda/bundle.js'),
    ]);
    // Lambda's runtime provides the SDK the bundle leaves out: here the repository's node_modules does, so the
    // bundle goes into build/ (ignored by git), where Node resolves it, and aws-sdk-client-mock intercepts it.
    await mkdir(join(repoRoot, 'build'), { recursive: true });
    const bundleDir = await mkdtemp(join(repoRoot, 'build', 'sealed-sm-'));
    const bundleFile = join(bundleDir, 'index.mjs');
    await writeFile(bundleFile, (await bundleTemplate('scim-bridge')).code);
    const key = await generateBridgeKeyPair();
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta-m2m/bridge-key-AbCdEf';
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand)
      .rejectsOnce(new Error('Secrets Manager is unreachable'))
      .resolves({ ARN: arn, SecretString: JSON.stringify(key.privateJwk) });
    const bridge = await serveHandler(bundleFile, {
      env: {
        ALLOWED_HOSTS: b.scimHost(),
        ALLOWED_TOKEN_HOSTS: new URL(b.emulator.url).host,
        ALLOW_INSECURE_LOOPBACK: '1',
        BRIDGE_PRIVATE_KEY_SECRET_ID: arn,
        AWS_REGION: 'eu-west-1',
      },
    });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const v2 = await sealBridgeToken(b.credentials(), key.publicJwk);
      const call = async () => (await scimApp(bridge.url, v2).findUser('ada@example.com')).status;
      expect(await call()).toBe(503);
      expect(await call()).toBe(200);
      expect(await call()).toBe(200);
      expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
        { SecretId: arn },
        { SecretId: arn },
      ]);
    } finally {
      log.mockRestore();
      sm.restore();
      await bridge.stop();
      await rm(bundleDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the key hook deploy puts in the function environment opens what encode --seal makes from the state', () => {
  it('a deployed environment, served by the built bundle, proxies a token sealed to the recorded key', async () => {
    const [{ fakeAws }, { deploy }, { readBuiltZip }, { ProjectState }, { readBridgeKeyRecord }, support] =
      await Promise.all([
        import('../support/fake-aws.js'),
        import('../../src/lambda/deploy.js'),
        import('../../src/lambda/build.js'),
        import('../../src/config/state.js'),
        import('../../src/scim/bridge-key-record.js'),
        import('../scim/deploy-support.js'),
      ]);
    const aws = fakeAws();
    const project = await mkdtemp(join(b.dir, 'deployed-'));
    const built = await buildTemplate('scim-bridge', { outDir: join(project, 'build') });
    const state = await ProjectState.load(project);
    try {
      const options = { allowedHosts: [b.scimHost()], allowedTokenHosts: [new URL(b.emulator.url).host] };
      await deploy(support.scimBridgeRequest(await readBuiltZip(built.zipPath), { options }), {
        aws: aws.clients,
        secrets: support.emptyKeychain(),
        state,
        timing: support.FAST_TIMING,
      });
      const deployed = aws.functions.get('okta-m2m-scim-bridge')!;
      // The deployed code and environment; only the loopback switch (which deploy refuses) is added for this machine.
      const bridge = await serveHandler(built.zipPath, {
        env: { ...deployed.config.Environment!.Variables!, ALLOW_INSECURE_LOOPBACK: '1' },
      });
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        const record = (await readBridgeKeyRecord(state, 'default'))!;
        const token = await sealBridgeToken(b.credentials(), record.publicJwk);
        expect((await scimApp(bridge.url, token).findUser('ada@example.com')).status).toBe(200);
      } finally {
        log.mockRestore();
        await bridge.stop();
      }
    } finally {
      aws.restore();
    }
  }, 60_000);
});
