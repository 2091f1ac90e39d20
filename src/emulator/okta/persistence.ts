import { readTextIfPresent, writeFileAtomic } from '../core/state-file.js';
import { deserializeState, serializeState, type EmulatorState } from './state.js';

export async function loadState(path: string): Promise<EmulatorState | undefined> {
  const text = await readTextIfPresent(path);
  return text === undefined ? undefined : deserializeState(text);
}

export async function writeStateAtomically(path: string, state: EmulatorState): Promise<void> {
  await writeFileAtomic(path, serializeState(state));
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
