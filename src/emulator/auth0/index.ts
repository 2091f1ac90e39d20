/**
 * An emulated Auth0 tenant: Authentication API (client credentials), JWKS and discovery, and the parts of the
 * Management API v2 that okta-m2m uses. Imports nothing from the CLI side.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultInjector, type FaultKind, type FaultSettings } from '../core/faults.js';
import { RequestLog, type RequestLogEntry } from '../core/request-log.js';
import { openTenant } from './bootstrap.js';
import { auth0RateLimitSetting } from './control.js';
import { controlRoutes, type ControlRoute, type Controls } from '../core/control.js';
import { createPipelineServer, requestHandler } from '../core/pipeline.js';
import type { Route } from './router.js';
import { discoveryRoutes } from './discovery.js';
import { clientGrantRoutes } from './management/client-grants.js';
import { clientRoutes } from './management/clients.js';
import { resourceServerRoutes } from './management/resource-servers.js';
import { roleRoutes } from './management/roles.js';
import { userRoutes } from './management/users.js';
import { DEFAULT_MANAGEMENT_SCOPES } from './model.js';
import { loadSnapshot, StateSaver } from './persist.js';
import { RateLimiter } from './rate-limit.js';
import { Router } from '../core/router.js';
import { selfSignedCert } from './self-signed.js';
import { seedTenant, type SeedResult, type SeedSpec } from './seed.js';
import { auth0Dialect } from './server.js';
import type { Tenant } from './tenant.js';
import { tokenHandler } from './tokens.js';

export type { FaultKind, FaultSettings } from '../core/faults.js';
export type { RequestLogEntry } from '../core/request-log.js';
export type { SeedResult, SeedRole, SeedSpec, SeedUser } from './seed.js';
export { DEFAULT_MANAGEMENT_SCOPES, ALL_MANAGEMENT_SCOPES } from './model.js';
export { auth0EmulatorSummary, type Auth0EmulatorSummary } from './summary.js';
export { selfSignedCert } from './self-signed.js';

export interface Auth0EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seeds ids and fault draws (default 1). */
  seed?: number;
  /** Delay before every Management API answer (and OAuth ones with faultOAuth); default 0. */
  latencyMs?: number;
  /** Management API requests allowed per second; 0/undefined = unlimited (headers are still sent). */
  rateLimitPerSecond?: number;
  /** {N: kind}: fault exactly the Nth Management API request (1-based, counted from start). */
  faultSchedule?: Record<number | string, FaultKind>;
  /** Chance in [0,1] of a fault on any Management API request, drawn from the seeded PRNG. */
  faultRate?: number;
  /** Kinds faultRate draws from (default 429, 500, drop). */
  faultKinds?: FaultKind[];
  /** Apply faults and latency to /oauth/token and /.well-known/* too (default false). */
  faultOAuth?: boolean;
  /** Where the tenant is saved (0600, atomic) after each change and loaded from at start. */
  statePath?: string;
  /** Token issuer; default `${url}/`. A function gets the emulator's URL once the port is known. */
  issuer?: string | ((url: string) => string);
  /** Scopes granted to the management client (default: DEFAULT_MANAGEMENT_SCOPES). */
  managementScopes?: string[];
  /** Tenant name shown in clients' `tenant` field (default 'emulator'). */
  tenantName?: string;
  /** Data to add at start (only when the tenant is new, i.e. not loaded from statePath). */
  seedData?: SeedSpec;
  /**
   * Serve https. `true`: a self-signed certificate made at start for the host, localhost, 127.0.0.1 and ::1, its PEM
   * written to `caCertPath` (default: a temp file removed at stop) -- point NODE_EXTRA_CA_CERTS of a client process at
   * it and the unmodified auth0 SDK works with `domain`. Or bring your own `cert` and `key` (PEM).
   */
  tls?: boolean | { caCertPath?: string; cert?: string; key?: string };
}

