import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSettings } from './faults.js';
import { isObject, json, noContent, writeResult, type HandlerResult, type Json } from './http-io.js';
import type { Router, RouteShape } from './router.js';

/** What the control endpoints steer; each emulator implements it (as functions, not methods: they are passed around unbound). */
export interface Controls {
  /** URLs and ids a child process needs (Auth0) */
  info?: () => Record<string, unknown>;
  /** object counts */
  summary: () => Record<string, unknown>;
  requests: () => unknown[];
  clearRequests: () => void;
  faults: () => unknown;
  /** throws (changing nothing) on a bad setting, or clamps, as the dialect chooses */
  setFaults: (settings: FaultSettings) => void;
  clearFaults: () => void;
  /** applies the dialect's rate-limit settings and returns what is now in force; throws on a bad value */
  setRateLimit: (settings: Json) => Json;
  /** adds test data (Auth0) */
  seed?: (spec: Json) => unknown;
}

export interface ControlRoute extends RouteShape {
  handler: (body: Json) => HandlerResult;
}

/**
 * /__emulator/* lets a test that runs the CLI as a child process observe and steer an emulator: the request log,
 * faults, rate limits, a state summary. The same paths and field names for both dialects; never part of Okta's or
 * Auth0's API; not logged, faulted or rate limited; never returns a secret.
 */
export function controlRoutes(c: Controls): ControlRoute[] {
  const routes: ControlRoute[] = [
    { method: 'GET', path: '/__emulator/health', handler: () => json(200, { ok: true }) },
    { method: 'GET', path: '/__emulator/state', handler: () => json(200, c.summary()) },
    { method: 'GET', path: '/__emulator/requests', handler: () => json(200, c.requests()) },
    { method: 'DELETE', path: '/__emulator/requests', handler: () => (c.clearRequests(), noContent()) },
    { method: 'GET', path: '/__emulator/faults', handler: () => json(200, c.faults()) },
    { method: 'POST', path: '/__emulator/faults', handler: (body) => (c.setFaults(body), json(200, c.faults())) },
    { method: 'DELETE', path: '/__emulator/faults', handler: () => (c.clearFaults(), noContent()) },
    { method: 'POST', path: '/__emulator/rate-limit', handler: (body) => json(200, c.setRateLimit(body)) },
  ];
  const { info, seed } = c;
  if (info) routes.push({ method: 'GET', path: '/__emulator/info', handler: () => json(200, info()) });
  if (seed) routes.push({ method: 'POST', path: '/__emulator/seed', handler: (body) => json(201, seed(body)) });
  return routes;
}

export async function handleControl(
  router: Router<ControlRoute>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): Promise<void> {
  writeResult(res, controlResult(router, req, url, body));
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The control endpoints steer faults and read the request log, so a web page must not reach them: the Host must be a
 * loopback name (no DNS rebinding), an Origin must be the emulator's own (no cross-site request), and a body must be
 * application/json (a form or text/plain POST needs no CORS preflight).
 */
function refusal(req: IncomingMessage, method: string, raw: Buffer): string | undefined {
  const host = req.headers.host ?? '';
  const hostname = hostnameOf(host);
  if (
    !hostname ||
    !(LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname))
  )
    return 'the Host must be a loopback address';
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      originHost = undefined;
    }
    if (originHost !== host.toLowerCase()) return 'requests from another origin are refused';
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'cross-site requests are refused';
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if ((method === 'POST' || method === 'PUT' || method === 'PATCH' || raw.length > 0) && type !== 'application/json')
    return 'the body must be sent as Content-Type: application/json';
  return undefined;
}

function controlResult(router: Router<ControlRoute>, req: IncomingMessage, url: URL, raw: Buffer): HandlerResult {
  const method = (req.method ?? 'GET').toUpperCase();
  const refused = refusal(req, method, raw);
  if (refused) return json(403, { error: `emulator control endpoint: ${refused}` });
  const match = router.match(method, url.pathname);
  if (match.kind !== 'found')
    return json(match.kind === 'not-found' ? 404 : 405, {
      error: `unknown emulator control endpoint ${method} ${url.pathname}`,
    });
  let body: Json = {};
  if (raw.length > 0 && raw.toString('utf8').trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      return json(400, { error: 'invalid JSON body' });
    }
    if (!isObject(parsed)) return json(400, { error: 'the body must be a JSON object' });
    body = parsed;
  }
  try {
    return match.route.handler(body);
  } catch (err) {
    return json(400, { error: (err as Error).message });
  }
}
