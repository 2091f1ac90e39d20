/** Issue 19.12's smaller points, each over real HTTP or with the built CLI as a user runs it. */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliPath,
  describeWithKeychain,
  requireBuilt,
  useOktaEmulator,
  workspace,
  type Workspace,
} from '../support/index.js';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';

describe('first contact, smaller points', () => {
  let ws: Workspace;
  beforeAll(async () => {
    requireBuilt();
    ws = await workspace();
  });
  afterAll(async () => ws.cleanup());

  it('a busy emulator port is a clear usage error, not a raw EADDRINUSE', async () => {
    const busy: Server = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const port = (busy.address() as AddressInfo).port;
    try {
      const result = await ws.run(['emulator', 'start', '--port', String(port)], { timeoutMs: 20_000 });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Port ${port} is already in use`);
      expect(result.stderr).toContain('--port 0');
      expect(result.stderr).not.toContain('EADDRINUSE');
    } finally {
      await new Promise((done) => busy.close(done));
    }
  });

  it('emulator start suggests a login that works on a terminal (the prompt), and one for scripts', async () => {
    const child = spawn(process.execPath, [cliPath, 'emulator', 'start', '--port', '0'], {
      cwd: ws.dir,
      env: ws.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((done, fail) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (stderr.includes('emulator running')) done();
      });
      child.on('close', (code) => fail(new Error(`emulator start exited ${code}: ${stderr}`)));
    });
    child.kill('SIGINT');
    const terminalLine = stderr.split('\n').find((line) => line.startsWith('Connect with:')) ?? '';
    expect(terminalLine).toMatch(/^Connect with: okta-m2m login --org-url http:\/\/127\.0\.0\.1:\d+ /);
    // --api-token-stdin refuses a terminal, so the line for a terminal must not use it.
    expect(terminalLine).not.toContain('--api-token-stdin');
    expect(stderr).toMatch(/In a script: +okta-m2m login --org-url \S+ --api-token-stdin < token\.txt/);
  });

  it('--scope "orders read" is refused (a scope has no spaces) instead of becoming two scopes', async () => {
    for (const init of [['init'], ['auth0', 'init']]) {
      const result = await ws.run([
        ...init,
        '--name',
        'spaced',
        '--audience',
        'api://spaced',
        '--scope',
        'orders read',
        '--dry-run',
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('"orders read" has a space in it');
    }
  });

  it("commander's own errors are neutralised: an unknown option with terminal escapes reaches stderr inert", async () => {
    const hostile = '--x\u001b]52;c;aGVsbG8=\u0007\u001b[2J';
    const result = await ws.run(['init', hostile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown option');
    // eslint-disable-next-line no-control-regex -- asserts that no control character (terminal escape) got through
    expect(result.stderr).not.toMatch(/[\u0007\u001b]/);
    expect(result.stderr).toContain('\\u001b]52');
  });

  describeWithKeychain('against the emulator', () => {
    let emu: EmulatorHandle;
    useOktaEmulator((started) => (emu = started));

    it('a bad $OKTA_M2M_API_TOKEN gets a hint naming the variable', async () => {
      const result = await ws.run(['login', '--org-url', emu.url], {
        env: { OKTA_M2M_API_TOKEN: 'not-a-real-token-000000000000' },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('$OKTA_M2M_API_TOKEN');
      expect(result.stderr).not.toContain('not-a-real-token-000000000000');
    });
  });
});
