import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../../src/oauth/jwt.js';
import { json, startScriptedServer } from '../support/http-server.js';
import { AUDIENCE, startOidcServer, type OidcServer } from '../support/oidc-server.js';
import { runCliInProcess, tempDir, tokenGetArgs, tokenUrlArgs } from '../support/index.js';

let op: OidcServer;
let token: string;
let secrets: string[];

beforeAll(async () => {
  op = await startOidcServer();
  secrets = [op.clients.basic.clientSecret, op.clients.post.clientSecret];
  const result = await get(['--scope', 'orders:read']);
  expect(result.code).toBe(0);
  token = result.stdout.trim();
});
afterAll(async () => {
  await op?.close();
});

/** `token get` for the basic client by discovery, without the keychain (secret from the environment, no cache). */
function get(args: string[], options: Parameters<typeof runCliInProcess>[1] = {}) {
  return runCliInProcess(tokenGetArgs(op.issuer, op.clients.basic.clientId, '--no-cache', ...args), {
    ...options,
    env: { OKTA_M2M_CLIENT_SECRET: op.clients.basic.clientSecret, ...options.env },
  });
}

function expectNoSecret(...outputs: string[]) {
  for (const output of outputs) for (const secret of secrets) expect(output).not.toContain(secret);
}

describe('token get', () => {
  it('prints the access token alone when stdout is not a terminal', async () => {
    const result = await get(['--scope', 'orders:read,orders:write']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(result.stderr).toBe('');
    const claims = decodeJwt(result.stdout).claims;
    expect(claims).toMatchObject({
      iss: op.issuer,
      aud: AUDIENCE,
      client_id: op.clients.basic.clientId,
      scope: 'orders:read orders:write',
    });
    expectNoSecret(result.stdout, result.stderr);
  });

  it('on a terminal: a summary without the token; --raw: the token', async () => {
    const summary = await get(['--scope', 'orders:read'], { stdoutIsTTY: true });
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/^Bearer token, JWT signed with RS256\n/);
    expect(summary.stdout).toMatch(/expires: +in 5 min/);
    expect(summary.stdout).toMatch(/scopes: +orders:read/);
    expect(summary.stdout).toMatch(/from cache: +no/);
    expect(summary.stdout).toContain(`iss:`);
    expect(summary.stdout).toContain(op.issuer);
    expect(summary.stdout).toMatch(/exp: +\d{4}-\d\d-\d\dT[\d:.]+Z \(expires in 5 min\)/);
    expect(summary.stdout).not.toMatch(/eyJ/);
    expect(summary.stderr).toMatch(/--raw/);
    const raw = await get(['--scope', 'orders:read', '--raw'], { stdoutIsTTY: true });
    expect(raw.stdout).toMatch(/^eyJ[\w.-]+\n$/);
    expectNoSecret(summary.stdout, summary.stderr, raw.stdout, raw.stderr);
  });

  it('--json prints the token response', async () => {
    const result = await runCliInProcess(
      ['--json', ...tokenGetArgs(op.issuer, op.clients.basic.clientId, '--scope', 'orders:read', '--no-cache')],
      {
        env: { OKTA_M2M_CLIENT_SECRET: op.clients.basic.clientSecret },
      },
    );
    expect(result.code).toBe(0);
    const response = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(response).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'orders:read' });
    expect(response.access_token).toMatch(/^eyJ/);
    expectNoSecret(result.stdout, result.stderr);
  });

  it('client_secret_post with the secret on stdin; private_key_jwt with PEM and JWK files and from the environment', async () => {
    const post = await runCliInProcess(
      tokenUrlArgs(
        op.tokenEndpoint,
        op.clients.post.clientId,
        '--auth-method',
        'client_secret_post',
        '--client-secret-stdin',
        '--no-cache',
      ),
      { stdin: `${op.clients.post.clientSecret}\n` },
    );
    expect(post.code).toBe(0);
    expect(decodeJwt(post.stdout).claims.client_id).toBe(op.clients.post.clientId);

    const dir = await tempDir();
    await writeFile(join(dir, 'key.pem'), op.clients.rsa.privateKeyPem);
    await writeFile(join(dir, 'key.json'), op.clients.rsa.privateJwk);
    const base = tokenGetArgs(op.issuer, op.clients.rsa.clientId, '--no-cache');
    const pem = await runCliInProcess([...base, '--private-key-file', 'key.pem', '--key-id', 'rsa-1'], { cwd: dir });
    const jwk = await runCliInProcess([...base, '--private-key-file', 'key.json'], { cwd: dir });
    const env = await runCliInProcess(
      [...base, '--auth-method', 'private_key_jwt', '--key-id', 'ec-1', '--client-id', op.clients.ec.clientId],
      {
        env: { OKTA_M2M_CLIENT_PRIVATE_KEY: op.clients.ec.privateKeyPem },
      },
    );
    for (const result of [pem, jwk, env]) expect(result.code, result.stderr).toBe(0);
    expect(decodeJwt(env.stdout).claims.client_id).toBe(op.clients.ec.clientId);
    for (const result of [pem, jwk, env]) expect(result.stdout + result.stderr).not.toMatch(/PRIVATE KEY|"d":/);
  });

  it('a bare `token get` uses what init recorded in the project state', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '.okta-m2m'));
    const okta = {
      orgUrl: op.url,
      appId: 'app-1',
      clientId: op.clients.basic.clientId,
      authMethod: 'client_secret_basic',
      authServerId: 'aus-test',
      issuer: op.issuer,
      tokenEndpoint: op.tokenEndpoint,
      audience: AUDIENCE,
      scopes: ['orders:read', 'orders:write'],
    };
    await writeFile(
      join(dir, '.okta-m2m', 'state.json'),
      JSON.stringify({ version: 1, profiles: { default: { okta } } }),
    );
    const result = await runCliInProcess(['token', 'get', '--no-cache'], {
      cwd: dir,
      env: { OKTA_M2M_CLIENT_SECRET: op.clients.basic.clientSecret },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(decodeJwt(result.stdout).claims).toMatchObject({ aud: AUDIENCE, scope: 'orders:read orders:write' });
    const narrowed = await runCliInProcess(['token', 'get', '--no-cache', '--scope', 'orders:write'], {
      cwd: dir,
      env: { OKTA_M2M_CLIENT_SECRET: op.clients.basic.clientSecret },
    });
    expect(decodeJwt(narrowed.stdout).claims.scope).toBe('orders:write');
  });

  it('a wrong secret: exit 1, the server words and the hint, no secret anywhere', async () => {
    const result = await get(['--scope', 'orders:read'], { env: { OKTA_M2M_CLIENT_SECRET: 'not-the-right-secret' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^error: The token request was refused: invalid_client \(.+\)\.\nhint: Usually a wrong client secret/,
    );
    expect(result.stderr).not.toContain('not-the-right-secret');
    expectNoSecret(result.stderr);
  });

  it('a scope the client may not have: exit 1 with invalid_scope', async () => {
    const result = await get(['--scope', 'orders:admin']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid_scope/);
    expect(result.stderr).toMatch(/hint: The scope is not defined/);
  });

  it('--curl prints the command (no secret) and requests nothing', async () => {
    const server = await startScriptedServer((_req, res) => json(res, 500, {}));
    try {
      const result = await runCliInProcess(
        tokenUrlArgs(`${server.url}/token`, 'c1', '--scope', 'a', '--curl', '--auth-method', 'client_secret_post'),
        {
          env: { OKTA_M2M_CLIENT_SECRET: 'secret-in-env-value' },
        },
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        `curl --fail-with-body -sS -X POST ${server.url}/token -H 'accept: application/json' --data-urlencode grant_type=client_credentials --data-urlencode scope=a --data-urlencode client_id=c1 --data-urlencode client_secret="$CLIENT_SECRET"\n`,
      );
      expect(result.stderr).toMatch(/read -rs CLIENT_SECRET/);
      expect(result.stdout + result.stderr).not.toContain('secret-in-env-value');
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('wrong input is a usage error (exit 2) with a hint', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--param', 'novalue'], /--param "novalue" is not name=value/],
      [['--param', 'client_secret=x'], /--param cannot set client_secret/],
      [['--auth-method', 'magic'], /"magic" is not a client authentication method/],
      [['--provider', 'keycloak'], /"keycloak" is not a provider/],
      [['--private-key-file', 'missing.pem'], /Cannot read the key file \S*missing.pem: ENOENT/],
    ];
    for (const [args, message] of cases) {
      const result = await get(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/\nhint: /);
    }
    const noClient = await runCliInProcess(['token', 'get', '--no-cache']);
    expect(noClient.code).toBe(2);
    expect(noClient.stderr).toMatch(/No client id/);
  });

  it('no secret or key anywhere: the error names the variable to set (a usage error, or exit 1 without a keychain)', async () => {
    const noSecret = await runCliInProcess(['token', 'get', '--issuer', op.issuer, '--client-id', 'x', '--no-cache']);
    const noKey = await runCliInProcess(
      ['token', 'get', '--issuer', op.issuer, '--client-id', 'x', '--no-cache', '--auth-method', 'private_key_jwt'],
      {
        env: { OKTA_M2M_CLIENT_SECRET: 'a-secret-that-does-not-help' },
      },
    );
    for (const [result, variable] of [
      [noSecret, 'OKTA_M2M_CLIENT_SECRET'],
      [noKey, 'OKTA_M2M_CLIENT_PRIVATE_KEY'],
    ] as const) {
      expect([1, 2]).toContain(result.code);
      expect(result.stderr).toMatch(
        /^error: (No client secret for x|No private key for x|The OS keychain cannot be reached)/,
      );
      expect(result.stderr).toMatch(new RegExp(`\\nhint: .*${variable}`));
    }
  });
});

describe('token decode', () => {
  it('shows header and claims, times as ISO dates and relative, and says the signature was not checked', async () => {
    for (const run of [
      () => runCliInProcess(['token', 'decode', token]),
      () => runCliInProcess(['token', 'decode', '-'], { stdin: `${token}\n` }),
      () => runCliInProcess(['token', 'decode'], { stdin: token, stdinIsTTY: false }),
    ]) {
      const result = await run();
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Header\nalg: +RS256\n/);
      expect(result.stdout).toMatch(/\n\nClaims\n/);
      expect(result.stdout).toMatch(/exp: +\d{4}-\d\d-\d\dT[\d:.]+Z \(expires in 5 min\)/);
      expect(result.stdout).toMatch(/iat: +\d{4}-\d\d-\d\dT[\d:.]+Z \(\d+ s ago\)/);
      expect(result.stdout).toMatch(/aud: +api:\/\/orders/);
      expect(result.stderr).toMatch(/signature was not checked/);
    }
  });

  it('--json: header, claims and signatureVerified false', async () => {
    const result = await runCliInProcess(['--json', 'token', 'decode', token]);
    const parsed = JSON.parse(result.stdout) as {
      header: unknown;
      claims: Record<string, unknown>;
      signatureVerified: boolean;
    };
    expect(parsed.signatureVerified).toBe(false);
    expect(parsed.claims.iss).toBe(op.issuer);
  });

  it('garbage, nothing, or a terminal for stdin: usage error, one line and a hint', async () => {
    for (const result of [
      await runCliInProcess(['token', 'decode', 'not-a-token']),
      await runCliInProcess(['token', 'decode', 'a.b.c']),
      await runCliInProcess(['token', 'decode']),
      await runCliInProcess(['token', 'decode', '-'], { stdin: '', stdinIsTTY: false }),
    ]) {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^error: [^\n]+\nhint: [^\n]+\n$/);
    }
  });

  it('shows terminal escapes in claims escaped, never raw', async () => {
    const seg = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const hostile = `${seg({ alg: 'none' })}.${seg({ sub: '\u001b[2J\u001b]0;pwned\u0007', exp: 1e20 })}.`;
    const result = await runCliInProcess(['token', 'decode', hostile]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).toContain('\\u001b[2J');
    expect(result.stdout).toMatch(/exp: +100000000000000000000\n/);
  });
});

