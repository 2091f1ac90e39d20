import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TenantSnapshot } from './store.js';

/** Reads a saved tenant, or undefined when there is none yet. */
export async function loadSnapshot(path: string): Promise<TenantSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as TenantSnapshot;
}

/** Atomic write: a temp file made with mode 0600 beside the target, flushed, then renamed over it. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * Coalescing saver: many mutations in a row cause at most one write in flight and one queued.
 * `flush()` resolves once everything requested so far is on disk.
 */
export class StateSaver {
  private running: Promise<void> | undefined;
  private dirty = false;
  private lastError: unknown;

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
          this.lastError = err;
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
