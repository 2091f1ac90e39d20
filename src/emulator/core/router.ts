/** What the router needs of a route; each dialect adds its own fields (handler, scopes). */
export interface RouteShape {
  method: string;
  /** path template with :params, e.g. /api/v1/apps/:appId; each :param matches one (percent-decoded) segment */
  path: string;
}

type RouteMatch<R> =
  { kind: 'found'; route: R; params: Record<string, string> } | { kind: 'method-not-allowed' } | { kind: 'not-found' };

interface CompiledRoute<R> {
  route: R;
  segments: string[];
}

/** Segment-wise matcher shared by both dialects; tells 405 (path known for another method) from 404. */
export class Router<R extends RouteShape> {
  private readonly routes: CompiledRoute<R>[] = [];

  /** trailingSlash: whether /a/b/ matches /a/b (Okta: yes; Auth0: no) */
  constructor(private readonly trailingSlash = true) {}

  add(...routes: R[]): this {
    for (const route of routes) this.routes.push({ route, segments: route.path.split('/') });
    return this;
  }

  match(method: string, path: string): RouteMatch<R> {
    const trimmed = this.trailingSlash && path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const parts = trimmed.split('/');
    let pathKnown = false;
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', route, params };
      pathKnown = true;
    }
    return pathKnown ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
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
