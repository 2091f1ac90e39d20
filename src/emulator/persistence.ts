import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { deserializeState, serializeState, type EmulatorState } from './state.js';

export async function loadState(path: string): Promise<EmulatorState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return deserializeState(text);
}

/** Writes a temp file with mode 0600 beside the target, then renames it over the target. */
export async function writeStateAtomically(path: string, state: EmulatorState): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temp, serializeState(state), { mode: 0o600 });
    await chmod(temp, 0o600); // a pre-existing file keeps its mode; a umask can only narrow it
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/**
 * Coalesces saves: many writes within `delayMs` become one file write, so creating 50,000 users does not
 * rewrite the whole file 50,000 times. `flush` waits for everything pending.
 */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly path: string,
    private readonly state: () => EmulatorState,
    private readonly delayMs = 25,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  markDirty(): void {
    this.dirty = true;
    if (!this.timer) this.timer = setTimeout(() => void this.save(), this.delayMs);
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.save();
  }

  private save(): Promise<void> {
    this.timer = undefined;
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      try {
        await writeStateAtomically(this.path, this.state());
      } catch (err) {
        this.onError(err);
      }
    });
    return this.writing;
  }
}
