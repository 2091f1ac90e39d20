import type { IncomingMessage, ServerResponse } from 'node:http';
import { isObject, json, writeResult, type HandlerResult } from './http-io.js';
import type { RateLimiter } from './ratelimit.js';
import type { OktaRequestLogEntry } from './server.js';
import type { FaultInjector, FaultSettings } from './shared/faults.js';
import type { RequestLog } from './shared/request-log.js';
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

/**
 * /__emulator/* lets a test that runs the CLI as a child process observe and steer the emulator:
 * the request log, faults, rate limit and a state summary. Never part of Okta's API.
 */
export function controlHandler(deps: ControlDeps) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> => {
    const method = req.method ?? 'GET';
    let parsed: unknown = {};
    if (body.trim()) {
      try {
        parsed = JSON.parse(body);
      } catch {
        return writeResult(res, json(400, { error: 'invalid JSON body' }));
      }
    }
    const settings = isObject(parsed) ? parsed : {};
    const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
    let result: HandlerResult;
    switch (route) {
      case 'GET /__emulator/requests':
        result = json(200, deps.requestLog.all());
        break;
      case 'DELETE /__emulator/requests':
        deps.requestLog.clear();
        result = { status: 204 };
        break;
      case 'GET /__emulator/faults':
        result = json(200, deps.faults.describe());
        break;
      case 'POST /__emulator/faults':
        deps.faults.configure(settings as FaultSettings);
        result = json(200, deps.faults.describe());
        break;
      case 'DELETE /__emulator/faults':
        deps.faults.clear();
        result = { status: 204 };
        break;
      case 'POST /__emulator/rate-limit':
        if (typeof settings.rateLimitPerMinute === 'number' && settings.rateLimitPerMinute > 0) deps.rateLimiter.limitPerMinute = settings.rateLimitPerMinute;
        deps.rateLimiter.reset();
        result = json(200, { rateLimitPerMinute: deps.rateLimiter.limitPerMinute });
        break;
      case 'GET /__emulator/state':
        result = json(200, stateSummary(deps.state(), deps.orgUrl()));
        break;
      case 'GET /__emulator/health':
        result = json(200, { ok: true });
        break;
      default:
        result = json(404, { error: `unknown emulator control endpoint ${route}` });
    }
    writeResult(res, result);
  };
}
