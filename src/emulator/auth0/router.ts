import type { IncomingHttpHeaders } from 'node:http';
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

export interface Route {
  method: string;
  /** '/api/v2/clients/:id' style; each :name matches one path segment (percent-decoded). */
  pattern: string;
  /** Management API scopes of which the token needs any one; undefined = no bearer check. */
  scopes?: string[];
  handler: Handler;
}

interface Compiled extends Route {
  segments: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** Segment-wise matcher. `find` also tells whether the path exists for another method (for 405 vs 404). */
export class Router {
  private readonly routes: Compiled[] = [];

  add(...routes: Route[]): this {
    for (const r of routes) this.routes.push({ ...r, segments: r.pattern.split('/') });
    return this;
  }

  find(method: string, pathname: string): Match | 'method-not-allowed' | undefined {
    const parts = pathname.split('/');
    let pathKnown = false;
    for (const r of this.routes) {
      const params = matchSegments(r.segments, parts);
      if (!params) continue;
      if (r.method === method) return { route: r, params };
      pathKnown = true;
    }
    return pathKnown ? 'method-not-allowed' : undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const v = parts[i]!;
    if (p.startsWith(':')) {
      if (v === '') return undefined;
      try {
        params[p.slice(1)] = decodeURIComponent(v);
      } catch {
        return undefined;
      }
    } else if (p !== v) return undefined;
  }
  return params;
}
