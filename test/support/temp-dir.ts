import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/**
 * A fresh temporary directory (named `prefix` plus random characters) for each test, or with `scope: 'all'` one
 * for the whole file or describe; removed after. `set` receives it, for the suite's own variable.
 */
export function useTempDir(prefix: string, set: (dir: string) => void, scope: 'each' | 'all' = 'each'): void {
  let made: string | undefined;
  const [before, after] = scope === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    made = await mkdtemp(join(tmpdir(), prefix));
    set(made);
  });
  after(async () => {
    if (made) await rm(made, { recursive: true, force: true });
  });
}
