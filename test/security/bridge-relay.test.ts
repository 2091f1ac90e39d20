/**
 * The SCIM bridge is no open relay. Run as deployed (the built zip's index.mjs), with a trap server on loopback
 * that is NOT allowlisted: every trick that names it (IP spellings, IPv6 and IPv4-mapped literals, userinfo,
 * fragments, backslashes, a token URL elsewhere, redirects from an allowlisted host) must be refused, and the trap
 * must never see a request (so never a client secret or an access token). Complements test/templates/scim-bridge.test.ts,
 * which covers the allowlist basics, dot segments, encoded slashes and body limits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { useTemplateHandlers } from '../support/template-handlers.js';
import { bridgeToken, json, makeEvent, type Local } from '../support/templates.js';

/** Allowlisted as a target and as a token host: redirects elsewhere. */
let hop: Local;
/** Not allowlisted: nothing may ever reach it. */
let trap: Local;
let trapRequests: string[] = [];
/** The trap on ::1 too, when the machine has IPv6 loopback. */
let trap6: Server | undefined;
let trap6Port = 0;
let seq = 0;

const SECRET = 'relay-test-client-secret-Hh3';

function goodToken(extra: Record<string, unknown> = {}): string {
  seq += 1;
  return bridgeToken({
    v: 1,
    tokenUrl: `${t.tokens.url}/oauth2/default/v1/token`,
    clientId: `relay-${seq}`,
    clientSecret: SECRET,
    scope: 'scim',
    ...extra,
  });
}

function call(path: string, bearer: string, more: Partial<Parameters<typeof makeEvent>[0]> = {}) {
  return t.bridge(
    makeEvent({
      path,
      ...more,
      headers: { accept: 'application/scim+json', ...(more.headers ?? {}), authorization: `Bearer ${bearer}` },
    }),
  );
}

const t = useTemplateHandlers(['scim-bridge'], async (handlers) => {
  trap = await handlers.listen((req, res) => {
    trapRequests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    json(res, 200, { access_token: 'trap-token', token_type: 'Bearer', expires_in: 3600, owned: true });
  });
  trap6 = createServer((req, res) => {
    trapRequests.push(`[::1] ${req.method} ${req.url}`);
    res.end('{}');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      trap6!.once('error', reject);
      trap6!.listen(trap.port, '::1', () => resolve());
    });
    trap6Port = (trap6.address() as AddressInfo).port;
  } catch {
    trap6 = undefined;
  }
  hop = await handlers.listen((req, res) => {
    const url = req.url ?? '/';
    const to = url.includes('proto-relative')
      ? `//127.0.0.1:${trap.port}/owned`
      : url.includes('other-port')
        ? `http://127.0.0.1:${trap.port}${url}`
        : `${trap.url}/owned`;
    const status = Number(/\/(30\d)\b/.exec(url)?.[1] ?? 307);
    res.writeHead(status, { location: to, 'content-type': 'application/json' });
    res.end('{}');
  });
  return {
    ALLOWED_HOSTS: `${handlers.scim.host},${hop.host}`,
    ALLOWED_TOKEN_HOSTS: `${handlers.tokens.host},${hop.host}`,
    ALLOW_INSECURE_LOOPBACK: '1',
    UPSTREAM_TIMEOUT_MS: '1000',
    TOKEN_TIMEOUT_MS: '1000',
    MAX_BODY_BYTES: '1024',
  };
});

afterAll(async () => {
  if (trap6) await new Promise<void>((r) => trap6!.close(() => r()));
});

beforeEach(() => {
  trapRequests = [];
});

