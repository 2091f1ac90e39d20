import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, tempWorkspace, uniqueProfile } from '../support/index.js';
import { secretToolStore } from '../support/index.js';
import { scimTokenEncodeArgs } from '../support/scim-token.js';

const SECRET = 'scim-canary-Secret-9f8e7d';
const TOKEN_URL = 'https://acme.okta.com/oauth2/aus1/v1/token';
let ws: Awaited<ReturnType<typeof tempWorkspace>>;

beforeAll(async () => {
  ws = await tempWorkspace();
});
afterAll(() => ws.cleanup());

/** `scim-token encode` for TOKEN_URL and this client id, then `flags`. */
const encode = (clientId: string, ...flags: string[]) => scimTokenEncodeArgs(TOKEN_URL, clientId, ...flags);

const cli = (args: string[], input = '', env: NodeJS.ProcessEnv = {}) =>
  spawnCli(args, { env: { ...ws.env, ...env }, cwd: ws.dir, input });

describe('okta-m2m scim-token', () => {
  it('encode | decode round-trips with the secret masked', async () => {
    const encoded = await cli(
      encode('0oa1', '--client-secret-stdin', '--scope', 'scim:read', '--scope', 'scim:write'),
      `${SECRET}\n`,
    );
    expect(encoded.code).toBe(0);
    expect(encoded.stdout.trim()).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(encoded.stderr).not.toContain(SECRET);

    const decoded = await cli(['scim-token', 'decode'], encoded.stdout);
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toContain(TOKEN_URL);
    expect(decoded.stdout).toContain('0oa1');
    expect(decoded.stdout).toContain('scim:read scim:write');
    expect(decoded.stdout).toContain('****');
    expect(decoded.stdout + decoded.stderr).not.toContain(SECRET);

    const json = await cli(['--json', 'scim-token', 'decode', encoded.stdout.trim()]);
    expect(JSON.parse(json.stdout)).toEqual({
      tokenUrl: TOKEN_URL,
      clientId: '0oa1',
      clientSecret: expect.stringMatching(/^\*{4}/),
      scope: 'scim:read scim:write',
    });

    const shown = await cli(['scim-token', 'decode', '--show-secret', '-'], encoded.stdout);
    expect(shown.stdout).toContain(SECRET);
  });

  it('prints the SCIM base URL for the Okta app with --bridge-url and --target', async () => {
    const result = await cli(
      [
        '--json',
        ...encode(
          '0oa1',
          '--client-secret-stdin',
          '--bridge-url',
          'https://abc.lambda-url.us-east-1.on.aws/',
          '--target',
          'scim.example.com',
        ),
      ],
      SECRET,
    );
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { token: string; scimBaseUrl: string };
    expect(out.scimBaseUrl).toBe('https://abc.lambda-url.us-east-1.on.aws/scim.example.com/services/scim/v2');
    expect(Buffer.from(out.token, 'base64').toString()).toContain(SECRET);
  });

  it('takes the secret from the keychain entry init stores', async () => {
    const profile = uniqueProfile('scim');
    await secretToolStore(`${profile}/app:0oa-kc`, SECRET);
    const result = await cli(['--profile', profile, ...encode('0oa-kc')]);
    expect(result.code, result.stderr).toBe(0);
    expect(Buffer.from(result.stdout.trim(), 'base64').toString()).toContain(SECRET);
  });

  it('warns that --client-secret lands in shell history', async () => {
    const result = await cli(encode('0oa1', '--client-secret', SECRET));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/shell history/);
    expect(result.stderr).not.toContain(SECRET);
  });

  it('without a secret and without a terminal, fails as a usage error naming the flag', async () => {
    const result = await cli(encode(`0oa-none-${Date.now()}`));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--client-secret-stdin/);
  });

  it.each([
    [scimTokenEncodeArgs('http://acme.okta.com/t', '0oa1', '--client-secret-stdin'), /https/],
    [encode('0oa1', '--client-secret-stdin', '--target', 'x.example.com'), /go together/],
    [['scim-token', 'decode', '%%%'], /not base64/],
    [['scim-token', 'decode', Buffer.from('{"tokenUrl":"https://a.b/t"}').toString('base64')], /no clientId/],
  ])('refuses bad input with exit 2: %j', async (args, message) => {
    const result = await cli(args, SECRET);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(SECRET);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
