/**
 * THE HTTP core's one suite: retries and rate limits against the emulator's fault injection (429 with
 * X-Rate-Limit-Reset, 500, dropped connections), time limits, byte caps and refused ports against small loopback
 * servers, request ids and redaction. The clock is injected: no test waits for a backoff.
 */
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import { HttpClient, type HttpOptions } from '../../src/http/client.js';
import { HttpStatusError, NetworkError, RequestTimeoutError, ResponseTooLargeError } from '../../src/http/errors.js';
import { rateLimitDelayMs, type RetryEvent } from '../../src/http/retry.js';
import { useSilentServer } from '../support/silent-server.js';
import { redact } from '../../src/secrets/redact.js';
import { closedPort, startScriptedServer } from '../support/http-server.js';

let emu: EmulatorHandle;
beforeAll(async () => {
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  emu = await startEmulator({ port: 0, rateLimits: 'off', seed: 13 });
});
afterAll(async () => emu?.stop());
afterEach(() => emu?.clearFaults());

/** A core whose waits are recorded, not slept. */
function core(options: HttpOptions = {}) {
  const events: RetryEvent[] = [];
  const slept: number[] = [];
  const http = new HttpClient({
    clock: { sleep: async (ms) => void slept.push(ms), random: () => 0.5 },
    onRetry: (event) => events.push(event),
    env: {},
    ...options,
  });
  return { http, events, slept };
}

