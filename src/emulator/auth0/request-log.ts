/** What the emulator remembers of each request: never a body, a header, a secret, or a query key not listed below. */
export interface RequestLogEntry {
  method: string;
  /** path plus only the query parameters known to carry no secret */
  path: string;
  /** 0 when the connection was dropped without an answer */
  status: number;
  time: string;
  durationMs: number;
  fault?: string;
}

const SAFE_QUERY_KEYS = new Set([
  'page', 'per_page', 'include_totals', 'take', 'from', 'audience', 'client_id', 'name_filter', 'app_type',
  'is_first_party', 'fields', 'include_fields', 'identifiers', 'q', 'email',
]);

export function loggablePath(url: URL): string {
  const kept = new URLSearchParams();
  for (const [key, value] of url.searchParams) if (SAFE_QUERY_KEYS.has(key)) kept.append(key, value);
  const query = kept.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  constructor(private readonly max = 100_000) {}

  add(e: RequestLogEntry): void {
    this.entries.push(e);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
  }

  all(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
