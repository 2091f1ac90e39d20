/** The global --timeout flag reaches THE HTTP core: a request that gets no answer fails after it, clearly. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../support/index.js';
import { useSilentServer } from '../support/silent-server.js';
import { useTempDir } from '../support/temp-dir.js';

let url: string;
let dir: string;
useSilentServer((origin) => (url = `${origin}/token`));
useTempDir('okta-m2m-timeout-', (made) => (dir = made), 'all');

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
