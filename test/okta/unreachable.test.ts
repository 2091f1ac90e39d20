import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, tempWorkspace } from '../support/index.js';

/** A port nothing listens on: a dead org or emulator. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('an Okta org that refuses connections', () => {
  let ws: Awaited<ReturnType<typeof tempWorkspace>>;
  let orgUrl: string;

  beforeAll(async () => {
    ws = await tempWorkspace();
    orgUrl = `http://127.0.0.1:${await closedPort()}`;
    await mkdir(join(ws.dir, 'config'), { recursive: true });
    await writeFile(
      join(ws.dir, 'config', 'profiles.json'),
      JSON.stringify({ version: 1, current: 'default', profiles: { default: { orgUrl, authMode: 'ssws' } } }),
    );
  });
  afterAll(async () => ws?.cleanup());

  it('is reported promptly: each request is retried at most twice, quickly, then "could not reach"', async () => {
    const result = await spawnCli(['--debug', 'init', '--name', 'x', '--scope', 'x:read', '--dry-run'], {
      env: { ...ws.env, OKTA_M2M_API_TOKEN: '00unreachable-org-token-0000' },
      cwd: ws.dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^error: Could not reach Okta to .*ECONNREFUSED 127\\.0\\.0\\.1:${orgUrl.split(':')[2]}`, 'm'),
    );
    const retries = [
      ...result.stderr.matchAll(/^debug: retry (\d+) of (\w+ \S+) after connection, waiting (\d+) ms$/gm),
    ];
    expect(retries.length).toBeGreaterThan(0);
    const waited = new Map<string, number>();
    for (const [, attempt, request, ms] of retries) {
      expect(Number(attempt)).toBeLessThanOrEqual(2);
      waited.set(request!, (waited.get(request!) ?? 0) + Number(ms));
    }
    for (const total of waited.values()) expect(total).toBeLessThanOrEqual(300);
  });
});