const admin = () => ({ authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' });
const app = (label: string) => ({
  name: 'oidc_client',
  label,
  signOnMode: 'OPENID_CONNECT',
  credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
  settings: {
    oauthClient: { application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'] },
  },
});
const appsNamed = async (label: string) =>
  (
    (await (await fetch(`${emu.url}/api/v1/apps?q=${label}`, { headers: admin() })).json()) as Array<{ label: string }>
  ).filter((a) => a.label === label);

describe('retries against the emulator (docs/emulator.md: fault injection)', () => {
  it('a 429 is waited out until X-Rate-Limit-Reset (plus jitter, bounded) and retried, for any method', async () => {
    const { http, events, slept } = core();
    emu.setFaults({ faultSchedule: { 1: '429', 2: '429' } });
    const created = await http.send({
      method: 'POST',
      url: `${emu.url}/api/v1/apps`,
      headers: admin(),
      json: app('h-429'),
    });
    expect(created.status).toBe(200);
    expect(events.map((e) => [e.reason, e.method, e.path, e.attempt, e.status])).toEqual([
      ['rate-limit', 'POST', '/api/v1/apps', 1, 429],
      ['rate-limit', 'POST', '/api/v1/apps', 2, 429],
    ]);
    // The emulator's reset is the next second: at most ~1 s away, plus 100-300 ms of jitter.
    for (const ms of slept) {
      expect(ms).toBeGreaterThanOrEqual(100);
      expect(ms).toBeLessThanOrEqual(1300);
    }
    expect(await appsNamed('h-429')).toHaveLength(1);
  });

  it('a 500 is retried for a GET, not for a create; the error carries status, errorCode and request id', async () => {
    const { http, events } = core();
    emu.setFaults({ faultSchedule: { 1: '500' } });
    const list = await http.send({ url: `${emu.url}/api/v1/apps?limit=1`, headers: admin() });
    expect(list.status).toBe(200);
    expect(events.map((e) => e.reason)).toEqual(['server-error']);

    emu.setFaults({ faultSchedule: { 1: '500' } });
    const error = (await http
      .send({ method: 'POST', url: `${emu.url}/api/v1/apps`, headers: admin(), json: app('h-500') })
      .catch((e: unknown) => e)) as HttpStatusError;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.status).toBe(500);
    expect(error.errorCode).toMatch(/^E\d+$/);
    expect(error.requestId).toBeTruthy();
    expect(error.path).toBe('/api/v1/apps');
    expect(events).toHaveLength(1);
  });

  it('a dropped connection is retried for a safe call and for a POST marked idempotent, never for a create', async () => {
    const { http, events } = core();
    emu.setFaults({ faultSchedule: { 1: 'drop-before' } });
    expect((await http.send({ url: `${emu.url}/api/v1/authorizationServers`, headers: admin() })).status).toBe(200);
    expect(events.map((e) => e.reason)).toEqual(['connection']);

    emu.setFaults({ faultSchedule: { 1: 'drop-after' } });
    const dropped = (await http
      .send({ method: 'POST', url: `${emu.url}/api/v1/apps`, headers: admin(), json: app('h-drop') })
      .catch((e: unknown) => e)) as NetworkError;
    expect(dropped).toBeInstanceOf(NetworkError);
    expect(dropped.failure).toBe('reset');
    expect(dropped.outcomeUnknown).toBe(true);
    expect(events).toHaveLength(1);
    // drop-after: the create happened although no answer came; the caller looks before trying again.
    expect(await appsNamed('h-drop')).toHaveLength(1);

    const [made] = (await (await fetch(`${emu.url}/api/v1/apps?q=h-drop`, { headers: admin() })).json()) as Array<{
      id: string;
    }>;
    emu.setFaults({ faultSchedule: { 1: 'drop-before' } });
    const deactivated = await http.send({
      method: 'POST',
      url: `${emu.url}/api/v1/apps/${made!.id}/lifecycle/deactivate`,
      headers: admin(),
      idempotent: true,
    });
    expect(deactivated.status).toBe(200);
    expect(events.map((e) => e.reason)).toEqual(['connection', 'connection']);
  });

  it('gives up after maxRetries and returns the last answer', async () => {
    const { http, events } = core({ retry: { maxRetries: 2 } });
    emu.setFaults({ faultSchedule: { 1: '500', 2: '500', 3: '500' } });
    const response = await http.request({ url: `${emu.url}/api/v1/apps`, headers: admin() });
    expect(response.status).toBe(500);
    expect(events.map((e) => e.attempt)).toEqual([1, 2]);
  });
});

describe('a rate limit wait', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads X-Rate-Limit-Reset (Okta), X-RateLimit-Reset (Auth0) and Retry-After (seconds or a date), with jitter', () => {
    const zero = () => 0;
    expect(rateLimitDelayMs(new Headers({ 'x-rate-limit-reset': String(now / 1000 + 10) }), now, zero)).toBe(10_100);
    expect(rateLimitDelayMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 2) }), now, zero)).toBe(2100);
    expect(rateLimitDelayMs(new Headers({ 'retry-after': '3' }), now, zero)).toBe(3100);
    expect(rateLimitDelayMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now, zero)).toBe(5100);
    expect(
      rateLimitDelayMs(new Headers({ 'x-rate-limit-reset': String(now / 1000 + 1) }), now, () => 0.999),
    ).toBeLessThanOrEqual(1300);
    expect(rateLimitDelayMs(new Headers(), now, zero)).toBeUndefined();
  });

  it("uses the server's clock (its Date header) when ours is clearly off", () => {
    const server = now;
    const headers = new Headers({
      'x-rate-limit-reset': String(server / 1000 + 5),
      date: new Date(server).toUTCString(),
    });
    expect(rateLimitDelayMs(headers, server + 60_000, () => 0)).toBe(5100);
  });

  it('longer than the bound: the 429 comes back at once, not after the wait', async () => {
    const server = await startScriptedServer(
      (_req, res) =>
        void res
          .writeHead(429, { 'retry-after': '600', 'content-type': 'application/json' })
          .end('{"errorCode":"E0000047"}'),
    );
    try {
      const { http, slept } = core();
      const error = (await http.send({ url: `${server.url}/x` }).catch((e: unknown) => e)) as HttpStatusError;
      expect(error.status).toBe(429);
      expect(error.errorCode).toBe('E0000047');
      expect(slept).toEqual([]);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe('bounds', () => {
  let silentUrl: string;
  useSilentServer((origin) => (silentUrl = origin));

  it('a server that never answers: RequestTimeoutError after the time limit, not retried', async () => {
    const { http, events } = core({ timeoutMs: 150 });
    const error = (await http
      .request({ url: `${silentUrl}/never`, what: 'discovery' })
      .catch((e: unknown) => e)) as RequestTimeoutError;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.timeoutMs).toBe(150);
    expect(error.message).toMatch(/^Cannot reach 127\.0\.0\.1:\d+ for discovery: no answer in time/);
    expect(events).toEqual([]);
  });

  it('a body larger than the cap: ResponseTooLargeError while streaming (declared or not)', async () => {
    const big = Buffer.alloc(64 * 1024, 'a');
    const server = await startScriptedServer((req, res) => {
      if (req.url === '/declared') return void res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      // Chunked, no length: the cap must stop it while it streams.
      let sent = 0;
      const pump = () => {
        let more = true;
        while (sent < 50 && more) {
          more = res.write(big);
          sent += 1;
        }
        if (sent < 50) res.once('drain', pump);
        else res.end();
      };
      pump();
    });
    try {
      const { http } = core({ maxBytes: 100 * 1024 });
      for (const path of ['/streamed', '/declared']) {
        const error = (await http
          .request({ url: `${server.url}${path}` })
          .catch((e: unknown) => e)) as ResponseTooLargeError;
        expect(error).toBeInstanceOf(ResponseTooLargeError);
        expect(error.maxBytes).toBe(100 * 1024);
      }
      const fits = await http.request({ url: `${server.url}/streamed`, maxBytes: 4 * 1024 * 1024 });
      expect(fits.bytes.byteLength).toBe(50 * big.byteLength);
    } finally {
      await server.close();
    }
  });

  it('a refused port fails fast: two quick retries (100 ms, 200 ms), then a NetworkError naming the host', async () => {
    const port = await closedPort();
    const { http, slept } = core();
    const error = (await http
      .request({ url: `http://127.0.0.1:${port}/x`, what: 'a token' })
      .catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.failure).toBe('refused');
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).toBe(`Cannot reach 127.0.0.1:${port} for a token: connection refused.`);
    expect(error.detail).toMatch(/ECONNREFUSED/);
    expect(slept).toEqual([100, 200]);
  });
});

describe('credentials and request ids', () => {
  it('every credential it carries is registered with the redactor; errors carry the request id, never a secret', async () => {
    const server = await startScriptedServer(
      (_req, res) =>
        void res
          .writeHead(401, { 'content-type': 'application/json', 'x-request-id': 'auth0-req-9' })
          .end('{"error":"invalid_client","error_description":"nope"}'),
    );
    try {
      const { http } = core();
      const error = (await http
        .send({
          method: 'POST',
          url: `${server.url}/oauth/token?x=1`,
          headers: {
            authorization: 'Basic c2VjcmV0LWJhc2ljLXZhbHVl',
            dpop: 'proof-jwt-value-123',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_secret: 's3cret-in-form',
            client_assertion: 'assertion-value-456',
          }),
        })
        .catch((e: unknown) => e)) as HttpStatusError;
      expect(error.requestId).toBe('auth0-req-9');
      expect(error.errorCode).toBe('invalid_client');
      expect(error.url).not.toContain('?');
      const seen = server.requests[0]!;
      const leaked = `${seen.headers.authorization} ${String(seen.headers.dpop)} ${seen.body}`;
      expect(redact(leaked)).not.toMatch(
        /c2VjcmV0LWJhc2ljLXZhbHVl|proof-jwt-value-123|s3cret-in-form|assertion-value-456/,
      );
      expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/s3cret|c2VjcmV0|assertion-value/);
    } finally {
      await server.close();
    }
  });

  it('prepare() is called for every attempt, so a retry carries fresh credentials', async () => {
    let calls = 0;
    const server = await startScriptedServer((_req, res) => {
      calls += 1;
      if (calls === 1) return void res.writeHead(429, { 'retry-after': '0' }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    try {
      const { http } = core();
      const response = await http.send({
        method: 'POST',
        url: `${server.url}/t`,
        idempotent: true,
        prepare: async (attempt) => ({ headers: { dpop: `proof-${attempt}-xxxxxx` } }),
      });
      expect(response.json()).toEqual({ ok: true });
      expect(server.requests.map((r) => r.headers.dpop)).toEqual(['proof-1-xxxxxx', 'proof-2-xxxxxx']);
    } finally {
      await server.close();
    }
  });
});

describe('proxy', () => {
  it('HTTP_PROXY sends requests through the proxy (a CONNECT tunnel); NO_PROXY or no proxy: direct', async () => {
    const backend = await startScriptedServer(
      (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('through the tunnel'),
    );
    const tunnels: string[] = [];
    // A CONNECT proxy that records where the client asked to go and connects it to the backend whatever the host.
    const proxy = createServer();
    proxy.on('connect', (req, socket: Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const upstream = connect(Number(new URL(backend.url).port), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const { http } = core({ env: { HTTP_PROXY: proxyUrl } });
      const response = await http.request({ url: 'http://okta-m2m.invalid/api/v1/apps' });
      expect(response.text()).toBe('through the tunnel');
      expect(tunnels).toEqual(['okta-m2m.invalid:80']);

      const bypass = await core({ env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } }).http.request({
        url: `${backend.url}/direct`,
      });
      expect(bypass.status).toBe(200);
      const direct = await core({ env: {} }).http.request({ url: `${backend.url}/direct` });
      expect(direct.status).toBe(200);
      expect(tunnels).toHaveLength(1);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await backend.close();
    }
  });
});

describe('kept-alive connections', () => {
  // A server that resets a connection when a second request arrives on it: what a client sees when it reuses a
  // connection the server closed while it sat idle (Node's http docs, request.reusedSocket).
  async function resettingServer(keepAliveTimeoutMs: number) {
    const served = new Map<Socket, number>();
    const server = createServer((req, res) => {
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      if (count > 1) return void req.socket.resetAndDestroy();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('fresh');
    });
    server.keepAliveTimeout = keepAliveTimeoutMs;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`,
      served,
      close: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }
  const noRetries = { retry: { maxRetries: 0, maxRefusedRetries: 0 } };

  it('a connection idle past what the server keeps one (its Keep-Alive hint less a second) is not reused', async () => {
    const server = await resettingServer(2000); // Keep-Alive: timeout=2
    try {
      const { http } = core(noRetries);
      expect((await http.request({ url: server.url })).text()).toBe('fresh');
      // The event loop is blocked past that second, so no timer has closed the idle connection: only its age tells.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1100);
      expect((await http.request({ url: server.url })).text()).toBe('fresh');
      expect([...server.served.values()]).toEqual([1, 1]);
    } finally {
      await server.close();
    }
  });

  it("within that time it is reused, and a reset there is the caller's to retry (a POST is never sent twice)", async () => {
    const server = await resettingServer(5000);
    try {
      const { http } = core(noRetries);
      expect((await http.request({ url: server.url })).text()).toBe('fresh');
      await expect(http.request({ url: server.url, method: 'POST', body: 'once' })).rejects.toMatchObject({
        failure: 'reset',
      });
      expect([...server.served.values()]).toEqual([2]);
    } finally {
      await server.close();
    }
  });
});
