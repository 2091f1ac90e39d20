import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clientAssertion, loadSigningKey } from '../../src/oauth/client-auth.js';
import { curlCommand, shellQuote } from '../../src/oauth/curl.js';
import { decodeJwt } from '../../src/oauth/jwt.js';
import { startScriptedServer, json } from '../support/http-server.js';
import { AUDIENCE, type OidcServer } from '../support/oidc-server.js';
import { useOidcServer } from '../support/use-oidc-server.js';

const run = promisify(execFile);
let op: OidcServer;
useOidcServer((started) => (op = started));

/** Runs the printed command in a real shell, the credential in the environment as the note says. */
async function runInShell(command: string, env: Record<string, string>): Promise<unknown> {
  const { stdout } = await run('bash', ['-c', command], { env: { PATH: process.env.PATH ?? '', ...env } });
  return JSON.parse(stdout) as unknown;
}

describe('curlCommand', () => {
  it('shellQuote leaves plain words bare and single-quotes the rest', () => {
    expect(shellQuote('https://a.example/x')).toBe('https://a.example/x');
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(shellQuote('')).toBe("''");
  });

  it('holds no secret, only a variable reference, and says how to set it', () => {
    const { command, note } = curlCommand(
      {
        tokenEndpoint: op.tokenEndpoint,
        clientId: op.clients.basic.clientId,
        scopes: ['orders:read'],
        provider: 'generic',
      },
      'client_secret_basic',
    );
    expect(command).not.toContain(op.clients.basic.clientSecret);
    expect(command).toContain(`-u basic-client:"$CLIENT_SECRET"`);
    expect(note).toMatch(/read -rs CLIENT_SECRET/);
  });

  it('client_secret_basic, client_secret_post and private_key_jwt commands get tokens from oidc-provider when run', async () => {
    const scopes = ['orders:read'];
    const basic = curlCommand(
      {
        tokenEndpoint: op.tokenEndpoint,
        clientId: op.clients.basic.clientId,
        scopes,
        audience: AUDIENCE,
        provider: 'generic',
      },
      'client_secret_basic',
    );
    const post = curlCommand(
      { tokenEndpoint: op.tokenEndpoint, clientId: op.clients.post.clientId, scopes, provider: 'generic' },
      'client_secret_post',
    );
    const jwt = curlCommand(
      {
        tokenEndpoint: op.tokenEndpoint,
        clientId: op.clients.rsa.clientId,
        scopes,
        extraParams: { note: "it's a test" },
        provider: 'generic',
      },
      'private_key_jwt',
    );
    const assertion = await clientAssertion({
      clientId: op.clients.rsa.clientId,
      tokenEndpoint: op.tokenEndpoint,
      key: loadSigningKey(op.clients.rsa.privateKeyPem, 'rsa-1'),
    });
    const results = [
      await runInShell(basic.command, { CLIENT_SECRET: op.clients.basic.clientSecret }),
      await runInShell(post.command, { CLIENT_SECRET: op.clients.post.clientSecret }),
      await runInShell(jwt.command, { CLIENT_ASSERTION: assertion }),
    ] as Array<{ access_token: string; scope: string }>;
    expect(results.map((r) => decodeJwt(r.access_token).claims.client_id)).toEqual([
      op.clients.basic.clientId,
      op.clients.post.clientId,
      op.clients.rsa.clientId,
    ]);
    expect(results.every((r) => r.scope === 'orders:read')).toBe(true);
  });

  it('auth0: a JSON body whose secret comes from the variable', async () => {
    const server = await startScriptedServer((_req, res) =>
      json(res, 200, { access_token: 'opaque-x', token_type: 'Bearer' }),
    );
    try {
      const { command } = curlCommand(
        {
          tokenEndpoint: `${server.url}/oauth/token`,
          clientId: 'abc',
          audience: "https://api/it's",
          scopes: ['read:x'],
          provider: 'auth0',
        },
        'client_secret_post',
      );
      await runInShell(command, { CLIENT_SECRET: 'shh-secret-value' });
      expect(server.requests[0]?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
        grant_type: 'client_credentials',
        scope: 'read:x',
        audience: "https://api/it's",
        client_id: 'abc',
        client_secret: 'shh-secret-value',
      });
    } finally {
      await server.close();
    }
  });
});
