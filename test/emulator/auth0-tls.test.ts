import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Agent, request } from 'node:https';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';
import { startAuth0Emulator } from '../../src/emulator/auth0/index.js';
import { managementCredentials } from '../support/auth0-requests.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./auth0-sdk-child.mjs', import.meta.url));

describe('auth0 emulator: https mode', () => {
  it('serves a self-signed certificate for 127.0.0.1 and the unmodified SDK works with NODE_EXTRA_CA_CERTS', async () => {
    const emu = await startAuth0Emulator({ tls: true, seedData: { roles: [{ name: 'tls-role', users: 2 }] } });
    const certPath = emu.caCertPath!;
    try {
      expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(emu.issuer).toBe(`https://${emu.domain}/`);
      expect(emu.managementAudience).toBe(`https://${emu.domain}/api/v2/`); // what the SDK assumes
      const cert = new X509Certificate(emu.caCertPem!);
      expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(cert.checkHost('localhost')).toBe('localhost');
      expect(cert.verify(cert.publicKey)).toBe(true);

      // this process does not trust it
      await expect(fetch(emu.jwksUri)).rejects.toThrow();

      const { stdout } = await run(process.execPath, [child], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: certPath,
          AUTH0_DOMAIN: emu.domain,
          AUTH0_CLIENT_ID: emu.managementClientId,
          AUTH0_CLIENT_SECRET: emu.managementClientSecret,
        },
        timeout: 20_000,
      });
      expect(JSON.parse(stdout)).toEqual({ rs: 'urn:child', clients: 1, roles: ['tls-role'], tokenType: 'Bearer' });
      expect(emu.requestLog.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
        'POST /oauth/token 200',
        'POST /api/v2/resource-servers 201',
        'GET /api/v2/clients?page=0&per_page=50&include_totals=true 200',
        'GET /api/v2/roles?per_page=50&page=0&include_totals=true 200',
        'POST /oauth/token 200',
      ]);
    } finally {
      await emu.stop();
    }
    expect(existsSync(certPath)).toBe(false);
  });

  it('tokens from https mode verify with jose against the JWKS fetched over a trusted connection', async () => {
    const emu = await startAuth0Emulator({ tls: true });
    try {
      const agent = new Agent({ ca: emu.caCertPem });
      const get = (path: string, method = 'GET', body?: string) =>
        new Promise<string>((resolve, reject) => {
          const req = request(
            `${emu.url}${path}`,
            { method, agent, headers: body ? { 'content-type': 'application/json' } : {} },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => resolve(text));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      const tok = JSON.parse(await get('/oauth/token', 'POST', JSON.stringify(managementCredentials(emu)))) as {
        access_token: string;
      };
      const jwks = JSON.parse(await get('/.well-known/jwks.json')) as JSONWebKeySet;
      const { payload } = await jwtVerify(tok.access_token, createLocalJWKSet(jwks), {
        issuer: emu.issuer,
        audience: emu.managementAudience,
      });
      expect(payload.sub).toBe(`${emu.managementClientId}@clients`);
    } finally {
      await emu.stop();
    }
  });
});