export interface Auth0Emulator {
  /** 'http://127.0.0.1:PORT' (no trailing slash); https with the tls option. */
  url: string;
  /** With tls: the certificate (PEM) clients must trust, and the file it was written to. */
  caCertPem?: string;
  caCertPath?: string;
  /** 'host:port' -- what Auth0 calls the tenant domain. */
  domain: string;
  /** `${url}/` unless configured: the `iss` of every token. */
  issuer: string;
  /** `${issuer}api/v2/`: the audience of Management API tokens. */
  managementAudience: string;
  /** `${url}/api/v2` -- the base URL a Management API client must use. */
  managementBaseUrl: string;
  tokenUrl: string;
  jwksUri: string;
  managementClientId: string;
  /** Print once at start, as an admin would see it; never log it. */
  managementClientSecret: string;
  /** A copy of the request log (method, path with safe query keys, status, time, durationMs, fault). */
  readonly requestLog: RequestLogEntry[];
  clearRequestLog(): void;
  /** Change fault settings; a new faultSchedule restarts the request count at 0. */
  setFaults(settings: FaultSettings): void;
  clearFaults(): void;
  /** 0 = unlimited. */
  setRateLimit(perSecond: number): void;
  /** Counts of objects in the tenant, plus its URLs and the management client id. */
  summary(): Record<string, unknown>;
  /** Add roles and users (fast: 50,000 users in well under a second). */
  seed(spec: SeedSpec): SeedResult;
  /** The current in-memory tenant (for white-box tests). */
  tenant: Tenant;
  /** Resolves once every change so far is saved (no-op without statePath). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAuth0Emulator(options: Auth0EmulatorOptions = {}): Promise<Auth0Emulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const log = new RequestLog();
  const faults = new FaultInjector(
    seed,
    {
      faultSchedule: options.faultSchedule ?? {},
      faultRate: options.faultRate ?? 0,
      latencyMs: options.latencyMs ?? 0,
      includeOAuth: options.faultOAuth ?? false,
      ...(options.faultKinds ? { faultKinds: options.faultKinds } : {}),
    },
    // The seed also draws the tenant's ids: the salt keeps fault draws independent of them.
    { seedSalt: 0x5eedfa17, rejectInvalid: true, countKey: 'requestCount' },
  );
  const limiter = new RateLimiter(options.rateLimitPerSecond ?? 0);
  const api = new Router<Route>(false);

  // Listen first: the issuer (and the Management API identifier) follow the port.
  let saver: StateSaver | undefined;
  let tenantRef: Tenant | undefined;
  let tls: { cert: string; key: string; path?: string; tempDir?: string } | undefined;
  if (options.tls) {
    const given = typeof options.tls === 'object' ? options.tls : {};
    if (given.cert && given.key) tls = { cert: given.cert, key: given.key };
    else {
      const made = selfSignedCert([host, 'localhost', '127.0.0.1', '::1']);
      tls = { cert: made.certPem, key: made.keyPem };
    }
    if (given.caCertPath) tls.path = given.caCertPath;
    else {
      tls.tempDir = await mkdtemp(join(tmpdir(), 'auth0-emulator-'));
      tls.path = join(tls.tempDir, 'ca.pem');
    }
    await writeFile(tls.path, tls.cert, { mode: 0o644 });
  }
  const control = new Router<ControlRoute>();
  const dialect = auth0Dialect({ tenant: () => tenantRef!, baseUrl: () => 'http://emulator.invalid', api, limiter });
  const server = createPipelineServer(requestHandler({ dialect, faults, requestLog: log, control }), tls);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    if (tls?.tempDir) await rm(tls.tempDir, { recursive: true, force: true });
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const domain = `${hostPart}:${port}`;
  const url = `${tls ? 'https' : 'http'}://${domain}`;
  const issuerOpt = options.issuer;
  const issuer = typeof issuerOpt === 'function' ? issuerOpt(url) : (issuerOpt ?? `${url}/`);

  try {
    const saved = options.statePath ? await loadSnapshot(options.statePath) : undefined;
    const tenant = await openTenant(
      {
        seed,
        issuer,
        domain,
        tenantName: options.tenantName ?? 'emulator',
        managementScopes: options.managementScopes,
        defaultManagementScopes: DEFAULT_MANAGEMENT_SCOPES,
        changed: () => saver?.request(),
      },
      saved,
    );
    tenantRef = tenant;
    if (options.statePath) saver = new StateSaver(options.statePath, () => tenant.store.toSnapshot());
    if (!saved && options.seedData) seedTenant(tenant, options.seedData);
    saver?.request();
    await saver?.flush();
  } catch (err) {
    await new Promise((r) => server.close(r));
    if (tls?.tempDir) await rm(tls.tempDir, { recursive: true, force: true });
    throw err;
  }
  const tenant = tenantRef;

  const summary = () => {
    let roleMembers = 0;
    for (const m of tenant.store.roleMembers.values()) roleMembers += m.ids.length;
    return {
      ...controls.info(),
      resourceServers: tenant.store.resourceServers.size,
      clients: tenant.store.clients.size,
      clientGrants: tenant.store.clientGrants.size,
      roles: tenant.store.roles.size,
      users: tenant.store.users.size,
      roleMembers,
    };
  };
  const controls: Controls & {
    info: () => Record<string, unknown>;
    seed: (spec: SeedSpec) => SeedResult;
    setRateLimit: (settings: Record<string, unknown>) => Record<string, unknown>;
  } = {
    info: () => ({
      url,
      domain,
      issuer,
      managementAudience: tenant.managementAudience,
      managementClientId: tenant.store.managementClientId,
      tokenUrl: `${url}/oauth/token`,
    }),
    summary: () => summary(),
    requests: () => log.all(),
    clearRequests: () => log.clear(),
    faults: () => faults.describe(),
    setFaults: (settings) => faults.configure(settings),
    clearFaults: () => faults.clear(),
    setRateLimit: auth0RateLimitSetting((n) => (limiter.limit = n)),
    seed: (spec) => seedTenant(tenant, spec),
  };
  control.add(...controlRoutes(controls));
  api.add(
    { method: 'POST', path: '/oauth/token', handler: tokenHandler(tenant) },
    ...discoveryRoutes(tenant, () => url),
    ...resourceServerRoutes(tenant),
    ...clientRoutes(tenant),
    ...clientGrantRoutes(tenant),
    ...roleRoutes(tenant),
    ...userRoutes(tenant),
  );

  const mgmtClient = tenant.store.clients.get(tenant.store.managementClientId)!;
  let stopped: Promise<void> | undefined;
  return {
    url,
    domain,
    ...(tls ? { caCertPem: tls.cert, caCertPath: tls.path } : {}),
    issuer,
    managementAudience: tenant.managementAudience,
    managementBaseUrl: `${url}/api/v2`,
    tokenUrl: `${url}/oauth/token`,
    jwksUri: `${url}/.well-known/jwks.json`,
    managementClientId: mgmtClient.client_id,
    get managementClientSecret() {
      return tenant.store.clients.get(tenant.store.managementClientId)?.client_secret ?? mgmtClient.client_secret;
    },
    get requestLog() {
      return log.all();
    },
    clearRequestLog: controls.clearRequests,
    setFaults: controls.setFaults,
    clearFaults: controls.clearFaults,
    setRateLimit: (perSecond) => {
      limiter.limit = perSecond;
    },
    summary,
    seed: controls.seed,
    tenant,
    flush: async () => {
      await saver?.flush();
    },
    stop: () => {
      stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await saver?.flush();
        if (tls?.tempDir) await rm(tls.tempDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
