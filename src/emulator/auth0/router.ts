import type { IncomingHttpHeaders } from 'node:http';
import type { RouteShape } from '../core/router.js';
import type { Reply } from './errors.js';

export interface RequestContext {
  method: string;
  url: URL;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> | undefined;
  /** The Management API caller (client id and scopes), on routes with `scopes`. */
  caller?: { clientId: string; scopes: Set<string> };
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/** An Auth0 route; `path` is '/api/v2/clients/:id' style (see core/router.ts). */
export interface Route extends RouteShape {
  /** Management API scopes of which the token needs any one; undefined = no bearer check. */
  scopes?: string[];
  handler: Handler;
}
