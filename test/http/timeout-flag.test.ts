/** The global --timeout flag reaches THE HTTP core: a request that gets no answer fails after it, clearly. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../support/index.js';

let silent: Server;
let url: string;
let dir: string;
beforeAll(async () => {
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/token`;
  dir = await mkdtemp(join(tmpdir(), 'okta-m2m-timeout-'));
});
afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ PATH: process.env.PATH, OKTA_M2M_CONFIG_DIR: join(dir, 'config'), NO_COLOR: '1' });

describe('--timeout <seconds>', () => {
  it('bounds each remote request: token get against a server that never answers', async () => {
    const result = await runInProcess(
      [
        '--timeout',
        '0.3',
        'token',
        'get',
        '--token-url',
        url,
        '--client-id',
        'c1',
        '--client-secret-stdin',
        '--no-cache',
      ],
      env(),
      dir,
      'a-client-secret-value',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Cannot reach 127\.0\.0\.1:\d+ for a token: no answer in time/);
    expect(result.stderr).not.toContain('a-client-secret-value');
  });

  it('refuses what is not a number of seconds, as a usage error', async () => {
    for (const bad of ['abc', '0', '-1', '0x1e', '1e3', 'Infinity', '3601']) {
      const result = await runInProcess(['--timeout', bad, 'token', 'get', '--token-url', url], env(), dir);
      expect(result.code, bad).toBe(2);
      expect(result.stderr).toMatch(/--timeout/);
    }
  });
});
