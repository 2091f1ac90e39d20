import type { Controls } from '../core/control.js';
import type { FaultInjector } from '../core/faults.js';
import type { RequestLog } from '../core/request-log.js';
import type { RateLimiter } from './ratelimit.js';
import type { OktaRequestLogEntry } from './server.js';
import type { EmulatorState } from './state.js';

export interface ControlDeps {
  state: () => EmulatorState;
  orgUrl: () => string;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  requestLog: RequestLog<OktaRequestLogEntry>;
}

export function stateSummary(state: EmulatorState, orgUrl: string): Record<string, unknown> {
  let members = 0;
  for (const m of state.groupMembers.values()) members += m.size;
  return {
    orgUrl,
    apps: state.apps.size,
    authorizationServers: state.authServers.size,
    inlineHooks: state.inlineHooks.size,
    users: state.users.size,
    groups: state.groups.size,
    groupMemberships: members,
  };
}

/** The Okta org's side of the shared control surface. */
export function oktaControls(deps: ControlDeps): Controls {
  return {
    summary: () => stateSummary(deps.state(), deps.orgUrl()),
    requests: () => deps.requestLog.all(),
    clearRequests: () => deps.requestLog.clear(),
    faults: () => deps.faults.describe(),
    setFaults: (settings) => deps.faults.configure(settings),
    clearFaults: () => deps.faults.clear(),
    setRateLimit: (settings) => {
      if (typeof settings.rateLimitPerMinute === 'number' && settings.rateLimitPerMinute > 0) deps.rateLimiter.limitPerMinute = settings.rateLimitPerMinute;
      deps.rateLimiter.reset();
      return { rateLimitPerMinute: deps.rateLimiter.limitPerMinute };
    },
  };
}
