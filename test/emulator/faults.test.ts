import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulator/core/faults.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import {
  api,
  basicAuth,
  expectOktaError,
  frozenDate,
  serviceApp,
  settlesAfter,
  tokenRequest,
} from '../support/index.js';
import { provisionClientCredentials } from '../../src/emulator/okta/index.js';

let emulator: EmulatorHandle;

beforeAll(async () => {
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  emulator = await startEmulator({ port: 0, rateLimits: 'off', seed: 42 });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequestLog();
});

const countApps = async (label: string) =>
  (await api(emulator, 'GET', `/api/v1/apps?q=${label}`)).body.filter((a: any) => a.label === label).length;

describe('fault injection', () => {
  it('faults exactly the scheduled management request: 429 then success', async () => {
    emulator.setFaults({ faultSchedule: { 2: '429' } });
    expect((await api(emulator, 'GET', '/api/v1/apps')).status).toBe(200);
    const clock = frozenDate();
    const limited = await api(emulator, 'GET', '/api/v1/apps').finally(clock.restore);
    expectOktaError(limited, 429, 'E0000047');
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    // The window resets one second from now (epoch seconds).
    expect(Number(limited.headers.get('x-rate-limit-reset'))).toBe(clock.now / 1000 + 1);
    expect((await api(emulator, 'GET', '/api/v1/apps')).status).toBe(200);
    expect(emulator.requestLog.map((e) => e.status)).toEqual([200, 429, 200]);
  });

  it('returns 500 with an Okta error body', async () => {
    emulator.setFaults({ faultSchedule: { 1: '500' } });
    const res = await api(emulator, 'GET', '/api/v1/apps');
    expectOktaError(res, 500, 'E0000009');
  });

  it('drops the connection before the write: nothing is created', async () => {
    emulator.setFaults({ faultSchedule: { 1: 'drop-before' } });
    await expect(api(emulator, 'POST', '/api/v1/apps', serviceApp('dropped-before'))).rejects.toThrow();
    expect(await countApps('dropped-before')).toBe(0);
    expect(emulator.requestLog[0]).toMatchObject({ method: 'POST', status: 0, fault: 'drop-before' });
  });

  it('drops the connection after the write: the app exists though the response was lost', async () => {
    emulator.setFaults({ faultSchedule: { 1: 'drop-after' } });
    await expect(api(emulator, 'POST', '/api/v1/apps', serviceApp('dropped-after'))).rejects.toThrow();
    expect(await countApps('dropped-after')).toBe(1);
    expect(emulator.requestLog[0]).toMatchObject({ status: 0, fault: 'drop-after' });
  });

  it('is steerable over HTTP from another process', async () => {
    const set = await fetch(`${emulator.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faultSchedule: { 1: '500' } }),
    });
    expect(((await set.json()) as any).faultSchedule).toEqual({ 1: '500' });
    expect((await api(emulator, 'GET', '/api/v1/apps')).status).toBe(500);
    expect((await api(emulator, 'GET', '/api/v1/apps')).status).toBe(200);
    const state: any = await fetch(`${emulator.url}/__emulator/faults`).then((r) => r.json());
    expect(state.managementRequestCount).toBe(2);
  });

  it('leaves the token endpoint alone unless asked', async () => {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken);
    emulator.setFaults({ faultRate: 1, faultKinds: ['500'] });
    const auth = { Authorization: basicAuth(f.clientId, f.clientSecret!) };
    expect((await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: f.scope }, auth)).status).toBe(
      200,
    );
    expect((await api(emulator, 'GET', '/api/v1/apps')).status).toBe(500);
    emulator.setFaults({ includeOAuth: true });
    expect((await tokenRequest(f.tokenUrl, { grant_type: 'client_credentials', scope: f.scope }, auth)).status).toBe(
      500,
    );
  });

  it('adds latency to management calls', async () => {
    emulator.setFaults({ latencyMs: 150 });
    const { value, timerFiredFirst } = await settlesAfter(api(emulator, 'GET', '/api/v1/apps'), 140);
    expect(value.status).toBe(200);
    // A 140 ms timer started with the request fired before the answer came.
    expect(timerFiredFirst).toBe(true);
  });

  it('makes the same random decisions for the same seed, with drops both before and after writes', () => {
    const run = (seed: number) => {
      const faults = new FaultInjector(seed, { faultRate: 0.5 });
      return Array.from({ length: 200 }, () => faults.decide(true));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    const decisions = run(7);
    const kinds = new Set(decisions.map((d) => (d.kind === 'drop' ? `drop-${d.when}` : d.kind)));
    expect(kinds).toEqual(new Set(['none', '429', '500', 'drop-before', 'drop-after']));
    const faulted = decisions.filter((d) => d.kind !== 'none').length;
    expect(faulted).toBeGreaterThan(60);
    expect(faulted).toBeLessThan(140);
  });
});

describe('rate limits', () => {
  it('counts per endpoint bucket and answers 429 E0000047 when spent', async () => {
    const lines: string[] = [];
    // 6 per minute for the org; the admin token's share is half of it (Okta's default 50 % per caller).
    const limited = await startEmulator({ port: 0, rateLimitPerMinute: 6, log: (line) => lines.push(line) });
    try {
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++)
        remaining.push((await api(limited, 'GET', '/api/v1/apps')).headers.get('x-rate-limit-remaining')!);
      expect(remaining).toEqual(['2', '1', '0']);
      const over = await api(limited, 'GET', '/api/v1/apps');
      expectOktaError(over, 429, 'E0000047');
      expect(over.headers.get('x-rate-limit-limit')).toBe('3');
      // Another endpoint has its own bucket.
      expect((await api(limited, 'GET', '/api/v1/authorizationServers')).status).toBe(200);
      expect((await api(limited, 'GET', '/api/v1/apps/0oa00000000000000000')).status).toBe(404);
      expect(lines).toContain(`emulator: Okta org emulator listening on ${limited.url}`);
      expect(lines.some((l) => /^GET \/api\/v1\/apps 429 \d+ms$/.test(l))).toBe(true);
      expect(lines.join('\n')).not.toContain(limited.adminToken);
    } finally {
      await limited.stop();
    }
  });
});
