import type { OrderedCollection } from './collection.js';

interface PageRequest {
  limit: number;
  after: string | undefined;
}

/** Okta clamps an over-large limit to the endpoint's maximum rather than rejecting it. */
export function pageRequest(query: URLSearchParams, defaultLimit: number, maxLimit: number): PageRequest {
  const raw = query.get('limit');
  const parsed = raw === null ? NaN : Number.parseInt(raw, 10);
  const limit = Number.isFinite(parsed) && parsed > 0 ? Math.min(parsed, maxLimit) : defaultLimit;
  return { limit, after: query.get('after') ?? undefined };
}

/** `Link` headers as Okta sends them: rel="self" is the request URL, rel="next" the same query with a new `after`. */
export function linkHeaders(requestUrl: URL, nextAfter: string | undefined): string[] {
  const links = [`<${requestUrl.href}>; rel="self"`];
  if (nextAfter !== undefined) {
    const next = new URL(requestUrl.href);
    next.searchParams.set('after', nextAfter);
    links.push(`<${next.href}>; rel="next"`);
  }
  return links;
}

interface Page<T> {
  items: T[];
  links: string[];
}

export function paginate<T extends { id: string }>(
  collection: OrderedCollection<T>,
  requestUrl: URL,
  request: PageRequest,
  predicate?: (item: T) => boolean,
): Page<T> {
  const { items, more } = collection.page(request.after, request.limit, predicate);
  const nextAfter = more && items.length > 0 ? items[items.length - 1]!.id : undefined;
  return { items, links: linkHeaders(requestUrl, nextAfter) };
}
