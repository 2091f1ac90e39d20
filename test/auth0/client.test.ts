import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAuth0Emulator, type Auth0Emulator } from '../../src/emulator/auth0/index.js';
import {
  auth0Call,
  createAuth0Management,
  managementAudienceOf,
  normalizeBaseUrl,
  normalizeDomain,
  tokenEndpointOf,
  type Auth0Management,
  type RetryEvent,
} from '../../src/auth0/client.js';
import { AuthError, NotFoundError, RemoteError, UsageError } from '../../src/errors.js';
import { auth0RequestLog, clearAuth0RequestLog } from '../support/auth0-request-log.js';

describe('the Auth0 management client (real auth0 SDK v5 over http to the emulator)', () => {
  let emu: Auth0Emulator;
  let mgmt: Auth0Management;
  const retries: RetryEvent[] = [];

  beforeAll(async () => {
    emu = await startAuth0Emulator({ seed: 3, seedData: { roles: [{ name: 'r', users: 5 }] } });
    mgmt = await createAuth0Management(
      {
        domain: emu.domain,
        baseUrl: emu.url,
        clientId: emu.managementClientId,
        clientSecret: emu.managementClientSecret,
      },
      { onRetry: (e) => retries.push(e), baseBackoffMs: 10 },
    );
  });
  afterAll(async () => {
    await emu?.stop();
  });

  test('targets: the emulator origin for the audience and token endpoint; a tenant domain over https', () => {
    expect(managementAudienceOf({ domain: emu.domain, baseUrl: emu.url })).toBe(emu.managementAudience);
    expect(tokenEndpointOf({ domain: emu.domain, baseUrl: emu.url })).toBe(emu.tokenUrl);
    expect(managementAudienceOf({ domain: 'acme.eu.auth0.com' })).toBe('https://acme.eu.auth0.com/api/v2/');
    expect(normalizeDomain('https://acme.eu.auth0.com/')).toBe('acme.eu.auth0.com');
    expect(normalizeDomain('acme.auth0.com')).toBe('acme.auth0.com');
    expect(() => normalizeDomain('https://acme.auth0.com/api/v2')).toThrow(UsageError);
    expect(() => normalizeDomain('http://acme.auth0.com')).toThrow(UsageError);
    expect(normalizeBaseUrl('http://127.0.0.1:8708/')).toBe('http://127.0.0.1:8708');
    expect(() => normalizeBaseUrl('http://evil.example.com')).toThrow(UsageError);
  });

  test('one management token, cached, whose scope claim says what was granted', async () => {
    clearAuth0RequestLog(emu);
    const token = await mgmt.tokens.get();
    expect(token.scopes).toEqual(
      expect.arrayContaining(['read:users', 'read:roles', 'read:role_members', 'create:clients']),
    );
    await mgmt.sdk.roles.list({});
    await mgmt.sdk.resourceServers.list({});
    expect(auth0RequestLog(emu).filter((e) => e.path === '/oauth/token')).toHaveLength(1);
  });

  test('a 429 waits for x-ratelimit-reset and tries again, for reads and writes alike', async () => {
    emu.setRateLimit(4);
    retries.length = 0;
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => mgmt.sdk.roles.list({})));
      expect(results).toHaveLength(8);
      expect(retries.some((r) => r.reason === 'rate-limit')).toBe(true);
      expect(retries.every((r) => r.delayMs <= 1300)).toBe(true);
    } finally {
      emu.setRateLimit(0);
    }
  });

  test('a 500 or a dropped connection is retried for a read, never for a create', async () => {
    retries.length = 0;
    emu.setFaults({ faultSchedule: { 1: '500', 2: 'drop' } } as never);
    const roles = await mgmt.sdk.roles.list({});
    expect(roles.data.length).toBeGreaterThan(0);
    expect(retries.map((r) => r.reason)).toEqual(['server-error', 'connection']);

    retries.length = 0;
    emu.setFaults({ faultSchedule: { 1: '500' } } as never);
    const error = await auth0Call('create the API', () =>
      mgmt.sdk.resourceServers.create({ identifier: 'https://once.example.com', name: 'once' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(retries).toEqual([]);
    emu.setFaults({ faultSchedule: {} });
  });

  test('errors become typed errors with a message for a person', async () => {
    const missing = await auth0Call('read the API', () => mgmt.sdk.resourceServers.get('nope')).catch(
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toContain('read the API');

    const bad = await createAuth0Management({
      domain: emu.domain,
      baseUrl: emu.url,
      clientId: emu.managementClientId,
      clientSecret: 'wrong-secret',
    });
    const denied = await bad.tokens.get().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AuthError);
    expect((denied as AuthError).hint).toContain('Auth0 Management API');

    // Through the SDK too: the token supplier's error arrives as is.
    const viaSdk = await auth0Call('list roles', () => bad.sdk.roles.list({})).catch((e: unknown) => e);
    expect(viaSdk).toBeInstanceOf(AuthError);

    const unreachable = await createAuth0Management({
      domain: '127.0.0.1:1',
      baseUrl: 'http://127.0.0.1:1',
      clientId: 'x',
      clientSecret: 'y-secret',
    });
    const down = await unreachable.tokens.get().catch((e: unknown) => e);
    expect(down).toBeInstanceOf(RemoteError);
  });
});
