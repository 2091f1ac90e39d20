import type { HandlerResult } from '../core/http-io.js';
import type { EmulatorState } from './state.js';

/** What every management and OAuth handler gets for one request. */
export interface RequestContext {
  state: EmulatorState;
  /** the org's base URL, e.g. http://127.0.0.1:8123 (no trailing slash) */
  orgUrl: string;
  method: string;
  /** the request URL resolved against the org URL */
  url: URL;
  /** the origin the client used (Host header), which may differ from orgUrl (localhost vs 127.0.0.1) */
  requestOrigin: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** parsed JSON body of management calls (undefined when empty) */
  body: unknown;
  /** raw body text (form-encoded for /oauth2 endpoints) */
  rawBody: string;
  remoteAddress: string;
  /** the X-Okta-Request-Id of this request */
  requestId: string;
  /** marks the state as changed so it is persisted */
  changed(): void;
}

export type Handler = (ctx: RequestContext) => HandlerResult | Promise<HandlerResult>;

export interface Route {
  method: string;
  /** path template with :params, e.g. /api/v1/apps/:appId */
  path: string;
  /** OAuth scope needed with a Bearer token; manage scopes include read */
  scope?: string;
  handler: Handler;
}

/** `_links` entry the way Okta writes them. */
export function link(href: string, allow?: string[]): Record<string, unknown> {
  return allow ? { href, hints: { allow } } : { href };
}

/** Okta's lifecycle link for an object: `deactivate` while it is active, `activate` otherwise. */
export function lifecycleLink(base: string, active: boolean): Record<string, unknown> {
  return active
    ? { deactivate: link(`${base}/lifecycle/deactivate`, ['POST']) }
    : { activate: link(`${base}/lifecycle/activate`, ['POST']) };
}
