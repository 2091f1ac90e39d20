import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ReplyError } from '../../src/emulator/auth0/errors.js';
import { pageOf } from '../../src/emulator/auth0/management/query.js';

const items = (n: number) => Array.from({ length: n }, (_, i) => i);

function walkCheckpoint(n: number, take: number): number[] {
  const all = items(n);
  const out: number[] = [];
  let from: string | undefined;
  for (let guard = 0; guard < n + 2; guard++) {
    const url = new URL(`http://x/?take=${take}${from ? `&from=${encodeURIComponent(from)}` : ''}`);
    const body = pageOf(url, 'users', n, (s, e) => all.slice(s, e), { checkpoint: true }).body as {
      users: number[];
      next?: string;
    };
    expect(body.users.length).toBeLessThanOrEqual(take);
    out.push(...body.users);
    if (body.next === undefined) return out;
    expect(body.users.length).toBe(take);
    from = body.next;
  }
  throw new Error('checkpoint walk did not end');
}

describe('auth0 emulator: pagination helper (properties)', () => {
  it('a checkpoint walk yields every item exactly once, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 100 }), (n, take) => {
        expect(walkCheckpoint(n, take)).toEqual(items(n));
      }),
      { numRuns: 200 },
    );
  });

  it('page/per_page pages concatenate to the whole list; include_totals reports the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 100 }), (n, perPage) => {
        const all = items(n);
        const out: number[] = [];
        for (let page = 0; page * perPage < n + perPage; page++) {
          const url = new URL(`http://x/?per_page=${perPage}&page=${page}&include_totals=true`);
          const body = pageOf(url, 'users', n, (s, e) => all.slice(s, e)).body as {
            users: number[];
            total: number;
            start: number;
            limit: number;
          };
          expect(body.total).toBe(n);
          expect(body.limit).toBe(perPage);
          expect(body.start).toBe(page * perPage);
          out.push(...body.users);
        }
        expect(out).toEqual(all);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects out-of-range or malformed paging parameters with 400', () => {
    for (const q of ['per_page=101', 'per_page=-1', 'page=x', 'take=0', 'take=101', 'from=%%%']) {
      const url = new URL(`http://x/?${q.replace('%%%', 'bm90LWEtY3Vyc29y')}`);
      let status = 0;
      try {
        pageOf(url, 'users', 10, () => [], { checkpoint: true });
      } catch (err) {
        status = (err as ReplyError).reply.status;
      }
      expect(status, q).toBe(400);
    }
  });
});
