import { randomBytes, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { apiTokenRoutes, registerApiToken } from './api-tokens.js';
import { appGrantRoutes } from './app-grants.js';
import { appJwksRoutes } from './app-jwks.js';
import { seedEveryoneGroup } from './everyone-group.js';
import { customRoleRoutes } from './custom-roles.js';
import { orgMetadataRoutes } from './org-metadata.js';
import { resourceSetRoutes } from './resource-sets.js';
import { appRoutes } from './apps.js';
import { authServerRoutes, seedDefaultAuthServer } from './authservers.js';
import { clientRoleRoutes } from './client-roles.js';
import { oktaControls, stateSummary } from './control.js';
import { controlRoutes, type ControlRoute } from '../core/control.js';
import { createPipelineServer, requestHandler } from '../core/pipeline.js';
import { DpopReplayGuard, newDpopNonce } from './dpop.js';
import { groupRoutes } from './groups.js';
import { inlineHookRoutes } from './hooks.js';
import { loadState, StateSaver } from './persistence.js';
import { policyRoutes } from './policies.js';
import { RateLimiter, type RateLimitPlan } from './ratelimit.js';
import { Router } from '../core/router.js';
import { oktaDialect, type LiveOrg, type OktaRequestLogEntry } from './server.js';
import type { Route } from './context.js';
import { FaultInjector, type FaultKind, type FaultSettings } from '../core/faults.js';
import { RequestLog } from '../core/request-log.js';
import { newState, type EmulatorState } from './state.js';
import { tokenRoutes } from './tokens.js';
import { userRoutes } from './users.js';

export type { FaultKind, FaultSettings } from '../core/faults.js';
export type { OktaRequestLogEntry as RequestLogEntry } from './server.js';
export type { EmulatorState } from './state.js';
export {
  provisionClientCredentials,
  seedGroupMembers,
  type ClientCredentialsFixture,
  type ProvisionOptions,
} from './fixtures.js';

/**
 * A local Okta org: the management API subset okta-m2m uses, the org and custom authorization servers, and
 * token inline hooks. Besides Okta's API it serves /__emulator/ control endpoints for tests that run the CLI
 * in another process: GET|DELETE requests (the request log), GET|POST|DELETE faults, POST rate-limit,
 * GET state (object counts), GET health.
 */
export interface EmulatorOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** persist the org here (0600, atomic rename) and reload it on start */
  statePath?: string;
  /** seeds the PRNG behind random fault decisions; default random */
  seed?: number;
  /** the SSWS API token; default a random '00'-prefixed token like Okta's */
  adminToken?: string;
  latencyMs?: number;
  faultRate?: number;
  faultKinds?: FaultKind[];
  /** {N: kind}: fault exactly the Nth management request (1-based, counted from start) */
  faultSchedule?: Record<number | string, FaultKind>;
  /** apply faults and latency to /oauth2 endpoints too (default false) */
  faultOAuth?: boolean;
  /** seed a fresh org with Okta's `default` authorization server, its Default Policy and rule, as every Okta org with API Access Management has (default true) */
  defaultAuthServer?: boolean;
  /**
   * like Okta, answer 403 E0000006 to an OAuth (okta.*) token unless its service app holds an admin role
   * (POST /oauth2/v1/clients/{clientId}/roles) covering the call; default true
   */
  requireAdminRole?: boolean;
  /**
   * Okta's published per-minute limits for this org plan, per endpoint family, each caller capped at 50 % of a
   * bucket; 'off' for none. Default 'developer' (what Okta gives a developer org).
   */
  rateLimits?: RateLimitPlan;
  /** one per-minute limit for every limited family instead of the plan's (for tests about rate limiting) */
  rateLimitPerMinute?: number;
  /** the length of a rate limit window in ms, whole seconds (default Okta's 60 000); shorter for tests of pacing */
  rateLimitWindowMs?: number;
  /** one line per request and for unexpected errors; never a secret */
  log?: (line: string) => void;
}

