import type { Controls } from '../core/control.js';
import type { FaultInjector } from '../core/faults.js';
import type { RequestLog } from '../core/request-log.js';
import { RATE_LIMIT_PLANS } from './ratelimit.js';
import type { LiveOrg, OktaRequestLogEntry } from './server.js';
import type { EmulatorState } from './state.js';

interface ControlDeps extends LiveOrg {
  faults: FaultInjector;
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
      const { plan, rateLimitPerMinute } = settings;
      if (plan !== undefined && !RATE_LIMIT_PLANS.includes(plan))
        throw new Error(`plan must be one of ${RATE_LIMIT_PLANS.join(', ')}`);
      if (rateLimitPerMinute !== undefined && !(Number.isInteger(rateLimitPerMinute) && rateLimitPerMinute > 0))
        throw new Error('rateLimitPerMinute must be an integer > 0');
      if (plan !== undefined) {
        deps.rateLimiter.plan = plan;
        deps.rateLimiter.flatPerMinute = undefined;
      }
      if (rateLimitPerMinute !== undefined) deps.rateLimiter.flatPerMinute = rateLimitPerMinute;
      deps.rateLimiter.reset();
      return {
        plan: deps.rateLimiter.plan,
        ...(deps.rateLimiter.flatPerMinute !== undefined ? { rateLimitPerMinute: deps.rateLimiter.flatPerMinute } : {}),
      };
    },
  };
}
