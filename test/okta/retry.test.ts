import { describe, expect, it } from 'vitest';
import { RetryingExecutor, isSafeToRepeat, rateLimitDelayMs, type ExecutorRequest, type ExecutorResponse } from '../../src/okta/retry.js';

function response(status: number, headers: Record<string, string> = {}): ExecutorResponse {
  const map = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, headers: { get: (n: string) => map.get(n.toLowerCase()) ?? null }, text: async () => '' };
}

function scripted(outcomes: Array<ExecutorResponse | Error>) {
  const calls: ExecutorRequest[] = [];
  const transport = async (request: ExecutorRequest) => {
    calls.push(request);
    const next = outcomes.shift();
    if (!next) throw new Error('no more outcomes');
    if (next instanceof Error) throw next;
    return next;
  };
  return { calls, transport };
}

const reset = (err: string) => Object.assign(new Error(err), { code: 'ECONNRESET', name: 'FetchError' });
const noSleep = { sleep: async () => undefined, random: () => 0 };

describe('RetryingExecutor', () => {
  it('waits for X-Rate-Limit-Reset on 429 and retries any method', async () => {
    const now = 1_700_000_000_000;
    const waits: number[] = [];
    const { calls, transport } = scripted([response(429, { 'x-rate-limit-reset': String(now / 1000 + 2) }), response(201)]);
    const executor = new RetryingExecutor(transport, { now: () => now, random: () => 0, sleep: async (ms) => void waits.push(ms) });
    const result = await executor.fetch({ url: 'https://o/api/v1/apps', method: 'POST' });
    expect(result.status).toBe(201);
    expect(calls).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[0]).toBeLessThan(2600);
  });

  it('gives up on a reset too far away', async () => {
    const now = 1_700_000_000_000;
    const { calls, transport } = scripted([response(429, { 'x-rate-limit-reset': String(now / 1000 + 3600) })]);
    const executor = new RetryingExecutor(transport, { ...noSleep, now: () => now });
    expect((await executor.fetch({ url: 'https://o/api/v1/apps' })).status).toBe(429);
    expect(calls).toHaveLength(1);
  });

  it('retries 5xx and dropped connections for safe calls only', async () => {
    const safe = scripted([response(500), reset('socket hang up'), response(200)]);
    expect((await new RetryingExecutor(safe.transport, noSleep).fetch({ url: 'https://o/api/v1/apps/1', method: 'PUT' })).status).toBe(200);
    expect(safe.calls).toHaveLength(3);

    const create = scripted([response(502)]);
    expect((await new RetryingExecutor(create.transport, noSleep).fetch({ url: 'https://o/api/v1/apps', method: 'post' })).status).toBe(502);
    expect(create.calls).toHaveLength(1);

    const dropped = scripted([reset('socket hang up')]);
    await expect(new RetryingExecutor(dropped.transport, noSleep).fetch({ url: 'https://o/api/v1/apps', method: 'POST' })).rejects.toThrow(/hang up/);
    expect(dropped.calls).toHaveLength(1);
  });

  it('stops after maxRetries', async () => {
    const { calls, transport } = scripted([response(503), response(503), response(503)]);
    const result = await new RetryingExecutor(transport, { ...noSleep, maxRetries: 2 }).fetch({ url: 'https://o/x' });
    expect(result.status).toBe(503);
    expect(calls).toHaveLength(3);
  });

  it('knows which calls are safe to repeat', () => {
    expect(isSafeToRepeat({ url: 'https://o/api/v1/apps/1/lifecycle/deactivate', method: 'POST' })).toBe(true);
    expect(isSafeToRepeat({ url: 'https://o/oauth2/v1/token', method: 'POST' })).toBe(true);
    expect(isSafeToRepeat({ url: 'https://o/api/v1/authorizationServers/a/scopes', method: 'POST' })).toBe(false);
    expect(isSafeToRepeat({ url: 'https://o/api/v1/apps/1', method: 'delete' })).toBe(true);
  });

  it('uses the Date header when the local clock is off', () => {
    const server = Date.parse('2026-01-01T00:00:00Z');
    const headers = response(429, { 'x-rate-limit-reset': String(server / 1000 + 1), date: new Date(server).toUTCString() }).headers;
    const delay = rateLimitDelayMs(headers, server + 60_000, () => 0) as number;
    expect(delay).toBeGreaterThanOrEqual(1000);
    expect(delay).toBeLessThan(1600);
  });
});