export interface EmulatorHandle {
  /** the org URL, e.g. http://127.0.0.1:53123 */
  url: string;
  port: number;
  adminToken: string;
  /** a copy of the request log (method, path with safe query keys, status, time) */
  readonly requestLog: OktaRequestLogEntry[];
  clearRequestLog(): void;
  /** change fault settings; a new faultSchedule restarts the management request count at 0 */
  setFaults(settings: FaultSettings): void;
  clearFaults(): void;
  setRateLimit(perMinute: number): void;
  /** counts of objects in the org */
  summary(): Record<string, unknown>;
  /** the live state, for benchmarks and white-box tests; treat as read-only */
  readonly state: EmulatorState;
  /** write the state file now (no-op without statePath) */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_RATE_LIMIT_PLAN: RateLimitPlan = 'developer';
export { RATE_LIMIT_PLANS, type RateLimitPlan } from './ratelimit.js';

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const host = options.host ?? '127.0.0.1';
  const loaded = options.statePath ? await loadState(options.statePath) : undefined;
  const state = loaded ?? (await newState());
  if (!loaded && (options.defaultAuthServer ?? true)) await seedDefaultAuthServer(state);
  seedEveryoneGroup(state);
  const adminToken = options.adminToken ?? '00' + randomBytes(30).toString('base64url');
  registerApiToken(state, adminToken);
  const faults = new FaultInjector(
    options.seed ?? randomInt(2 ** 31),
    {
      faultRate: options.faultRate,
      faultKinds: options.faultKinds,
      faultSchedule: options.faultSchedule,
      latencyMs: options.latencyMs,
      includeOAuth: options.faultOAuth,
    },
    { countKey: 'managementRequestCount' },
  );
  const rateLimiter = new RateLimiter(
    options.rateLimits ?? DEFAULT_RATE_LIMIT_PLAN,
    options.rateLimitPerMinute,
    options.rateLimitWindowMs,
  );
  const requestLog = new RequestLog<OktaRequestLogEntry>();
  const saver = options.statePath
    ? new StateSaver(
        options.statePath,
        () => state,
        25,
        (err) => options.log?.(`emulator: saving state failed: ${String(err)}`),
      )
    : undefined;
  const dpopNonce = newDpopNonce();
  const dpopReplay = new DpopReplayGuard();
  let orgUrl = '';

  const router = new Router<Route>();
  router.add(
    ...appRoutes,
    ...appGrantRoutes,
    ...clientRoleRoutes,
    ...authServerRoutes,
    ...policyRoutes,
    ...inlineHookRoutes,
    ...userRoutes,
    ...groupRoutes,
    ...tokenRoutes(() => ({ dpopNonce, dpopReplay })),
  );
  router.add(...appJwksRoutes, ...customRoleRoutes, ...resourceSetRoutes, ...apiTokenRoutes, ...orgMetadataRoutes);

  const live: LiveOrg = { state: () => state, orgUrl: () => orgUrl, rateLimiter };
  const dialect = oktaDialect({
    ...live,
    adminToken,
    requireAdminRole: options.requireAdminRole ?? true,
    router,
    dpopReplay,
    changed: () => saver?.markDirty(),
    ...(options.log ? { log: options.log } : {}),
  });
  const control = new Router<ControlRoute>().add(...controlRoutes(oktaControls({ ...live, faults, requestLog })));
  const server = createPipelineServer(
    requestHandler({ dialect, faults, requestLog, control, ...(options.log ? { log: options.log } : {}) }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  orgUrl = `http://${urlHost}:${port}`;
  if (saver) {
    saver.markDirty();
    await saver.flush();
  }
  options.log?.(`emulator: Okta org emulator listening on ${orgUrl}`);

  return {
    url: orgUrl,
    port,
    adminToken,
    get requestLog() {
      return requestLog.all();
    },
    clearRequestLog: () => requestLog.clear(),
    setFaults: (settings) => faults.configure(settings),
    clearFaults: () => faults.clear(),
    setRateLimit: (perMinute) => {
      rateLimiter.flatPerMinute = perMinute;
      rateLimiter.reset();
    },
    summary: () => stateSummary(state, orgUrl),
    state,
    flush: async () => saver?.flush(),
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await saver?.flush();
    },
  };
}
