import { ManagementError } from 'auth0';
import { describe, expect, it } from 'vitest';
import { startAuth0Emulator, type Auth0Emulator } from '../../src/emulator/auth0/index.js';
import { RateLimiter } from '../../src/emulator/auth0/rate-limit.js';
import { managementClient, postToken, withEmulator } from '../support/auth0-sdk.js';
import { auth0Error, managementCredentials } from '../support/auth0-requests.js';

async function control(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/__emulator/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as any) };
}

const tokenBody = (emu: Auth0Emulator) => managementCredentials(emu);

async function bearer(emu: Auth0Emulator): Promise<Record<string, string>> {
  const { body } = await postToken(emu, tokenBody(emu));
  return { authorization: `Bearer ${String(body.access_token)}` };
}

describe('auth0 emulator: faults, rate limits, request log', () => {
  it('faultSchedule counts Management API requests from 1: 429, 500, dropped connection', async () => {
    await withEmulator({ faultSchedule: { 1: '429', 2: '500', 3: 'drop' } }, async (emu) => {
      const auth = await bearer(emu); // /oauth/token is not faultable by default
      const get = () => fetch(`${emu.managementBaseUrl}/roles`, { headers: auth });
      const first = await get();
      expect(first.status).toBe(429);
      expect(await first.json()).toEqual(auth0Error(429, 'Global limit has been reached', 'too_many_requests'));
      expect(first.headers.get('x-ratelimit-remaining')).toBe('0');
      expect((await get()).status).toBe(500);
      await expect(get()).rejects.toThrow();
      expect((await get()).status).toBe(200);
      expect(emu.requestLog.map((e) => [e.path, e.status, e.fault])).toEqual([
        ['/oauth/token', 200, undefined],
        ['/api/v2/roles', 429, '429'],
        ['/api/v2/roles', 500, '500'],
        ['/api/v2/roles', 0, 'drop-before'],
        ['/api/v2/roles', 200, undefined],
      ]);
    });
  });

  it('faultOAuth extends faults to the token endpoint, with Auth0 authentication-API bodies', async () => {
    await withEmulator({ faultOAuth: true, faultSchedule: { 1: '429', 2: '500' } }, async (emu) => {
      const first = await postToken(emu, tokenBody(emu));
      expect(first.status).toBe(429);
      expect(first.body).toEqual({ error: 'too_many_requests', error_description: 'Global limit has been reached' });
      expect((await postToken(emu, tokenBody(emu))).body.error).toBe('server_error');
      expect((await postToken(emu, tokenBody(emu))).status).toBe(200);
    });
  });

  it('drop-after applies the write and loses the answer: a blind retry then meets 409', async () => {
    await withEmulator({}, async (emu) => {
      const mgmt = managementClient(emu);
      await mgmt.roles.list(); // gets the token first
      emu.setFaults({ faultSchedule: { 1: 'drop-after' } });
      const lost = await mgmt.resourceServers.create({ name: 'Once', identifier: 'urn:once' }).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(ManagementError);
      expect((lost as ManagementError).statusCode).toBeUndefined(); // no HTTP answer at all
      const retry = (await mgmt.resourceServers
        .create({ name: 'Once', identifier: 'urn:once' })
        .catch((e: unknown) => e)) as ManagementError;
      expect(retry.statusCode).toBe(409);
      expect((await mgmt.resourceServers.get('urn:once')).name).toBe('Once');
      expect(emu.requestLog.slice(-3, -1).map((e) => [e.status, e.fault])).toEqual([
        [0, 'drop-after'],
        [409, undefined],
      ]);
    });
  });

  it('the SDK raises ManagementError on 429, or retries through it (x-ratelimit-reset)', async () => {
    await withEmulator({}, async (emu) => {
      const noRetry = managementClient(emu);
      await noRetry.clients.list();
      await control(emu.url, 'POST', 'faults', { faultSchedule: { 1: '429' } });
      const err = (await noRetry.clients.list().catch((e: unknown) => e)) as ManagementError;
      expect(err).toBeInstanceOf(ManagementError);
      expect(err.statusCode).toBe(429);
      expect(err.body).toEqual(auth0Error(429, 'Global limit has been reached', 'too_many_requests'));
      const headers = err.rawResponse!.headers;
      expect(headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);

      const retrying = managementClient(emu, { maxRetries: 2 });
      await retrying.clients.list();
      await control(emu.url, 'POST', 'faults', { faultSchedule: { 1: '429' } });
      const page = await retrying.clients.list();
      expect(page.data.length).toBeGreaterThan(0);
      expect(emu.requestLog.slice(-2).map((e) => e.status)).toEqual([429, 200]);
    });
  });

  it('enforces rateLimitPerSecond with a per-second window', async () => {
    await withEmulator({ rateLimitPerSecond: 5 }, async (emu) => {
      const auth = await bearer(emu);
      // start of a second, so all requests land in one window
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => fetch(`${emu.managementBaseUrl}/roles`, { headers: auth })),
      );
      for (const res of responses) {
        expect(res.headers.get('x-ratelimit-limit')).toBe('5');
        await res.arrayBuffer();
      }
      expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      const remaining = responses
        .filter((r) => r.status === 200)
        .map((r) => r.headers.get('x-ratelimit-remaining'))
        .sort();
      expect(remaining).toEqual(['0', '1', '2', '3', '4']);
      expect(responses.find((r) => r.status === 429)!.headers.get('x-ratelimit-remaining')).toBe('0');
      await new Promise((r) => setTimeout(r, 1000));
      expect((await fetch(`${emu.managementBaseUrl}/roles`, { headers: auth })).status).toBe(200);
      expect((await control(emu.url, 'POST', 'rate-limit', { rateLimitPerSecond: 0 })).body).toEqual({
        rateLimitPerSecond: 0,
      });
      expect((await fetch(`${emu.managementBaseUrl}/roles`, { headers: auth })).headers.get('x-ratelimit-limit')).toBe(
        '1000',
      );
    });
  });

  it('RateLimiter: fixed one-second windows, reset at the next second', () => {
    let now = 1_700_000_000_250;
    const rl = new RateLimiter(2, () => now);
    expect(rl.take()).toEqual({
      allowed: true,
      headers: { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '1700000001' },
    });
    expect(rl.take().allowed).toBe(true);
    expect(rl.take()).toMatchObject({ allowed: false, headers: { 'x-ratelimit-remaining': '0' } });
    now += 750;
    expect(rl.take()).toMatchObject({
      allowed: true,
      headers: { 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '1700000002' },
    });
    const unlimited = new RateLimiter(0, () => now);
    for (let i = 0; i < 2000; i++) expect(unlimited.take().allowed).toBe(true);
  });

  it('faultRate with a seed is reproducible', async () => {
    const run = async () =>
      withEmulator({ seed: 42, faultRate: 0.3, faultKinds: ['429', '500'] }, async (emu) => {
        const auth = await bearer(emu);
        const out: number[] = [];
        for (let i = 0; i < 30; i++)
          out.push((await fetch(`${emu.managementBaseUrl}/roles`, { headers: auth })).status);
        return out;
      });
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.filter((s) => s !== 200).length).toBeGreaterThan(2);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(10);
  });

  it('adds latency to Management API answers', async () => {
    await withEmulator({ latencyMs: 150 }, async (emu) => {
      const auth = await bearer(emu);
      const t = Date.now();
      await fetch(`${emu.managementBaseUrl}/roles`, { headers: auth });
      expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    });
  });

  it('control endpoints: health, info, state, log (no secrets, no bodies, safe query keys only), faults', async () => {
    const emu = await startAuth0Emulator({});
    try {
      expect((await control(emu.url, 'GET', 'health')).body).toEqual({ ok: true });
      const info = await control(emu.url, 'GET', 'info');
      expect(info.body).toMatchObject({
        url: emu.url,
        domain: emu.domain,
        managementClientId: emu.managementClientId,
        managementAudience: emu.managementAudience,
      });
      expect(JSON.stringify(info.body)).not.toContain(emu.managementClientSecret);

      const mgmt = managementClient(emu);
      const created = await mgmt.clients.create({ name: 'log-me', app_type: 'non_interactive' });
      await mgmt.clientGrants.list({ audience: emu.managementAudience });
      await fetch(`${emu.managementBaseUrl}/roles?per_page=5&client_secret=${emu.managementClientSecret}`);
      const { body } = await control(emu.url, 'GET', 'requests');
      const text = JSON.stringify(body);
      expect(text).not.toContain(emu.managementClientSecret);
      expect(text).not.toContain(created.client_secret!);
      expect(text).not.toContain('log-me');
      expect(body.map((e: any) => `${e.method} ${e.path} ${e.status}`)).toEqual([
        'POST /oauth/token 200',
        'POST /api/v2/clients 201',
        `GET /api/v2/client-grants?include_totals=true&take=50&audience=${encodeURIComponent(emu.managementAudience)} 200`,
        'GET /api/v2/roles?per_page=5 401',
      ]);
      for (const e of body) expect(Object.keys(e).sort()).toEqual(['durationMs', 'method', 'path', 'status', 'time']);

      const state = await control(emu.url, 'GET', 'state');
      expect(state.body).toMatchObject({ clients: 2, clientGrants: 1, resourceServers: 1, roles: 0, users: 0 });

      expect((await control(emu.url, 'DELETE', 'requests')).status).toBe(204);
      expect((await control(emu.url, 'GET', 'requests')).body).toEqual([]);

      const set = await control(emu.url, 'POST', 'faults', {
        faultSchedule: { 10: '500' },
        faultRate: 0.1,
        latencyMs: 5,
      });
      expect(set.body).toMatchObject({ faultSchedule: { 10: '500' }, faultRate: 0.1, latencyMs: 5, requestCount: 0 });
      expect((await control(emu.url, 'POST', 'faults', { faultSchedule: { 1: 'explode' } })).status).toBe(400);
      expect((await control(emu.url, 'POST', 'faults', { faultRate: 2 })).status).toBe(400);
      expect((await control(emu.url, 'GET', 'faults')).body.faultRate).toBe(0.1); // a bad request changed nothing
      expect((await control(emu.url, 'DELETE', 'faults')).status).toBe(204);
      expect((await control(emu.url, 'GET', 'faults')).body).toMatchObject({
        faultSchedule: {},
        faultRate: 0,
        latencyMs: 0,
      });
      expect((await control(emu.url, 'GET', 'nope')).status).toBe(404);
    } finally {
      await emu.stop();
    }
  });
});
