export interface RequestLogEntry {
  method: string;
  /** path plus only the query parameters known to carry no secret */
  path: string;
  /** 0 when the connection was dropped without a response */
  status: number;
  time: string;
  durationMs: number;
  requestId: string;
  fault?: string;
}

const SAFE_QUERY_KEYS = new Set(['limit', 'after', 'q', 'filter', 'search', 'activate', 'expand', 'type', 'sendEmail', 'provider', 'sortBy', 'sortOrder']);

export function loggablePath(url: URL): string {
  const kept = new URLSearchParams();
  for (const [key, value] of url.searchParams) if (SAFE_QUERY_KEYS.has(key)) kept.append(key, value);
  const query = kept.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  constructor(private readonly maxEntries = 100_000) {}

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
  }

  all(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
