import { describe, expect, it } from 'vitest';
import { OrderedCollection } from '../../src/emulator/okta/collection.js';
import { placeByPriority } from '../../src/emulator/okta/validation.js';

describe('OrderedCollection', () => {
  it('pages 50,000 items in linear time and resumes after a deleted cursor', () => {
    const collection = new OrderedCollection(Array.from({ length: 50_000 }, (_, i) => ({ id: `u${i}` })));
    // Linear time, counted rather than timed: every read of an entry goes through this proxy.
    const internals = collection as unknown as { entries: Array<{ seq: number; item: { id: string } }> };
    let reads = 0;
    internals.entries = new Proxy(internals.entries, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads += 1;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    let after: string | undefined;
    let seen = 0;
    for (;;) {
      const page = collection.page(after, 200);
      seen += page.items.length;
      if (!page.more) break;
      after = page.items.at(-1)!.id;
    }
    expect(seen).toBe(50_000);
    // Each item read once, plus a binary search (about 16 reads) and the peek past the limit per page of 200:
    // about 54,000. Rescanning from the start on every page would take some 6 million.
    expect(reads).toBeLessThan(60_000);

    collection.delete('u100');
    expect(collection.page('u100', 2).items.map((i) => i.id)).toEqual(['u101', 'u102']);
    expect(collection.page('u99', 2).items.map((i) => i.id)).toEqual(['u101', 'u102']);
    expect(collection.page('unknown', 1).items.map((i) => i.id)).toEqual(['u0']);
    expect(collection.size).toBe(49_999);
  });

  it('renumbers priorities contiguously', () => {
    const items: { id: string; priority?: number }[] = [
      { id: 'a', priority: 1 },
      { id: 'b', priority: 2 },
    ];
    const placed = placeByPriority(items, { id: 'c' }, 1);
    expect(placed.map((p) => [p.id, p.priority])).toEqual([
      ['c', 1],
      ['a', 2],
      ['b', 3],
    ]);
    expect(placeByPriority(placed, { id: 'd' }, 99).map((p) => p.priority)).toEqual([1, 2, 3, 4]);
  });
});
