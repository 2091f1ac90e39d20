import { describe, expect, it } from 'vitest';
import { OrderedCollection } from '../../src/emulator/okta/collection.js';
import { placeByPriority } from '../../src/emulator/okta/validation.js';

describe('OrderedCollection', () => {
  it('pages 50,000 items in linear time and resumes after a deleted cursor', () => {
    const collection = new OrderedCollection(Array.from({ length: 50_000 }, (_, i) => ({ id: `u${i}` })));
    const started = performance.now();
    let after: string | undefined;
    let seen = 0;
    for (;;) {
      const page = collection.page(after, 200);
      seen += page.items.length;
      if (!page.more) break;
      after = page.items.at(-1)!.id;
    }
    expect(seen).toBe(50_000);
    expect(performance.now() - started).toBeLessThan(500);

    collection.delete('u100');
    expect(collection.page('u100', 2).items.map((i) => i.id)).toEqual(['u101', 'u102']);
    expect(collection.page('u99', 2).items.map((i) => i.id)).toEqual(['u101', 'u102']);
    expect(collection.page('unknown', 1).items.map((i) => i.id)).toEqual(['u0']);
    expect(collection.size).toBe(49_999);
  });

  it('renumbers priorities contiguously', () => {
    const items = [{ id: 'a', priority: 1 }, { id: 'b', priority: 2 }];
    const placed = placeByPriority(items, { id: 'c' } as { id: string; priority?: number }, 1);
    expect(placed.map((p) => [p.id, p.priority])).toEqual([['c', 1], ['a', 2], ['b', 3]]);
    expect(placeByPriority(placed, { id: 'd' } as { id: string; priority?: number }, 99).map((p) => p.priority)).toEqual([1, 2, 3, 4]);
  });
});