async function refused(
  path: string,
  bearer: string,
  statuses: number[],
  more: Partial<Parameters<typeof makeEvent>[0]> = {},
) {
  const upstreamBefore = t.scim.requests.length;
  const res = await call(path, bearer, more);
  expect(statuses, `${path}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
  expect(JSON.parse(res.body ?? '{}').schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(t.scim.requests.length, `${path} reached the SCIM server`).toBe(upstreamBefore);
  return res;
}

describe('targets outside the allowlist', () => {
  it('the trap itself, and every spelling of its address: decimal, hex, octal, short, IPv6, IPv4-mapped IPv6', async () => {
    const p = trap.port;
    const bt = goodToken();
    for (const host of [
      `127.0.0.1:${p}`,
      `2130706433:${p}`,
      `0x7f000001:${p}`,
      `0x7f.0.0.1:${p}`,
      `0177.0.0.1:${p}`,
      `127.1:${p}`,
      `127.0.0.1.:${p}`,
      `0:${p}`,
      `0.0.0.0:${p}`,
      `localhost:${p}`,
      `LOCALHOST.:${p}`,
      `[::1]:${p}`,
      `[0:0:0:0:0:0:0:1]:${p}`,
      `[::ffff:127.0.0.1]:${p}`,
      `[::ffff:7f00:1]:${p}`,
      `[::127.0.0.1]:${p}`,
      `[fd00:ec2::254]`,
      `169.254.169.254`,
      `[::ffff:169.254.169.254]`,
      // The allowlisted host name on another port, and allowlisted names as a prefix or suffix.
      `127.0.0.1:${t.scim.port + 0}0`,
      `${t.scim.host}.nip.io`,
      `evil.${t.scim.host.replace(/:\d+$/, '')}:${p}`,
    ]) {
      await refused(`/${host}/scim/v2/Users`, bt, [400, 403]);
    }
    expect(trapRequests).toEqual([]);
    if (trap6Port) expect(trap6Port).toBe(p);
  });

  it('userinfo, encoded characters, backslashes and fragments cannot smuggle another host into the target', async () => {
    const bt = goodToken();
    for (const path of [
      `/${t.scim.host}@127.0.0.1:${trap.port}/scim/v2/Users`,
      `/user:pw@${t.scim.host}/scim/v2/Users`,
      `/${t.scim.host}%40127.0.0.1:${trap.port}/scim`,
      `/127.0.0.1%3a${trap.port}/scim`,
      `/127.0.0.1:${trap.port}%2f@${t.scim.host}/scim`,
      `/${t.scim.host}\\@127.0.0.1:${trap.port}/scim`,
      `/127.0.0.1:${trap.port}#@${t.scim.host}/scim`,
      `/127.0.0.1:${trap.port}?@${t.scim.host}/scim`,
      `//127.0.0.1:${trap.port}/scim`,
      `/${t.scim.host}/%2F%2F127.0.0.1:${trap.port}/scim`,
      `/${t.scim.host}/scim/%2E%2E/%2E%2E/admin`,
      `/${t.scim.host}/scim/.%2e/admin`,
      `/${t.scim.host}/scim/%2e./admin`,
      `/${t.scim.host}/scim/%5C..%5C..%5Cadmin`,
      `/${t.scim.host}/scim/v2/Users%00.json`,
      `/${t.scim.host}/scim/v2/Users\r\nHost: evil`,
    ]) {
      await refused(path, bt, [400, 403]);
    }
    expect(trapRequests).toEqual([]);
  });

  it("the forwarded request goes to the allowlisted host only, whatever Host or X-Forwarded-* headers say, and never carries Okta's bridge token", async () => {
    const bt = goodToken();
    const before = t.scim.requests.length;
    const res = await call(`/${t.scim.host}/scim/v2/Users`, bt, {
      headers: {
        host: `127.0.0.1:${trap.port}`,
        'x-forwarded-host': `127.0.0.1:${trap.port}`,
        forwarded: `host=127.0.0.1:${trap.port}`,
        cookie: `bt=${bt}`,
        'proxy-authorization': `Bearer ${bt}`,
      },
    });
    expect(res.statusCode).toBe(200);
    const sent = t.scim.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.host).toBe(t.scim.host);
    expect(JSON.stringify(sent[0]!.headers)).not.toContain(bt);
    expect(JSON.stringify(sent[0]!.headers)).not.toContain(SECRET);
    expect(sent[0]!.headers.authorization).toMatch(/^Bearer access-token-/);
    expect(trapRequests).toEqual([]);
  });
});

