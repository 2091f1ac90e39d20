import { ReplyError, type Reply } from './errors.js';
import { json, noContent } from './http.js';
import type { FaultSettings } from '../shared/faults.js';
import type { Route } from './router.js';
import type { SeedResult, SeedSpec } from './seed.js';

/** What the control endpoints steer; implemented by the emulator. */
export interface Controls {
  info(): Record<string, unknown>;
  summary(): Record<string, unknown>;
  requests(): unknown[];
  clearRequests(): void;
  faults(): unknown;
  setFaults(settings: FaultSettings): void;
  clearFaults(): void;
  setRateLimit(perSecond: number): void;
  seed(spec: SeedSpec): SeedResult;
}

function guard(fn: () => Reply): Reply {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ReplyError) throw err;
    return { status: 400, body: { error: (err as Error).message } };
  }
}

/**
 * /__emulator/* -- for tests that run the CLI as a child process; the same paths and field names as the Okta
 * emulator's. Not logged, not faulted, not rate limited, no token needed. Never returns a secret.
 */
export function controlRoutes(c: Controls): Route[] {
  return [
    { method: 'GET', pattern: '/__emulator/health', handler: () => json({ ok: true }) },
    { method: 'GET', pattern: '/__emulator/info', handler: () => json(c.info()) },
    { method: 'GET', pattern: '/__emulator/state', handler: () => json(c.summary()) },
    { method: 'GET', pattern: '/__emulator/requests', handler: () => json(c.requests()) },
    { method: 'DELETE', pattern: '/__emulator/requests', handler: () => (c.clearRequests(), noContent()) },
    { method: 'GET', pattern: '/__emulator/faults', handler: () => json(c.faults()) },
    {
      method: 'POST',
      pattern: '/__emulator/faults',
      handler: ({ body }) => guard(() => (c.setFaults((body ?? {}) as FaultSettings), json(c.faults()))),
    },
    { method: 'DELETE', pattern: '/__emulator/faults', handler: () => (c.clearFaults(), noContent()) },
    {
      method: 'POST',
      pattern: '/__emulator/rate-limit',
      handler: ({ body }) => guard(() => {
        const perSecond = Number(body?.rateLimitPerSecond ?? 0);
        if (!Number.isInteger(perSecond) || perSecond < 0) throw new Error('rateLimitPerSecond must be an integer >= 0 (0 = unlimited)');
        c.setRateLimit(perSecond);
        return json({ rateLimitPerSecond: perSecond });
      }),
    },
    { method: 'POST', pattern: '/__emulator/seed', handler: ({ body }) => guard(() => json(c.seed((body ?? {}) as SeedSpec), 201)) },
  ];
}
