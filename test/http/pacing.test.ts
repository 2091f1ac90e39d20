/**
 * Proactive pacing in the HTTP core: calls wait for the window that X-Rate-Limit-Remaining / -Reset describe
 * instead of spending it on 429s. A loopback server keeps Okta's fixed one-minute window (rl-global-mgmt: limits are
 * per minute; rate-limits/: the X-Rate-Limit-* headers) on a clock the test shares with the core: no test waits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { bucketKey } from '../../src/http/pacing.js';
import type { RetryEvent } from '../../src/http/retry.js';

const LIMIT = 5;
const clock = { nowMs: Date.UTC(2026, 0, 1, 0, 0, 10) };
const served: number[] = [];
let server: Server;
let origin: string;
const windows = new Map<string, { resetAt: number; used: number }>();

beforeAll(async () => {
  server = createServer((req, res) => {
    res.sendDate = false;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/headers-once') {
      // The first answer spends its bucket; the later ones carry no rate limit headers at all.
      const first = !windows.has(path);
      if (first) windows.set(path, { resetAt: Math.floor(clock.nowMs / 1000) + 60, used: 1 });
      const limits = {
        'x-rate-limit-limit': '1',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(windows.get(path)!.resetAt),
      };
      res.writeHead(200, { 'content-type': 'application/json', ...(first ? limits : {}) }).end('{}');
      return;
    }
    const start = Math.floor(clock.nowMs / 60_000) * 60_000;
    let window = windows.get(path);
    if (!window || clock.nowMs >= window.resetAt * 1000)
      windows.set(path, (window = { resetAt: (start + 60_000) / 1000, used: 0 }));
    const allowed = window.used < LIMIT;
    if (allowed) window.used += 1;
    const headers = {
      'content-type': 'application/json',
      'x-rate-limit-limit': String(LIMIT),
      'x-rate-limit-remaining': String(LIMIT - window.used),
      'x-rate-limit-reset': String(window.resetAt),
    };
    served.push(allowed ? 200 : 429);
    // Answer a little later, so that calls are in flight together.
    setTimeout(() => res.writeHead(allowed ? 200 : 429, headers).end(allowed ? '{}' : '{"errorCode":"E0000047"}'), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * A core on the shared clock. Time moves only in sleeps, and only while no call is on the wire (so that no call sent
 * in one window arrives in a later one); sleepers towards one reset share it.
 */
function core() {
  const events: RetryEvent[] = [];
  let inFlight = 0;
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
  const idle = async () => {
    do await tick();
    while (inFlight > 0);
  };
  const http = new HttpClient({
    clock: {
      now: () => clock.nowMs,
      sleep: async (ms) => {
        const until = clock.nowMs + ms;
        await idle();
        clock.nowMs = Math.max(clock.nowMs, until);
      },
      random: () => 0,
    },
    fetch: async (input, init) => {
      inFlight += 1;
      try {
        const response = await fetch(input, init);
        return new Response(await response.arrayBuffer(), { status: response.status, headers: response.headers });
      } finally {
        inFlight -= 1;
      }
    },
    onRetry: (event) => events.push(event),
    env: {},
  });
  return { http, events };
}

describe('pacing by X-Rate-Limit-Remaining and -Reset', () => {
  it('concurrent calls beyond a window wait for the next one instead of drawing 429s', async () => {
    served.length = 0;
    const { http, events } = core();
    // One call learns the bucket; then 4 windows' worth at once, 8 in flight.
    expect((await http.request({ url: `${origin}/api/v1/users` })).status).toBe(200);
    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 4 * LIMIT - 1) {
          next += 1;
          statuses.push((await http.request({ url: `${origin}/api/v1/users` })).status);
        }
      }),
    );
    expect(statuses).toHaveLength(4 * LIMIT - 1);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(served.filter((s) => s === 429)).toEqual([]);
    expect(events).toEqual([]);
  });

  it('a 429 (another client used the bucket) makes the other calls wait too; the retry budget covers a 60 s window', async () => {
    served.length = 0;
    const { http, events } = core();
    clock.nowMs = Math.ceil(clock.nowMs / 60_000) * 60_000 + 1000;
    // Someone else spends the window.
    for (let i = 0; i < LIMIT; i++) await fetch(`${origin}/api/v1/groups`);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => http.request({ url: `${origin}/api/v1/groups` })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    // Only the calls that went out before the first 429 came back were refused; each waited up to a minute.
    expect(events.length).toBeLessThanOrEqual(4);
    for (const event of events) expect(event.delayMs).toBeGreaterThan(50_000);
  });

  it('a bucket whose answers stop saying when it resets does not hold calls for ever', async () => {
    const { http } = core();
    for (let i = 0; i < 3; i++) expect((await http.request({ url: `${origin}/headers-once` })).status).toBe(200);
  });

  it('knows a bucket by origin and path without ids', () => {
    expect(bucketKey('https://acme.okta.com/api/v1/groups/00g1ab2cd/users/00u9zzxy?limit=2')).toBe(
      'https://acme.okta.com/api/v1/groups/{}/users/{}',
    );
    expect(bucketKey('https://acme.okta.com/api/v1/users/ada@example.com')).toBe(
      'https://acme.okta.com/api/v1/users/{}',
    );
    expect(bucketKey('https://acme.okta.com/oauth2/v1/token')).toBe('https://acme.okta.com/oauth2/v1/token');
  });
});
