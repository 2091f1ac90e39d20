import { readTextIfPresent, writeFileAtomic } from '../core/state-file.js';
import type { TenantSnapshot } from './store.js';

/** Reads a saved tenant, or undefined when there is none yet. */
export async function loadSnapshot(path: string): Promise<TenantSnapshot | undefined> {
  const text = await readTextIfPresent(path);
  return text === undefined ? undefined : (JSON.parse(text) as TenantSnapshot);
}

/**
 * Coalescing saver: many mutations in a row cause at most one write in flight and one queued.
 * `flush()` resolves once everything requested so far is on disk.
 */
export class StateSaver {
  private running: Promise<void> | undefined;
  private dirty = false;
  private lastError: Error | undefined;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => TenantSnapshot,
  ) {}

  request(): void {
    this.dirty = true;
    if (!this.running) this.running = this.loop();
  }

  private async loop(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        try {
          await writeFileAtomic(this.path, JSON.stringify(this.snapshot()));
        } catch (err) {
          this.lastError = err instanceof Error ? err : new Error(String(err));
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.lastError) {
      const err = this.lastError;
      this.lastError = undefined;
      throw err;
    }
  }
}