describe('token verify', () => {
  /** `token verify <token> --issuer <the issuer>`, then `flags`. */
  const verify = (...flags: string[]) => runCliInProcess(['token', 'verify', token, '--issuer', op.issuer, ...flags]);

  it('exit 0 for a valid token, with what was checked', async () => {
    const result = await verify('--audience', AUDIENCE, '--scope', 'orders:read');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^valid: signature, issuer .*, audience api:\/\/orders, times and scopes check out/);
  });

  it('exit 1 with the reason for an invalid one (JSON on stdout with --json)', async () => {
    const wrongAudience = await verify('--audience', 'api://other');
    expect(wrongAudience.code).toBe(1);
    expect(wrongAudience.stderr).toMatch(
      /^error: The token is not valid: its audience is "api:\/\/orders", not "api:\/\/other"\./,
    );
    const missingScope = await runCliInProcess(
      ['--json', 'token', 'verify', '-', '--issuer', op.issuer, '--scope', 'orders:write'],
      { stdin: token },
    );
    expect(missingScope.code).toBe(1);
    expect(JSON.parse(missingScope.stdout)).toMatchObject({
      valid: false,
      reason: 'it lacks the scope orders:write (it has: orders:read)',
    });
  });

  it('usage errors: no issuer, a bad tolerance, not a JWT', async () => {
    expect((await runCliInProcess(['token', 'verify', token])).stderr).toMatch(/No issuer to verify against/);
    expect((await verify('--clock-tolerance', 'x')).code).toBe(2);
    expect((await runCliInProcess(['token', 'verify', 'opaque', '--issuer', op.issuer])).code).toBe(2);
  });
});