describe('token URLs outside the token allowlist', () => {
  it('are refused before the client secret is sent anywhere', async () => {
    const p = trap.port;
    const tokenRequests = t.tokens.requests.length;
    for (const tokenUrl of [
      `http://127.0.0.1:${p}/token`,
      `http://2130706433:${p}/token`,
      `http://0x7f.1:${p}/token`,
      `http://0177.0.0.1:${p}/token`,
      `http://[::1]:${p}/token`,
      `http://[::ffff:127.0.0.1]:${p}/token`,
      `http://[::ffff:7f00:1]:${p}/token`,
      `http://localhost:${p}/token`,
      `http://${t.tokens.host}@127.0.0.1:${p}/token`,
      `http://127.0.0.1:${p}#@${t.tokens.host}/token`,
      `http://127.0.0.1:${p}\\@${t.tokens.host}/token`,
      `http://127.0.0.1:${p}?@${t.tokens.host}/token`,
      // The token host's name on the trap's port; the token host as a subdomain.
      `http://${t.tokens.host.replace(/:\d+$/, '')}:${p}/token`,
      `https://${t.tokens.host.replace(/:\d+$/, '')}.nip.io/token`,
      // Not http(s) at all.
      `file:///etc/passwd`,
      `gopher://127.0.0.1:${p}/_POST`,
      `javascript:alert(1)`,
    ]) {
      await refused(`/${t.scim.host}/scim/v2/Users`, goodToken({ tokenUrl }), [401, 403]);
    }
    expect(trapRequests).toEqual([]);
    expect(t.tokens.requests.length).toBe(tokenRequests);
  });

  it('a target host is not a token host: the allowlists are separate (and a stranger learns nothing: 401)', async () => {
    await refused(`/${t.scim.host}/scim/v2/Users`, goodToken({ tokenUrl: `${t.scim.url}/token` }), [401]);
  });
});

describe('redirects', () => {
  it('from the token endpoint to another host are not followed', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const res = await refused(
        `/${t.scim.host}/scim/v2/Users`,
        goodToken({ tokenUrl: `${hop.url}/token/${status}` }),
        [502],
      );
      expect(JSON.parse(res.body ?? '{}').detail).toMatch(new RegExp(`token endpoint answered ${status}`));
    }
    expect(trapRequests).toEqual([]);
  });

  it('from an allowlisted upstream to another host, port or a protocol-relative URL are not followed, and not passed on', async () => {
    const tokenUrl = `${t.tokens.url}/oauth2/default/v1/token`;
    for (const path of [
      '/scim/v2/301',
      '/scim/v2/302',
      '/scim/v2/303',
      '/scim/v2/307',
      '/scim/v2/308',
      '/scim/v2/other-port/302',
      '/scim/v2/proto-relative/302',
    ]) {
      const res = await call(`/${hop.host}${path}`, goodToken({ tokenUrl }));
      expect(res.statusCode, `${path}: ${res.body}`).toBe(502);
      expect(JSON.stringify(res.headers ?? {})).not.toContain(String(trap.port));
    }
    expect(trapRequests).toEqual([]);
  });
});

describe('oversized bodies', () => {
  it('counts bytes, not characters, at the limit and one over (plain and base64)', async () => {
    const bt = goodToken();
    const before = t.scim.requests.length;
    // 1024 bytes exactly: forwarded.
    const exact = JSON.stringify({ userName: 'x'.repeat(1024 - 15) });
    expect(Buffer.byteLength(exact)).toBe(1024);
    expect((await call(`/${t.scim.host}/scim/v2/Users`, bt, { method: 'POST', body: exact })).statusCode).toBe(201);
    expect(t.scim.requests.length).toBe(before + 1);
    // 600 characters, 1200 bytes of UTF-8: refused.
    await refused(`/${t.scim.host}/scim/v2/Users`, bt, [413], { method: 'POST', body: 'é'.repeat(600) });
    await refused(`/${t.scim.host}/scim/v2/Users`, bt, [413], { method: 'POST', body: '😀'.repeat(300) });
    await refused(`/${t.scim.host}/scim/v2/Users`, bt, [413], {
      method: 'POST',
      body: Buffer.alloc(1025).toString('base64'),
      isBase64Encoded: true,
    });
    await refused(`/${t.scim.host}/scim/v2/Users`, bt, [413], {
      method: 'PUT',
      body: Buffer.alloc(1025).toString('base64url'),
      isBase64Encoded: true,
    });
    await refused(`/${t.scim.host}/scim/v2/Users`, bt, [413], { method: 'PATCH', body: 'x'.repeat(10 * 1024 * 1024) });
  });
});
