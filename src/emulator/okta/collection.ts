/**
 * Objects kept in creation order with O(1) lookup by id and O(log n) positioning of an `after` cursor,
 * so paging through tens of thousands of users stays linear overall.
 */
export class OrderedCollection<T extends { id: string }> {
  private readonly entries: { seq: number; item: T }[] = [];
  private readonly byId = new Map<string, { seq: number; item: T }>();
  // Remembers the position of deleted ids too, so a cursor naming a deleted object still resumes correctly.
  private readonly seqOf = new Map<string, number>();
  private nextSeq = 1;

  constructor(items: Iterable<T> = []) {
    for (const item of items) this.add(item);
  }

  get size(): number {
    return this.entries.length;
  }

  get(id: string): T | undefined {
    return this.byId.get(id)?.item;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  add(item: T): T {
    const existing = this.byId.get(item.id);
    if (existing) {
      existing.item = item;
      return item;
    }
    const entry = { seq: this.nextSeq++, item };
    this.entries.push(entry);
    this.byId.set(item.id, entry);
    this.seqOf.set(item.id, entry.seq);
    return item;
  }

  /** Replaces an existing object in place, keeping its position. */
  replace(item: T): T {
    const entry = this.byId.get(item.id);
    if (!entry) return this.add(item);
    entry.item = item;
    return item;
  }

  delete(id: string): boolean {
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.entries.splice(this.indexAfterSeq(entry.seq - 1), 1);
    this.byId.delete(id);
    return true;
  }

  values(): T[] {
    return this.entries.map((e) => e.item);
  }

  find(predicate: (item: T) => boolean): T | undefined {
    for (const e of this.entries) if (predicate(e.item)) return e.item;
    return undefined;
  }

  /**
   * Up to `limit` items after the cursor id that satisfy the predicate, and whether more exist.
   * An unknown cursor starts from the beginning.
   */
  page(after: string | undefined, limit: number, predicate?: (item: T) => boolean): { items: T[]; more: boolean } {
    const afterSeq = after === undefined ? 0 : (this.seqOf.get(after) ?? 0);
    const items: T[] = [];
    for (let i = this.indexAfterSeq(afterSeq); i < this.entries.length; i++) {
      const item = this.entries[i]!.item;
      if (predicate && !predicate(item)) continue;
      if (items.length === limit) return { items, more: true };
      items.push(item);
    }
    return { items, more: false };
  }

  /** Index of the first entry whose seq is greater than `seq` (entries are sorted by seq). */
  private indexAfterSeq(seq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
