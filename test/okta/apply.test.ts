import { describe, expect, it } from 'vitest';
import { AuthError, RemoteError } from '../../src/errors.js';
import { createChecked, forReplace, outcomeUnknown } from '../../src/okta/setup/apply.js';

describe('createChecked', () => {
  it('adopts what a create whose answer was lost made, instead of making another', async () => {
    let creates = 0;
    const made: string[] = [];
    const result = await createChecked(
      async () => {
        creates += 1;
        made.push('app');
        throw new RemoteError('connection dropped');
      },
      async () => (made.length ? { id: 'made-by-the-first-try' } : undefined),
    );
    expect(result).toEqual({ value: { id: 'made-by-the-first-try' }, adopted: true });
    expect(creates).toBe(1);
  });

  it('tries again when the check finds nothing', async () => {
    let creates = 0;
    const result = await createChecked(
      async () => {
        creates += 1;
        if (creates === 1) throw new RemoteError('Okta answered HTTP 500', { status: 500 });
        return { id: 'second' };
      },
      async () => undefined,
    );
    expect(result).toEqual({ value: { id: 'second' }, adopted: false });
    expect(creates).toBe(2);
  });

  it('does not retry what surely did not happen, and gives up after a few tries', async () => {
    await expect(
      createChecked(
        async () => Promise.reject(new AuthError('no')),
        async () => ({ id: 'x' }),
      ),
    ).rejects.toThrow(AuthError);
    let creates = 0;
    await expect(
      createChecked(
        async () => {
          creates += 1;
          throw new RemoteError('down', { status: 503 });
        },
        async () => undefined,
        3,
      ),
    ).rejects.toThrow('down');
    expect(creates).toBe(3);
  });

  it('knows which failures leave the outcome unknown', () => {
    expect(outcomeUnknown(new RemoteError('dropped'))).toBe(true);
    expect(outcomeUnknown(new RemoteError('500', { status: 502 }))).toBe(true);
    expect(outcomeUnknown(new RemoteError('429', { status: 429 }))).toBe(false);
    expect(outcomeUnknown(new AuthError('401'))).toBe(false);
  });
});

describe('forReplace', () => {
  it('drops links and read-only timestamps at every depth', () => {
    const value = {
      id: '1',
      created: 'x',
      _links: {},
      credentials: { signing: { kid: 'k', lastRotated: 'y', nextRotation: 'z' } },
      list: [{ lastUpdated: 'w', a: 1 }],
    };
    expect(forReplace(value)).toEqual({ id: '1', credentials: { signing: { kid: 'k' } }, list: [{ a: 1 }] });
  });
});
