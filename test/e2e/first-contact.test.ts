/**
 * Issue 19, first contact: `login` against servers that are not what they seem, over real HTTP on loopback. A server
 * that accepts the connection and never answers (19.2), and one that answers HTML to everything (19.3).
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeWithKeychain,
  login,
  requireBuilt,
  useOktaEmulator,
  workspace,
  type Workspace,
} from '../support/index.js';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';

const TOKEN = 'first-contact-api-token-0123456789abcdef';

function listen(server: Server | TcpServer): Promise<string> {
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

describe('login on first contact', () => {
  let ws: Workspace;
  const sockets: Socket[] = [];
  const silent = createTcpServer((socket) => sockets.push(socket));
  const seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const html = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Welcome</body></html>');
    });
  });
  let silentUrl: string;
  let htmlUrl: string;

  beforeAll(async () => {
    requireBuilt();
    ws = await workspace();
    silentUrl = await listen(silent);
    htmlUrl = await listen(html);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => silent.close(done));
    await new Promise((done) => html.close(done));
    await ws.cleanup();
  });

  it('19.2: a server that never answers fails after --timeout with a clear error', async () => {
    const result = await ws.run(['--timeout', '0.3', 'login', '--org-url', silentUrl, '--api-token-stdin'], {
      input: TOKEN,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Cannot reach 127\.0\.0\.1:\d+ for .*no answer in time/);
    expect(result.stderr).toMatch(/--timeout/);
    expect(result.stderr).not.toContain(TOKEN);
    expect(sockets.length).toBeGreaterThan(0);
  });

  it('19.3: a server answering HTML is not an Okta org: a clear error, and it receives no credential', async () => {
    const result = await ws.run(['login', '--org-url', htmlUrl, '--api-token-stdin'], { input: TOKEN });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('does not answer as an Okta org');
    expect(result.stderr).toContain('no credential was sent');
    expect(seen.map((r) => r.url)).toEqual(['/.well-known/okta-organization']);
    for (const request of seen) {
      expect(request.headers.authorization).toBeUndefined();
      expect(JSON.stringify(request)).not.toContain(TOKEN);
    }
    // Nothing was saved: no profile file names that server.
    const profiles = await ws.run(['profiles', 'list', '--json']);
    expect(profiles.stdout).not.toContain(htmlUrl);
  });

  it('19.3: the same server with OAuth receives no client assertion either', async () => {
    seen.length = 0;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(ws.dir, 'key.pem');
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const result = await ws.run([
      'login',
      '--oauth',
      '--org-url',
      htmlUrl,
      '--client-id',
      '0oafirstcontact',
      '--private-key-file',
      keyFile,
    ]);
    expect(result.stderr).toContain('does not answer as an Okta org');
    expect(result.code).toBe(2);
    expect(seen.map((r) => r.url)).toEqual(['/.well-known/okta-organization']);
  });

  describeWithKeychain('against the emulator', () => {
    let emu: EmulatorHandle;
    useOktaEmulator((started) => (emu = started));

    it('19.3: an Okta org (the emulator serves /.well-known/okta-organization) is accepted', async () => {
      const result = await login(ws, emu);
      expect(result.stderr).toContain('logged in');
      expect(result.code).toBe(0);
    });
  });
});
