/** What an emulator remembers of each request: never a body, a header, a secret, or a query key not known to be safe. */
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

/** The path plus those query parameters whose keys are in `safeQueryKeys`, in their original order. */
export function loggablePath(url: URL, safeQueryKeys: ReadonlySet<string>): string {
  const kept = new URLSearchParams();
  for (const [key, value] of url.searchParams) if (safeQueryKeys.has(key)) kept.append(key, value);
  const query = kept.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

export class RequestLog<Entry extends RequestLogEntry = RequestLogEntry> {
  private entries: Entry[] = [];

  constructor(private readonly maxEntries = 100_000) {}

  add(entry: Entry): void {
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
  }

  all(): Entry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
